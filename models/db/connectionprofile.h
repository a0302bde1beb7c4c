#pragma once

#include <QJsonObject>
#include <QString>

namespace salvage {

/// Which side of the investigation a connection serves. LIVE is read-only outside a restore run.
enum class Side { Live, Backup };

QString sideName(Side side); ///< "LIVE" / "BACKUP"

/// Where a database is, in libpq's own terms: a conninfo string (`host=… dbname=…`), a
/// `postgresql://` URI or `service=…`. libpq applies ~/.pgpass, PG* variables and sslmode itself.
/// A password typed by the operator is never part of a profile; it lives in the keychain.
struct ConnectionProfile
{
    QString name; ///< the operator's label; may be empty
    QString conninfo; ///< as typed

    /// Empty when libpq accepts the conninfo, otherwise libpq's complaint as one sentence, about
    /// the text with its secrets hidden (never quoting a password it could not read).
    QString validationError() const;
    /// "user@host:port/dbname" from the parsed conninfo (never shows a password).
    QString summary() const;
    /// The label when given, else the summary.
    QString displayName() const;
    /// The conninfo with any password=… removed, for saving and showing. One libpq rejects is
    /// returned with every secret hidden, and never as one libpq would accept with a placeholder
    /// for a password (`password='x` gives an empty conninfo, not `password=***`).
    QString conninfoWithoutPassword() const;
    /// True when the conninfo itself carries a password (it is then not saved as typed).
    bool embedsPassword() const;
    /// A stable key for the keychain entry of this profile.
    QString keychainKey() const;

    QJsonObject toJson() const;
    static ConnectionProfile fromJson(const QJsonObject &object);

    bool operator==(const ConnectionProfile &other) const = default;
};

} // namespace salvage
