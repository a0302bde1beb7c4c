#include "pitrevents.h"

namespace salvage {

namespace {

Annotations::ManualEvent event(const QString &id, const QDateTime &instant, const QString &text)
{
    return Annotations::ManualEvent::derived(
        PitrEvents::idPrefix, id, instant.toMSecsSinceEpoch(), text, PitrEvents::tag);
}

} // namespace

QList<Annotations::ManualEvent> PitrEvents::of(const PitrRecovery::Result &result, const PitrTarget &target)
{
    QList<Annotations::ManualEvent> events;
    if (result.baseBackupStarted.isValid())
        events << event(QStringLiteral("base-backup"), result.baseBackupStarted,
            QStringLiteral("Base backup began: where the recovered BACKUP's replay started"));
    // The server's stop point is exact (the first commit it did not replay); a time target is the
    // operator's request, used when replay ended without naming a commit.
    const QDateTime reached = result.stoppedAtTime.isValid() ? result.stoppedAtTime : target.instant;
    if (reached.isValid())
        events << event(QStringLiteral("recovery-point"), reached,
            result.stoppedAt.isEmpty()
                ? QStringLiteral("BACKUP recovered as of %1").arg(target.describe())
                : QStringLiteral("BACKUP recovered as of %1: %2").arg(target.describe(), result.stoppedAt));
    return events;
}

} // namespace salvage
