#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace salvage {

/// One column value as PostgreSQL prints it with the pinned settings; std::nullopt is SQL NULL.
using DiffValue = std::optional<QString>;

/// One row that differs between backup and live.
struct DiffRow
{
    enum class Status { OnlyInBackup, OnlyInLive, Changed };
    /// For rows only in live: whether the data says they were written after the backup.
    enum class Origin { NotApplicable, NewSinceBackup, Unexplained };

    Status status = Status::Changed;
    QStringList key; ///< key values as text, in key-column order (all columns without a key)
    QStringList changedColumns; ///< for Changed rows
    QList<DiffValue> backupValues; ///< every compared column, empty when the row is not in backup
    QList<DiffValue> liveValues; ///< every compared column, empty when the row is not in live
    int multiplicity = 1; ///< tables without a primary key: how many surplus copies
    std::optional<double> liveTime; ///< seconds since the epoch the row says it was created, when it says
    Origin origin = Origin::NotApplicable;
    bool originFromParent = false; ///< NewSinceBackup because a row it references is (ParentOrigin)

    static QString statusName(Status status); ///< "only_in_backup", "only_in_live", "changed"
};

/// "N rows of table.column moved from X to Y": a foreign-key column that points elsewhere in live.
struct DiffMove
{
    QString table; ///< "schema.table"
    QString column; ///< the foreign-key columns, comma-separated
    DiffValue from; ///< backup value (columns comma-separated for composite keys)
    DiffValue to; ///< live value
    qint64 rows = 0;
    /// The column is part of the primary key: each moved row is listed as one row lost and one new
    /// (every other column equal), since a new key is a new row.
    bool keyChanged = false;
    QString target; ///< the referenced table, "schema.table": `to` is a row of it
    /// Set by DiffResult::moves() (MoveRanker), across all tables: how many distinct backup values
    /// were re-pointed at `to` of `target`, and whether that target looks like an incident's.
    qint64 fanIn = 0;
    bool incident = true;
};

/// Every move into one row of one table, across the tables that reference it: "40 sources →
/// public.users 42 across 9 tables". A merge shows as a large fan-in, life as scattered small ones.
struct DiffFanIn
{
    QString table; ///< the referenced table, "schema.table"
    DiffValue target; ///< the row's key as moves name it (`DiffMove::to`)
    qint64 sources = 0; ///< distinct backup values re-pointed at it
    qint64 rows = 0;
    QStringList tables; ///< the referencing tables, sorted
    bool incident = true;
};

/// A foreign key of a compared table: `columns` of this table reference `refColumns` of `refTable`.
struct DiffReference
{
    QStringList columns;
    QString refTable; ///< "schema.table"
    QStringList refColumns;
};

/// The comparison of one table.
struct TableDiff
{
    QString table; ///< "schema.table"
    /// The primary key, or the unique key that stands in for it (keyIndex); empty when the table
    /// is compared as a multiset of whole rows.
    QStringList keyColumns;
    QString keyIndex; ///< the unique index keyColumns come from, empty for a primary key
    QStringList columns; ///< the compared columns (present on both sides)
    QString sqlName; ///< "schema"."table", quoted, for generated SQL
    QStringList generatedColumns; ///< compared columns the server computes (left out of INSERTs)
    bool identityAlways = false; ///< a column is GENERATED ALWAYS AS IDENTITY (INSERTs override it)
    QStringList notes; ///< schema drift and other caveats, one sentence each
    qint64 backupRows = 0;
    qint64 liveRows = 0;
    qint64 onlyInBackup = 0;
    qint64 onlyInLive = 0;
    qint64 changed = 0;
    qint64 newSinceBackup = 0; ///< part of onlyInLive that the data dates after the backup
    QList<DiffRow> rows; ///< the differing rows
    QList<DiffMove> moves;
    QList<DiffReference> references; ///< the backup's foreign keys of this table

    bool hasPrimaryKey() const { return !keyColumns.isEmpty(); } ///< or a unique key standing in for one
    bool identical() const { return onlyInBackup == 0 && onlyInLive == 0 && changed == 0; }
    qint64 movedRows() const;
};

/// The comparison of a whole database pair, filled table by table while the diff runs.
struct DiffResult
{
    QList<TableDiff> tables;
    std::optional<double> backupTime; ///< newest creation time found in backup, seconds since the epoch
    QStringList notes; ///< tables present on one side only, …
    bool complete = false;

    bool hasDifferences() const;
    /// Every table's moves, ranked by their target's fan-in (MoveRanker), then largest first.
    QList<DiffMove> moves() const;
    QList<DiffFanIn> fanIn() const; ///< one entry per moves' target, largest fan-in first
    /// Recomputes each only-in-live row's origin against backupTime (and each table's counts).
    void classify();
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::TableDiff)
Q_DECLARE_METATYPE(salvage::DiffResult)
