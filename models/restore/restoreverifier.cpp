#include "restore/restoreverifier.h"

namespace salvage {

QString Verification::summary() const
{
    QStringList lines;
    lines << (isComplete() ? QStringLiteral("Verified: nothing left to restore.")
                           : QStringLiteral("Not complete: rows still differ from the backup without a reason."));
    for (auto it = stillToRestore.constBegin(); it != stillToRestore.constEnd(); ++it)
        lines << QStringLiteral("  %1: %2 rows would still be restored (edited script, or LIVE changed since the plan)")
                     .arg(it.key(), QString::number(it.value()));
    lines << QStringLiteral("Differences kept on purpose: %1").arg(explained.size());
    for (const PlanListing &listing : explained)
        lines << QStringLiteral("  %1 (%2): %3 - %4")
                     .arg(listing.table, listing.key, rowActionName(listing.action), listing.reason);
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

Verification RestoreVerifier::verify(
    PgSession &live, PgSession &backup, const RestoreRequest &request, const RestorePlan *ran, JobControl *control)
{
    RestoreRequest repeated = request;
    if (ran)
        for (const PlanListing &listing : ran->deletedSince)
            repeated.knownDeleted[listing.table] << listing.key;
    const RestorePlan again = RestorePlanner(live, backup).plan(repeated, control);
    Verification result;
    for (auto it = again.counts.constBegin(); it != again.counts.constEnd(); ++it) {
        const qint64 left = again.rowsWritten(it.key());
        if (left > 0)
            result.stillToRestore.insert(it.key(), left);
    }
    result.explained = again.collisions + again.unrestorable + again.deletedSince;
    return result;
}

} // namespace salvage
