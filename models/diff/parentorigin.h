#pragma once

#include "diff/tablediff.h"

#include <optional>
#include <vector>

namespace salvage {

/// Dates the rows of child tables that carry no time of their own (a join row, a tag of a status):
/// a row only in live that references, through a foreign key, a row that is itself new since the
/// backup cannot be older than its parent, so it is new since the backup too, not "unexplained".
/// Followed down any number of levels. Rows whose own creation time says otherwise keep it.
namespace ParentOrigin {

/// A row's origin as DiffResult::classify() decides it, apart from the row itself.
struct RowOrigin
{
    DiffRow::Origin origin = DiffRow::Origin::NotApplicable;
    bool fromParent = false;
};
/// One entry per row of each table, in the tables' and rows' order.
using Origins = std::vector<std::vector<RowOrigin>>;

/// Marks in `origins` the rows only in live that are unexplained and undated, and whose parent is
/// new since the backup, NewSinceBackup (fromParent). The rows themselves are not written. A
/// table's dated rows (TableDiff::dated) are new when created after `backupTime`.
void apply(const QList<TableDiff> &tables, std::optional<double> backupTime, Origins &origins);

} // namespace ParentOrigin

} // namespace salvage
