#pragma once

#include "db/schema.h"

namespace salvage {

class PgSession;
class JobControl;

/// Reads tables, columns, keys, unique indexes, foreign keys and sequences from pg_catalog in a
/// handful of set-wise queries (one per kind, not one per table). System schemas are left out.
class SchemaReader
{
public:
    static Schema read(PgSession &session, JobControl *control = nullptr);
};

} // namespace salvage
