#pragma once

#include <QDateTime>
#include <QString>

namespace salvage {

/// Where point-in-time recovery stops: an instant, a transaction id, a WAL position or a named
/// restore point, validated before any work starts.
struct PitrTarget
{
    enum class Kind { Time, Xid, Lsn, Name };

    Kind kind = Kind::Time;
    QString value; ///< as PostgreSQL reads it; a time is normalised to UTC
    QDateTime instant; ///< Kind::Time only, in UTC

    /// An instant with its zone ("2026-12-03 05:00:00+02", "…T03:00:00Z", "… UTC"). A time without a zone
    /// is refused: read on another machine it would name another instant. Throws salvage::Error.
    static PitrTarget time(const QString &text);
    static PitrTarget xid(const QString &text);
    static PitrTarget lsn(const QString &text);
    static PitrTarget name(const QString &text);

    /// recovery_target_time, recovery_target_xid, recovery_target_lsn or recovery_target_name.
    QString settingName() const;
    /// For messages: "2026-12-03 03:00:00.000 UTC", "transaction 1234", "WAL position 0/3000060", "restore point x".
    QString describe() const;
};

} // namespace salvage
