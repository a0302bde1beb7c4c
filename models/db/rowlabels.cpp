#include "rowlabels.h"

#include "db/arrayliteral.h"
#include "db/pgsession.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"

#include <QRegularExpression>
#include <pqxx/transaction>

namespace salvage {

namespace {

bool isText(const Column *column)
{
    return column && column->typeCategory == QLatin1Char('S');
}

/// The text columns an index expression names, as whole words (quoted or not).
QStringList textColumnsIn(const Table &table, const QString &expression)
{
    QStringList found;
    for (const Column &column : table.columns) {
        if (!isText(&column))
            continue;
        const QRegularExpression word(
            QStringLiteral("(^|[^\\w\"])\"?%1\"?($|[^\\w\"])").arg(QRegularExpression::escape(column.name)));
        if (word.match(expression).hasMatch())
            found << column.name;
    }
    return found;
}

} // namespace

QString RowLabels::labelColumn(const Table &table)
{
    // Whole (non-partial, valid) keys first: a partial one names only some rows.
    for (const bool partialToo : { false, true }) {
        for (const UniqueKey &key : table.uniqueKeys) {
            if (!key.valid || key.partial != partialToo)
                continue;
            for (const QString &column : key.columns) {
                if (!column.isEmpty() && isText(table.column(column)))
                    return column;
            }
            for (const QString &element : key.elements) {
                const QStringList named = textColumnsIn(table, element);
                if (named.size() == 1)
                    return named.first();
            }
        }
    }
    return {};
}

QHash<QString, QString> RowLabels::fetch(
    PgSession &session, const Table &table, const QString &keyColumn, const QStringList &keys, JobControl *control)
{
    QHash<QString, QString> labels;
    const QString label = labelColumn(table);
    const Column *key = table.column(keyColumn);
    if (label.isEmpty() || !key || keys.isEmpty())
        return labels;
    if (control)
        control->throwIfCancelled();
    pqxx::read_transaction transaction(session.connection());
    const pqxx::result rows = pqxxcompat::execParams(transaction,
        QStringLiteral("SELECT %1::text, %2::text FROM %3 WHERE %1 = ANY($1::%4[]) AND %2 IS NOT NULL")
            .arg(sql::quoteIdent(keyColumn), sql::quoteIdent(label), table.sqlName(), key->type)
            .toStdString(),
        arrayLiteral(keys).toStdString());
    for (const auto &row : rows)
        labels.insert(QString::fromUtf8(row[0].c_str()), QString::fromUtf8(row[1].c_str()));
    return labels;
}

} // namespace salvage
