#include "diff/rowfetcher.h"

#include "db/arrayliteral.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/joinedkey.h"
#include "diff/sidepair.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace salvage {

RowFetcher::RowFetcher(
    const Table &table, QStringList columns, QString timeExpression, QList<Need> needs, QList<bool> digested)
    : m_table(table)
    , m_columns(std::move(columns))
    , m_timeExpression(std::move(timeExpression))
    , m_needs(std::move(needs))
    , m_digested(std::move(digested))
{
    if (m_timeExpression.isEmpty())
        std::replace(m_needs.begin(), m_needs.end(), Need::WhenUndated, Need::Value); // no time, none undated
}

QString RowFetcher::textColumns(const QStringList &columns, const QString &alias)
{
    QStringList parts;
    for (const QString &column : columns)
        parts << alias + u'.' + sql::quoteIdent(column) + u"::text"_s;
    return parts.join(u", "_s);
}

QHash<QString, RowFetcher::Row> RowFetcher::fetch(DiffSide &side, const QList<QStringList> &keys) const
{
    if (keys.isEmpty())
        return {};
    const QStringList &keyColumns = m_table.primaryKey;
    QStringList unnestArgs, aliases, conditions;
    std::vector<std::string> parameters;
    for (int i = 0; i < keyColumns.size(); ++i) {
        const Column *column = m_table.column(keyColumns.at(i));
        QStringList values;
        values.reserve(keys.size());
        for (const QStringList &key : keys)
            values << key.at(i);
        parameters.push_back(arrayLiteral(values).toStdString());
        unnestArgs << u"$%1::text[]"_s.arg(i + 1);
        aliases << u"salvage_k%1"_s.arg(i);
        conditions << u"s.%1 = u.salvage_k%2::%3"_s.arg(
            sql::quoteIdent(column->name), QString::number(i), column->type);
    }
    // One index lookup per key, kept so by OFFSET 0: joined plainly, the planner hashed the whole
    // table to find a few thousand keys (a 290,000-row table read and hashed once per batch).
    const QString query = u"SELECT %1 FROM unnest(%3) AS u(%4) CROSS JOIN LATERAL (SELECT * FROM %2 AS s WHERE %5 "
                          u"OFFSET 0) AS s %6"_s.arg(selectList(), m_table.sqlName(), unnestArgs.join(u", "_s),
                              aliases.join(u", "_s), conditions.join(u" AND "_s), rowTime());
    QHash<QString, Row> rows;
    const pqxx::result result = pqxxcompat::execParamList(side.txn(), query.toStdString(), parameters);
    rows.reserve(qsizetype(result.size()));
    read(result, [&rows](QString &&key, Row &&row) { rows.insert(std::move(key), std::move(row)); });
    return rows;
}

std::vector<RowFetcher::KeyedRow> RowFetcher::fetchRanges(DiffSide &side, const Column &rangeColumn,
    const QStringList &lows, const QStringList &highs, const QList<bool> &closed) const
{
    if (lows.isEmpty())
        return {};
    const QString key = sql::quoteIdent(rangeColumn.name);
    // OFFSET 0 keeps one index range scan per range (as TableComparator's key hashes do).
    const QString query
        = u"SELECT %1 FROM unnest($1::%2[], $2::%2[], $3::bool[]) AS r(salvage_lo, salvage_hi, salvage_closed) "
          u"CROSS JOIN LATERAL (SELECT * FROM %3 AS t WHERE t.%4 >= r.salvage_lo AND t.%4 <= r.salvage_hi "
          u"AND (t.%4 < r.salvage_hi OR r.salvage_closed) OFFSET 0) AS s %5"_s.arg(
              selectList(), rangeColumn.type, m_table.sqlName(), key, rowTime());
    const pqxx::result result = pqxxcompat::execParamList(side.txn(), query.toStdString(),
        { arrayLiteral(lows).toStdString(), arrayLiteral(highs).toStdString(), arrayLiteral(closed).toStdString() });
    // A list, not a hash: these rows are only walked in order. A hash built, its keys sorted apart
    // and each row copied out cost the diff's client 0.4 s of CPU at demo scale 300 (2.9-3.1 s
    // against 2.5-2.6 s).
    std::vector<KeyedRow> rows;
    rows.reserve(result.size());
    read(result, [&rows](QString &&joined, Row &&row) { rows.emplace_back(std::move(joined), std::move(row)); });
    std::sort(rows.begin(), rows.end(), [](const KeyedRow &a, const KeyedRow &b) { return a.first < b.first; });
    return rows;
}

QString RowFetcher::rowTime() const
{
    // The row's time once, in a subquery of its own that OFFSET 0 keeps apart: written into the
    // select list, it was computed again for every column sent only when the row is undated
    // (50,000 notifications by key, jit off as in the diff: 0.24-0.25 s instead of 0.32-0.36 s). A
    // FROM item's name, so no column of the table can clash with it.
    return u"CROSS JOIN LATERAL (SELECT %1 AS v OFFSET 0) AS salvage_time"_s.arg(
        m_timeExpression.isEmpty() ? u"NULL::float8"_s : m_timeExpression);
}

QString RowFetcher::selectList() const
{
    const QString time = u"salvage_time.v"_s;
    QStringList values, digested;
    for (qsizetype i = 0; i < m_columns.size(); ++i) {
        const QString text = u"s."_s + sql::quoteIdent(m_columns.at(i)) + u"::text"_s;
        const Need need = m_needs.value(i, Need::Value);
        if (need == Need::Value)
            values << text;
        else if (need == Need::Nothing)
            values << u"NULL::text"_s;
        else
            values << u"CASE WHEN %1 IS NULL THEN %2 END"_s.arg(time, text);
        if (m_digested.value(i, false))
            digested << text;
    }
    // ROW(…)::text quotes every value and tells NULL from '': equal digests, equal texts.
    const QString digest = digested.isEmpty() ? u"NULL::text"_s : u"md5(ROW(%1)::text)"_s.arg(digested.join(u", "_s));
    return u"%1, %2, %3, %4"_s.arg(textColumns(m_table.primaryKey, u"s"_s), values.join(u", "_s), time, digest);
}

void RowFetcher::read(const pqxx::result &result, const std::function<void(QString &&, Row &&)> &take) const
{
    const int keyCount = int(m_table.primaryKey.size());
    const int columnCount = int(m_columns.size());
    for (const auto &row : result) {
        QStringList key;
        for (int i = 0; i < keyCount; ++i)
            key << QString::fromUtf8(row[i].c_str());
        Row fetched { values(row, keyCount, columnCount), std::nullopt, {} };
        const auto &timeField = row[keyCount + columnCount];
        if (!timeField.is_null())
            fetched.time = timeField.as<double>();
        const auto &digestField = row[keyCount + columnCount + 1];
        if (!digestField.is_null())
            fetched.digest = QByteArray(digestField.c_str(), qsizetype(digestField.size()));
        take(JoinedKey::join(key), std::move(fetched));
    }
}

} // namespace salvage
