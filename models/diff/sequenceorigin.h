#pragma once

#include "db/schema.h"
#include "diff/tablediff.h"

namespace salvage {

struct DiffSide;

/// Dates rows only in live by the sequences that numbered them: a value of a serial or identity
/// column beyond the backup's `last_value` of its sequence was drawn after the backup, so the row
/// is new since the backup. Covers tables whose key does not order rows by creation (no primary
/// key, a composite one, a unique key standing in) but that keep a serial id column.
namespace SequenceOrigin {
/// Marks such rows of `diff` NewSinceBackup; one catalog query on BACKUP, only when some row only
/// in live is still unexplained and carries no time of its own.
void apply(DiffSide &backup, const Table &table, TableDiff &diff);
} // namespace SequenceOrigin

} // namespace salvage
