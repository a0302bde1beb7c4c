#include "restore/unknownowners.h"

#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"

namespace salvage {

QList<PlanListing> UnknownOwners::find(const ClosureBuilder::Edge &liveEdge, const Table &backupTable,
    const QString &staging, const QString &backupScratch, const PgRaw &live, const PgRaw &backup)
{
    const Table &table = *liveEdge.child;
    const QStringList &pk = table.primaryKey;
    const QString s = sql::quoteIdent(staging);
    // Parents that received moved rows: the live values of foreign keys the plan puts back.
    const QString donors = QStringLiteral("SELECT %1 FROM %2 s JOIN %3 l2 ON %4 WHERE %7 "
                                          "AND (%5) IS DISTINCT FROM (%6)")
                               .arg(RestoreSql::prefixed(QStringLiteral("l2"), liveEdge.columns), s, table.sqlName(),
                                   RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l2"), pk),
                                   RestoreSql::prefixed(QStringLiteral("s"), liveEdge.columns),
                                   RestoreSql::prefixed(QStringLiteral("l2"), liveEdge.columns),
                                   rowActionIs(QStringLiteral("s"), RowAction::Repoint));
    QByteArray keys;
    live.copyOut(
        QStringLiteral(
            "COPY (SELECT %1 FROM %2 l WHERE (%3) IN (%4) AND NOT EXISTS (SELECT 1 FROM %5 s WHERE %6)) TO STDOUT")
            .arg(RestoreSql::prefixed(QStringLiteral("l"), pk), table.sqlName(),
                RestoreSql::prefixed(QStringLiteral("l"), liveEdge.columns), donors, s,
                RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l"), pk)),
        [&](const char *chunk, int length) { keys.append(chunk, length); });
    if (keys.isEmpty())
        return {};
    const QString scratch = sql::quoteIdent(backupScratch);
    backup.exec(QStringLiteral("DELETE FROM %1").arg(scratch));
    backup.copyIn(QStringLiteral("COPY %1 FROM STDIN").arg(scratch), keys);
    QStringList keyText;
    for (const QString &column : pk)
        keyText << QStringLiteral("k.%1::text").arg(sql::quoteIdent(column));
    const auto created = backup.exec(
        QStringLiteral("SELECT concat_ws(',', %1) FROM %2 k WHERE NOT EXISTS (SELECT 1 FROM %3 b WHERE %4) "
                       "ORDER BY %5 LIMIT 10000")
            .arg(keyText.join(QStringLiteral(", ")), scratch, backupTable.sqlName(),
                RestoreSql::equal(QStringLiteral("b"), QStringLiteral("k"), pk),
                RestoreSql::prefixed(QStringLiteral("k"), pk)));
    QList<PlanListing> result;
    for (int row = 0; row < PgRaw::rows(created); ++row)
        result.append({ table.qualifiedName(), PgRaw::value(created, row, 0), RowAction::UnknownOwner,
            QStringLiteral("created after the backup and now under a %1 row that received moved rows (%2): "
                           "if it was moved too, its original owner is not in the backup; left as it is")
                .arg(liveEdge.parent->qualifiedName(), liveEdge.columns.join(QLatin1Char(','))) });
    return result;
}

} // namespace salvage
