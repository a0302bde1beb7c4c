#pragma once

#include "diff/tablediff.h"

namespace salvage {

/// A counts-only diff (RowRetention::Counts) drops a compared table's rows as soon as no count can
/// change through them any more. Only rows only in live can still change one: DiffResult::classify()
/// judges rows with a time against the newest backup time of every table compared, and ParentOrigin
/// dates a row without one through a parent compared later. Such a row keeps its key, its time and
/// the values of its foreign-key columns, nothing else; every other row leaves only its counts.
class RowPruner
{
public:
    /// `referenced`: a table compared in the same diff has a foreign key to this one (ParentOrigin
    /// then looks up this table's new rows by key).
    static void prune(TableDiff &table, bool referenced);

    /// The positions in table.columns of its foreign keys' columns: what ParentOrigin reads.
    static QList<qsizetype> parentColumns(const TableDiff &table);
    /// Every value at `positions`, the others NULL; none after the last.
    static QList<DiffValue> onlyAt(const QList<DiffValue> &values, const QList<qsizetype> &positions);
};

} // namespace salvage
