#pragma once

namespace salvage {

class DemoSql;

/// The Mastodon-shaped schema of the demo: tables with the foreign keys (Mastodon's ON DELETE
/// rules) and the primary keys they need first, then the other keys, unique and expression
/// indexes once the rows are in, then the sequences advanced past the generated ids.
class DemoSchema
{
public:
    /// The tables, the primary keys that foreign keys point at, and the foreign keys.
    static void createTables(DemoSql &sql);
    /// For a session that fills the tables: the foreign keys' triggers do not fire.
    static void loadWithoutKeyChecks(DemoSql &sql);
    /// Undoes loadWithoutKeyChecks: the keys are checked and their ON DELETE rules act again.
    static void checkKeysAgain(DemoSql &sql);
    /// The other indexes and primary keys, then statistics.
    static void createConstraints(DemoSql &sql);
    /// Statistics of every table of the schema, several tables at once.
    static void analyze(DemoSql &sql);
    static void advanceSequences(DemoSql &sql);
};

} // namespace salvage
