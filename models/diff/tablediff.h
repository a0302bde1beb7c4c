#pragma once

#include "diff/datedrows.h"
#include "diff/diffmove.h"
#include "diff/diffrow.h"
#include "diff/rowkeys.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace salvage {

class DiffValueSpool;

/// A foreign key of a compared table: `columns` of this table reference `refColumns` of `refTable`.
struct DiffReference
{
    QStringList columns;
    QString refTable; ///< "schema.table"
    QStringList refColumns;
};

/// What a diff keeps of its differing rows.
enum class RowRetention {
    Whole, ///< every differing row with its values in memory (the tests, diffbenchmark)
    /// Every differing row, its values on disk (DiffValueSpool): the Compare view reads those it shows.
    Spooled,
    /// Counts only: rows leave as soon as no count can change through them (RowPruner); what stays
    /// are rows only in live whose origin may still change, with their key, time and foreign keys.
    Counts,
};

/// A differing row's values on each side; a side the row is not on is empty.
struct DiffRowValues
{
    QList<DiffValue> backup;
    QList<DiffValue> live;
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
    qint64 settledNewSinceBackup = 0; ///< part of newSinceBackup from rows no longer kept (Counts)
    RowRetention retention = RowRetention::Whole;
    QList<DiffRow> rows; ///< the differing rows (with RowRetention::Counts, only those RowPruner keeps)
    /// RowRetention::Counts: the rows only in live that carry a time, kept as their time (and key)
    /// instead of in `rows`; they are part of onlyInLive, and of newSinceBackup when newer than the backup.
    DatedRows dated;
    QList<DiffMove> moves;
    QList<DiffReference> references; ///< the backup's foreign keys of this table
    std::shared_ptr<const DiffValueSpool> spool; ///< where spooled rows' values are (RowRetention::Spooled)
    RowKeys keys; ///< spooled rows' keys (RowRetention::Spooled), by their place in `rows`

    bool hasPrimaryKey() const { return !keyColumns.isEmpty(); } ///< or a unique key standing in for one
    bool identical() const { return onlyInBackup == 0 && onlyInLive == 0 && changed == 0; }
    qint64 movedRows() const;
    /// `row`'s values, read back from the spool when it was spooled; throws salvage::Error when
    /// they cannot be.
    DiffRowValues values(const DiffRow &row) const;
    /// The key of rows[row], from `keys` when the row was spooled.
    QStringList key(qsizetype row) const;
    /// The same, join()ed (JoinedKey): what sets of keys hold.
    QString joinedKey(qsizetype row) const;
};

/// Hears every differing row of a table as RowRetention::Whole would list it, in the same order, as
/// the comparison finds it (with its values, whatever the retention). `table` is the table being
/// compared, its columns and key filled in, its rows not. Called on the comparing threads.
using RowSink = std::function<void(const TableDiff &table, const DiffRow &row)>;

} // namespace salvage

Q_DECLARE_METATYPE(salvage::TableDiff)
