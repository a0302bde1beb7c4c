#include "restore/restoreplan.h"

namespace salvage {

QString restorePolicyName(RestorePolicy policy)
{
    switch (policy) {
    case RestorePolicy::Restore:
        return QStringLiteral("restore");
    case RestorePolicy::KeepLive:
        return QStringLiteral("keep-live");
    case RestorePolicy::Skip:
        return QStringLiteral("skip");
    }
    return {};
}

bool parseRestorePolicy(const QString &name, RestorePolicy *policy)
{
    for (RestorePolicy candidate : { RestorePolicy::Restore, RestorePolicy::KeepLive, RestorePolicy::Skip }) {
        if (restorePolicyName(candidate) == name.trimmed().toLower()) {
            *policy = candidate;
            return true;
        }
    }
    return false;
}

QString restoreBucketName(RestoreBucket bucket)
{
    switch (bucket) {
    case RestoreBucket::Restored:
        return QStringLiteral("restored");
    case RestoreBucket::PutBack:
        return QStringLiteral("put back");
    case RestoreBucket::KeptDeleted:
        return QStringLiteral("kept deleted");
    case RestoreBucket::KeptLive:
        return QStringLiteral("kept live");
    case RestoreBucket::Conflict:
        return QStringLiteral("conflict");
    case RestoreBucket::Unrestorable:
        return QStringLiteral("unrestorable");
    }
    return {};
}

RestoreBucket restoreBucketOf(RowAction action)
{
    switch (action) {
    case RowAction::Insert:
    case RowAction::Recreate:
        return RestoreBucket::Restored;
    case RowAction::Repoint:
    case RowAction::Rekey:
    case RowAction::Follows:
        return RestoreBucket::PutBack;
    case RowAction::DeletedSince:
    case RowAction::Cascade:
        return RestoreBucket::KeptDeleted;
    case RowAction::Present:
    case RowAction::Mapped:
        return RestoreBucket::KeptLive;
    case RowAction::Skipped:
    case RowAction::KeptLive:
        return RestoreBucket::Conflict;
    case RowAction::Unrestorable:
    case RowAction::DependantSkipped:
    case RowAction::UnknownOwner:
    case RowAction::Unexplained:
    case RowAction::Waiting:
        break;
    }
    return RestoreBucket::Unrestorable;
}

qint64 RestorePlan::rowsToWrite() const
{
    qint64 total = 0;
    for (const PlanStep &step : steps)
        if (step.kind != PlanStep::Kind::AdvanceSequence && step.expectedRows > 0)
            total += step.expectedRows;
    return total;
}

qint64 RestorePlan::rowsWritten(const QString &table) const
{
    const QMap<RowAction, qint64> tableCounts = counts.value(table);
    qint64 total = 0;
    for (RowAction action : writtenRowActions())
        total += tableCounts.value(action);
    return total;
}

QString RestorePlan::summary() const
{
    QStringList lines;
    lines << QStringLiteral("Restore plan: BACKUP %1 -> LIVE %2").arg(backupDatabase, liveDatabase);
    for (const QString &root : roots)
        lines << QStringLiteral("  root: %1").arg(root);
    lines << QStringLiteral("Closure: %1 backup rows in %2 tables").arg(closureRows).arg(counts.size());
    for (const QString &table : tableOrder) {
        const auto found = counts.constFind(table);
        if (found == counts.constEnd())
            continue;
        QStringList parts;
        for (auto it = found->constBegin(); it != found->constEnd(); ++it)
            parts << QStringLiteral("%1 %2").arg(rowActionName(it.key()), QString::number(it.value()));
        lines << QStringLiteral("  %1: %2").arg(table, parts.join(QStringLiteral(", ")));
    }
    lines << QStringLiteral("What the plan does with each closure row that differs from LIVE:");
    for (const QString &table : tableOrder) {
        const qint64 differ = differing.value(table);
        if (differ == 0)
            continue;
        QStringList parts;
        const QMap<RestoreBucket, qint64> tableBuckets = buckets.value(table);
        for (auto it = tableBuckets.constBegin(); it != tableBuckets.constEnd(); ++it)
            parts << QStringLiteral("%1 %2").arg(restoreBucketName(it.key()), QString::number(it.value()));
        lines << QStringLiteral("  %1: %2 differ: %3")
                     .arg(table, QString::number(differ), parts.join(QStringLiteral(", ")));
    }
    if (!life.isEmpty()) {
        lines << QStringLiteral("Life since the backup (kept as LIVE has it):");
        for (const QString &line : life)
            lines << QStringLiteral("  %1").arg(line);
    }
    lines << QStringLiteral("Statements:");
    for (const PlanStep &step : steps)
        lines << (step.expectedRows < 0
                ? QStringLiteral("  %1").arg(step.description)
                : QStringLiteral("  %1 (%2 rows)%3")
                      .arg(step.description, QString::number(step.expectedRows),
                          step.withNext ? QStringLiteral(", in one statement with the next") : QString()));
    lines << QStringLiteral("Collisions: %1").arg(collisions.size());
    for (const PlanListing &listing : collisions)
        lines << QStringLiteral("  %1 (%2): %3 - %4")
                     .arg(listing.table, listing.key, rowActionName(listing.action), listing.reason);
    lines << QStringLiteral("Unrestorable or not restored: %1").arg(unrestorable.size());
    for (const PlanListing &listing : unrestorable)
        lines << QStringLiteral("  %1 (%2): %3 - %4")
                     .arg(listing.table, listing.key, rowActionName(listing.action), listing.reason);
    lines << QStringLiteral("Deleted since the backup (the incident does not explain their absence; not restored): %1")
                 .arg(deletedSince.size());
    for (const PlanListing &listing : deletedSince)
        lines << QStringLiteral("  %1 (%2): %3").arg(listing.table, listing.key, listing.reason);
    for (const QString &warning : warnings)
        lines << QStringLiteral("Warning: %1").arg(warning);
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace salvage
