#pragma once

#include "diff/diffresult.h"

#include <QStringList>
#include <functional>

namespace salvage {

class JobControl;
class PgSession;

/// Compares all (or the chosen) tables of BACKUP and LIVE, both servers working at the same time on
/// their own sessions, and several tables at once on more sessions inside the same snapshots
/// (DiffLanes). Reports progress per table through the JobControl, hands each finished table to
/// `onTable` in the tables' order while the rest still runs, and stops every server at once on
/// cancel. Memory grows with the differences, not with the tables.
class DiffRunner
{
public:
    /// `result` so far (with the finished table last) after each table.
    using TableSink = std::function<void(const DiffResult &result)>;

    /// `tables` as "schema.table" or a bare name; empty means every table both sides have.
    /// With RowRetention::Counts every count, time and move is the same but the rows are not kept
    /// (RowPruner): memory no longer grows with the differences. With RowRetention::Spooled every
    /// row is kept but its values go to a temporary file a table at a time (DiffValueSpool).
    /// `onRow` hears every differing row as it is found (RowSink), several tables at once, so that
    /// a counts-only diff can still list every row without keeping them (`diff --rows`).
    /// Throws salvage::Error (unknown table, server error) or Cancelled.
    static DiffResult run(PgSession &backup, PgSession &live, JobControl &control, const QStringList &tables = {},
        const TableSink &onTable = {}, RowRetention retention = RowRetention::Whole, const RowSink &onRow = {});
};

} // namespace salvage
