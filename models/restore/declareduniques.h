#pragma once

#include "restore/restoreplan.h"

namespace salvage {

class PgSession;
struct Schema;

/// Uniqueness the application enforces in code, turned into unique keys of the schema's tables
/// ("declared: (lower(name), document_id)") so that every use of a table's unique keys —
/// recreated entities, collisions, rows an incident skipped — treats them like a unique index.
namespace DeclaredUniques {
/// Checks each declaration against `session` (the table exists; PostgreSQL compiles the expressions
/// over it) and adds it to its table; throws salvage::Error naming the declaration otherwise.
void adopt(Schema &schema, const QList<DeclaredUnique> &uniques, PgSession &session);
} // namespace DeclaredUniques

} // namespace salvage
