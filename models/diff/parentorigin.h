#pragma once

#include "diff/tablediff.h"

namespace salvage {

/// Dates the rows of child tables that carry no time of their own (a join row, a tag of a status):
/// a row only in live that references, through a foreign key, a row that is itself new since the
/// backup cannot be older than its parent, so it is new since the backup too, not "unexplained".
/// Followed down any number of levels. Rows whose own creation time says otherwise keep it.
namespace ParentOrigin {
/// Marks such rows NewSinceBackup (originFromParent) and adds them to their table's count.
void apply(QList<TableDiff> &tables);
} // namespace ParentOrigin

} // namespace salvage
