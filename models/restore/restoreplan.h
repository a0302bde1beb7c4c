#pragma once

#include "restore/rowaction.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace salvage {

/// What to do with a backup row whose unique key is held by a different live row.
enum class RestorePolicy {
    Restore, ///< restore the original id, re-point the live row's children to it, replace the live row
    KeepLive, ///< keep the live row and map the restored row's children onto it
    Skip, ///< keep the live row, do not restore the backup one (listed)
};
QString restorePolicyName(RestorePolicy policy); ///< "restore", "keep-live", "skip"
bool parseRestorePolicy(const QString &name, RestorePolicy *policy);

/// A relation the schema does not declare (a column holding another table's key without a foreign key).
struct RestoreRelation
{
    QString childTable; ///< "schema.table" or bare name
    QStringList columns;
    QString parentTable;
    QStringList parentColumns; ///< empty: the parent's primary key
};

/// A uniqueness the application enforces in code, without an index: "TABLE (expr, …)". Used like a
/// unique index: for recreated entities, for collisions, and to recognise rows an incident skipped.
struct DeclaredUnique
{
    QString table; ///< "schema.table" or bare name
    QStringList expressions; ///< SQL expressions over the table's columns, as a unique index would list them
};

/// A rule the application checks in code, as a boolean SQL condition over one row of the table that
/// every row satisfies (e.g. "account_id <> target_account_id": no self-follow). A row an incident's
/// re-pointing would have broken it for was skipped by the incident.
struct DeclaredRule
{
    QString table; ///< "schema.table" or bare name
    QString condition; ///< SQL boolean expression over the table's columns
};

/// Staged backup rows of one table, carried as COPY text data (columns in `columns` order, then
/// the action and the live key the planner decided).
struct PlanStaging
{
    QString table; ///< "schema.table"
    QString tableSql; ///< quoted
    QString stagingName; ///< temporary table name, unquoted
    QStringList columns; ///< data columns, in COPY order
    QStringList types; ///< their SQL types, as format_type() prints them
    QByteArray data; ///< COPY text rows, each ending in '\n'
    qint64 rows = 0;
    /// Every row is an insert: the data is the Insert step's columns only, COPYed straight into the
    /// table in place of that step (DirectInserts), with no staging table.
    bool direct = false;
};

/// A child foreign key whose rows follow a recreated parent to its original id.
struct PlanChildRef
{
    QString tableSql;
    QString column;
};

/// One set-based statement of the script, as data; ScriptRenderer turns it into SQL.
struct PlanStep
{
    /// Rekey: moved copies of rows whose foreign key is part of their key get the backup key back.
    /// CheckUnchanged: stops the run when LIVE no longer holds what the plan saw (rows it changes, keys it inserts).
    /// RecomputeCounter: a counter cache (`column` of `tableSql`) set to the count of the rows
    /// referencing its row, for the rows whose key is in `touchedFrom` or `touchedKeys`.
    enum class Kind {
        Recreate,
        Insert,
        RestoreForeignKey,
        AdvanceSequence,
        SetConstraints,
        Rekey,
        CheckUnchanged,
        RecomputeCounter
    };
    Kind kind = Kind::Insert;
    QString table; ///< "schema.table"
    QString tableSql;
    QString stagingName;
    QStringList columns; ///< Insert/Recreate: columns written
    QStringList primaryKey;
    QStringList nullColumns; ///< Insert/Recreate: columns written NULL and set by a later RestoreForeignKey (cycles)
    /// Insert/Recreate: written as part of the next step's statement (a cycle of NOT NULL keys that
    /// cannot be deferred: PostgreSQL checks them at the end of the statement).
    bool withNext = false;
    QStringList constraints; ///< SetConstraints: quoted, schema-qualified foreign key names
    bool deferred = false; ///< SetConstraints: DEFERRED; else IMMEDIATE (checked now)
    bool overridingSystemValue = false;
    QList<PlanChildRef> children; ///< Recreate
    QStringList fkColumns; ///< RestoreForeignKey; Rekey: the key columns it writes back; CheckUnchanged: live keys of
                           ///< moved copies
    QString parentSql; ///< RestoreForeignKey: referenced table, quoted
    QStringList parentColumns;
    QString sequenceSql; ///< AdvanceSequence: quoted sequence name
    QString column; ///< AdvanceSequence: owning column; RecomputeCounter: the counter
    QString countedSql; ///< RecomputeCounter: the table whose rows are counted, quoted
    QString countedColumn; ///< RecomputeCounter: its column that references the counter row by fkColumns.first()
    QList<PlanChildRef> touchedFrom; ///< RecomputeCounter: staging tables (quoted) and columns holding touched keys
    QStringList touchedKeys; ///< RecomputeCounter: further touched keys as text (rows moved away from them)
    QString keyType; ///< RecomputeCounter: the SQL type of the key, for touchedKeys
    qint64 expectedRows = 0; ///< -1: the statement writes no rows (SetConstraints)
    QString description; ///< one line saying what the statement does
};

/// A row the plan lists rather than silently handles: a collision and its resolution, or an
/// unrestorable row and why.
struct PlanListing
{
    QString table;
    QString key; ///< primary key values as text, comma-separated
    RowAction action = RowAction::Unrestorable;
    QString reason;
    /// dependant-skipped: the table of the dependant the restored row comes back without; the
    /// choices (merge, remap) are that table's policy.
    QString dependantTable = {};
};

/// Where a differing closure row ends: every row of the closure that is missing from LIVE or differs
/// from it lands in exactly one bucket, so the buckets of a table add up to its differing rows.
enum class RestoreBucket {
    Restored, ///< missing from LIVE and the incident's doing: inserted (or a recreated entity given its id back)
    PutBack, ///< in LIVE, the incident's change undone: a foreign key put back, a moved copy re-keyed
    KeptDeleted, ///< missing from LIVE by life since the backup (or with a parent life deleted): stays deleted
    KeptLive, ///< in LIVE with changes life made since the backup: LIVE's values stay
    Conflict, ///< would collide with a newer LIVE row (unique key, recreated entity kept): the newer row stays
    Unrestorable, ///< cannot be restored (its ON DELETE rule forbids it without a parent gone from everywhere, …)
};
QString restoreBucketName(
    RestoreBucket bucket); ///< "restored", "put back", "kept deleted", "kept live", "conflict", "unrestorable"
/// The bucket a differing row with a decided action lands in.
RestoreBucket restoreBucketOf(RowAction action);

/// The restore plan as data: what, why, how many, per table.
struct RestorePlan
{
    QString liveDatabase;
    QString backupDatabase;
    QStringList roots;
    QStringList tableOrder; ///< dependency order, parents first
    QMap<QString, QMap<RowAction, qint64>> counts; ///< table → action → rows
    QList<PlanStaging> staging;
    QList<PlanStep> steps;
    QList<PlanListing> collisions;
    QList<PlanListing> unrestorable;
    /// Missing rows the incident cannot explain (the incident moved their siblings and not them, or
    /// deleting their parent would only have set their key to NULL): deleted since the backup, not
    /// restored unless the operator asks for their table.
    QList<PlanListing> deletedSince;
    QStringList warnings;
    qint64 closureRows = 0;
    /// Per table: closure rows missing from LIVE or differing from it, counted apart from the classification.
    QMap<QString, qint64> differing;
    /// Per table: the bucket each differing row ended in; each table's buckets add up to `differing`.
    QMap<QString, QMap<RestoreBucket, qint64>> buckets;
    /// What life changed since the backup that the plan keeps (ordinary edits of foreign keys), one line each.
    QStringList life;
    /// Tables without a primary key the plan tells apart by a unique key (an index, or a declared one):
    /// "schema.table" → those columns. The script names them, so that a run's undo tells them apart alike.
    QMap<QString, QStringList> identities;

    qint64 rowsToWrite() const;
    /// Rows of `table` a statement writes (inserted, recreated, put back, re-keyed).
    qint64 rowsWritten(const QString &table) const;
    QString summary() const; ///< the human summary the CLI prints
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::RestorePlan)
