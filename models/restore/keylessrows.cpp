#include "restore/keylessrows.h"

#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"
#include "restore/stagingcolumns.h"

namespace salvage {

Table KeylessRows::numbered(const Table &table)
{
    Table result = table;
    result.primaryKey = { numberColumn() };
    Column number;
    number.name = numberColumn();
    number.type = QStringLiteral("bigint");
    number.typeName = QStringLiteral("int8");
    number.typeCategory = QLatin1Char('N');
    number.nullable = false;
    result.columns.append(number);
    return result;
}

qint64 KeylessRows::classify(const PgRaw &live, const Table &table, const QString &staging, const QStringList &columns,
    const QList<ClosureBuilder::Edge> &edges, const QHash<QString, QString> &stagingNames)
{
    const QString s = sql::quoteIdent(staging);
    const QString n = sql::quoteIdent(numberColumn());
    const QString row = QStringLiteral("ROW(%1)::text").arg(RestoreSql::prefixed(QStringLiteral("x"), columns));
    // The k-th copy of a row is present when LIVE holds it at least k times.
    live.exec(QStringLiteral(
        "UPDATE %1 s SET %2 = %6 FROM (SELECT a.n FROM (SELECT x.%3 AS n, %4 AS r, row_number() OVER "
        "(PARTITION BY %4 ORDER BY x.%3) AS k FROM %1 x) a JOIN (SELECT %4 AS r, count(*) AS c FROM %5 x "
        "WHERE %4 IN (SELECT %4 FROM %1 x) GROUP BY 1) b ON a.r = b.r AND a.k <= b.c) m WHERE s.%3 = m.n")
                  .arg(s, StagingColumn::action(), n, row, table.sqlName(), rowActionSql(RowAction::Present)));
    live.exec(QStringLiteral("UPDATE %1 SET \"_salvage_differs\" = %2 IS NULL").arg(s, StagingColumn::action()));

    QStringList incident { QStringLiteral("false") };
    for (const ClosureBuilder::Edge &edge : edges) {
        if (edge.child->qualifiedName() != table.qualifiedName())
            continue;
        const QString parentStaging = stagingNames.value(edge.parent->qualifiedName());
        const QString inLive
            = QStringLiteral("EXISTS (SELECT 1 FROM %1 p WHERE %2)")
                  .arg(edge.parent->sqlName(),
                      RestoreSql::equal(QStringLiteral("p"), edge.parentColumns, QStringLiteral("x"), edge.columns));
        QString restored = QStringLiteral("false");
        if (!parentStaging.isEmpty()) {
            restored
                = QStringLiteral("EXISTS (SELECT 1 FROM %1 m WHERE %2 AND %3)")
                      .arg(sql::quoteIdent(parentStaging),
                          RestoreSql::equal(QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns),
                          rowActionIn(QStringLiteral("m"), restoredRowActions()));
            incident << QStringLiteral("(%1 AND EXISTS (SELECT 1 FROM %2 m WHERE %3 AND (m.\"_salvage_root\" OR %4)))")
                            .arg(RestoreSql::notNull(QStringLiteral("x"), edge.columns), sql::quoteIdent(parentStaging),
                                RestoreSql::equal(
                                    QStringLiteral("m"), edge.parentColumns, QStringLiteral("x"), edge.columns),
                                rowActionIn(QStringLiteral("m"), restoredRowActions()));
        }
        // A parent gone from LIVE and not restored: its ON DELETE rule decides.
        const bool cascades = edge.foreignKey && edge.foreignKey->onDelete == FkAction::Cascade;
        live.exec(QStringLiteral("UPDATE %1 x SET %2 = $1, %3 = $2 WHERE x.%2 IS NULL AND %4 AND NOT %5 AND NOT %6")
                      .arg(s, StagingColumn::action(), StagingColumn::reason(),
                          RestoreSql::notNull(QStringLiteral("x"), edge.columns), inLive, restored),
            { rowActionName(cascades ? RowAction::Cascade : RowAction::Unrestorable),
                QStringLiteral("parent %1 (%2) is gone from live and not restored")
                    .arg(edge.parent->qualifiedName(), edge.columns.join(QLatin1Char(','))) });
    }
    live.exec(
        QStringLiteral("UPDATE %1 x SET %2 = %4 WHERE x.%2 IS NULL AND (%3)")
            .arg(s, StagingColumn::action(), incident.join(QStringLiteral(" OR ")), rowActionSql(RowAction::Insert)));
    live.exec(QStringLiteral("UPDATE %1 x SET %2 = %4, %3 = $1 WHERE x.%2 IS NULL")
                  .arg(s, StagingColumn::action(), StagingColumn::reason(), rowActionSql(RowAction::DeletedSince)),
        { QStringLiteral(
            "deleted since the backup: no parent it had in the backup is a root or restored, so the incident did "
            "not take it (a table without a row identity: compared as whole rows)") });
    return PgRaw::value(live.exec(QStringLiteral("SELECT count(*) FROM %1 WHERE \"_salvage_differs\"").arg(s)), 0, 0)
        .toLongLong();
}

} // namespace salvage
