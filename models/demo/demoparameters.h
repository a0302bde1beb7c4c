#pragma once

#include <QJsonObject>
#include <QString>

namespace salvage {

/// What the demo incident is built from: a seed, a scale, and the counts and instants derived
/// from them. The same parameters always give the same databases and logs.
struct DemoParameters
{
    qint64 seed = 1;
    int scale = 1;

    qint64 accounts() const { return 1000LL * scale; } ///< accounts at T0 (about a third local)
    qint64 statuses() const { return 33334LL * scale; } ///< statuses at T0
    qint64 victims() const { return qMin<qint64>(198, 20LL * scale); }
    qint64 newAccounts() const { return 10LL * scale; } ///< sign-ups between T0 and the incident
    qint64 newStatuses() const { return 600LL * scale; } ///< statuses between T0 and the incident
    qint64 edits() const { return qMin<qint64>(2000, 20LL * scale); }
    qint64 deletions() const { return qMin<qint64>(500, 5LL * scale); }
    qint64 recreations() const { return (victims() * 2 + 4) / 5; }

    // The story's instants, in milliseconds since the epoch (UTC).
    static qint64 historyStartMs(); ///< two years before the backup: the instance's first statuses
    static qint64 backupMs(); ///< T0, the nightly pg_dump
    static qint64 rotationMs(); ///< logrotate at local midnight before T0
    static qint64 incidentMs(); ///< the AccountMergingWorker starts
    static qint64 endMs(); ///< the last event of the story
    static QString localDomain() { return QStringLiteral("social.example"); }
    static QString remoteDomain() { return QStringLiteral("fedi.example.org"); }
    static QString serverTimeZone() { return QStringLiteral("Europe/Berlin"); } ///< the servers' local zone

    QJsonObject toJson() const;
    bool operator==(const DemoParameters &other) const = default;
};

} // namespace salvage
