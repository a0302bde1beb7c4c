#pragma once

namespace salvage {

class DemoSql;

/// The Mastodon-shaped schema of the demo: tables first (so they fill fast), then the keys,
/// unique and expression indexes and foreign keys with Mastodon's ON DELETE rules, then the
/// sequences advanced past the generated ids.
class DemoSchema
{
public:
    static void createTables(DemoSql &sql);
    static void createConstraints(DemoSql &sql);
    static void advanceSequences(DemoSql &sql);
};

} // namespace salvage
