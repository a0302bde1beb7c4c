#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// Installs the demo's deterministic building blocks as session-local SQL functions (pg_temp):
/// a seeded hash "random" in [0,1), account names and domains, and the status formulas (time,
/// snowflake id, author, kind, parent, text) so every table can be generated set-wise and any
/// row can compute the id of a row it references without a join. Nothing is left in the database.
/// Also turns JIT compilation off for the session.
class DemoFunctions
{
public:
    static void install(DemoSql &sql, const DemoParameters &parameters);
};

} // namespace salvage
