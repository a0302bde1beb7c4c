#include "diff/rowfetcher.h"

#include "db/arrayliteral.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/sidepair.h"

using namespace Qt::StringLiterals;

namespace salvage {

RowFetcher::RowFetcher(const Table &table, QStringList columns, QString timeExpression)
    : m_table(table)
    , m_columns(std::move(columns))
    , m_timeExpression(std::move(timeExpression))
{
}

QString RowFetcher::joinKey(const QStringList &key)
{
    QString joined;
    for (const QString &part : key)
        joined += QString::number(part.size()) + u':' + part;
    return joined;
}

QStringList RowFetcher::splitKey(const QString &joined)
{
    QStringList key;
    for (qsizetype at = 0; at < joined.size();) {
        const qsizetype colon = joined.indexOf(u':', at);
        const qsizetype length = QStringView(joined).sliced(at, colon - at).toLongLong();
        key << joined.sliced(colon + 1, length);
        at = colon + 1 + length;
    }
    return key;
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
    QHash<QString, Row> rows;
    if (keys.isEmpty())
        return rows;
    const QStringList &keyColumns = m_table.primaryKey;
    QStringList unnestArgs, aliases, conditions, keyOutputs;
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
        conditions << u"s.%1 = u.salvage_k%2::%3"_s.arg(sql::quoteIdent(column->name)).arg(i).arg(column->type);
        keyOutputs << u"s.%1::text"_s.arg(sql::quoteIdent(column->name));
    }
    const QString time = m_timeExpression.isEmpty() ? u"NULL::float8"_s : m_timeExpression;
    const QString query
        = u"SELECT %1, %2, %3 FROM %4 AS s "
          u"JOIN unnest(%5) AS u(%6) ON %7"_s.arg(keyOutputs.join(u", "_s), textColumns(m_columns, u"s"_s), time,
              m_table.sqlName(), unnestArgs.join(u", "_s), aliases.join(u", "_s), conditions.join(u" AND "_s));
    const pqxx::result result = pqxxcompat::execParamList(side.txn(), query.toStdString(), parameters);
    const int keyCount = int(keyColumns.size());
    const int columnCount = int(m_columns.size());
    rows.reserve(int(result.size()));
    for (const auto &row : result) {
        QStringList key;
        for (int i = 0; i < keyCount; ++i)
            key << QString::fromUtf8(row[i].c_str());
        Row fetched { values(row, keyCount, columnCount), std::nullopt };
        const auto &timeField = row[keyCount + columnCount];
        if (!timeField.is_null())
            fetched.time = timeField.as<double>();
        rows.insert(joinKey(key), std::move(fetched));
    }
    return rows;
}

} // namespace salvage
