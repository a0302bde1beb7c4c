#pragma once

#include "restore/restoreplan.h"

namespace salvage {

class PgSession;
struct Schema;
struct Table;

/// Rules the application checks in code, as boolean SQL conditions every row of a table satisfies
/// ("app.stars: user_id <> target_user_id"): a row the incident would have made break one was
/// skipped by it, not deleted by life.
namespace DeclaredRules {
/// The AND of the rules declared for `table`, each in parentheses; empty when it has none.
QString conditionFor(const Table &table, const QList<DeclaredRule> &rules);
/// Checks each rule against `session` (the table exists; PostgreSQL compiles the condition as a
/// boolean over it); throws salvage::Error naming the rule otherwise.
void check(const Schema &schema, const QList<DeclaredRule> &rules, PgSession &session);
} // namespace DeclaredRules

} // namespace salvage
