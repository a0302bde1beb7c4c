#pragma once

#include <QString>

namespace salvage {

struct RestorePlan;
struct Table;

/// Tables whose every written row is an insert go into LIVE by a COPY straight into the table: no
/// staging table, no index or statistics on it, no INSERT … SELECT. The table's own unique key
/// is then the check that a key to insert is still free: a key LIVE gained since the plan makes
/// the COPY fail, and the run writes nothing, as the check's RAISE did.
namespace DirectInserts {

/// Whether `table`'s rows (staged as `stagingName`) can go straight in: every row the plan writes
/// is a plain insert (no column set later, no cycle written as one statement, no GENERATED ALWAYS
/// key), its row identity is a key PostgreSQL enforces (not a declared one), it has no rules or
/// row-level security (which an INSERT applies and a COPY does not), and no other
/// statement of the plan reads its staging table (a counter's touched keys, say).
bool eligible(const RestorePlan &plan, const Table &table, const QString &stagingName);

/// Drops the checks of the tables the plan carries straight in (their COPY refuses a taken key).
void dropChecks(RestorePlan &plan);

} // namespace DirectInserts

} // namespace salvage
