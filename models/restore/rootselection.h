#pragma once

#include <QString>
#include <QStringList>

namespace salvage {

class ClosureBuilder;
class PgRaw;
struct Schema;

/// The root rows of a restore, chosen in BACKUP: "TABLE WHERE PREDICATE" (operator-written SQL,
/// evaluated only on BACKUP inside its read-only transaction), "TABLE:KEY,KEY,…" (a list of
/// single-column keys, carried as data) or "TABLE MISSING" (rows of the table only in backup).
struct RootSelection
{
    enum class Kind { Predicate, Keys, OnlyInBackup };
    Kind kind = Kind::Predicate;
    QString table;
    QString predicate;
    QStringList keys;

    /// Parses one --root argument; throws salvage::Error when it cannot.
    static RootSelection parse(const QString &text);
    QString toString() const;

    /// Adds the selected rows to the closure; `live` is needed for OnlyInBackup.
    qint64 apply(const Schema &backup, ClosureBuilder &closure, const PgRaw &backupSession, const PgRaw &live) const;
};

} // namespace salvage
