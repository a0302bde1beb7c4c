#pragma once

#include <QList>
#include <QStringList>

namespace salvage {

class DemoSql;

/// The Mastodon-shaped schema of the demo: bare tables first, then, once the rows are in, the
/// primary keys, unique and expression indexes and the foreign keys (Mastodon's ON DELETE
/// rules), then the sequences advanced past the generated ids.
class DemoSchema
{
public:
    /// The tables, without keys or indexes.
    static void createTables(DemoSql &sql);
    /// For a session that fills the tables: the foreign keys' triggers do not fire.
    static void loadWithoutKeyChecks(DemoSql &sql);
    /// Undoes loadWithoutKeyChecks: the keys are checked and their ON DELETE rules act again.
    static void checkKeysAgain(DemoSql &sql);
    /// The index builds not done yet of every table but `busy` (tables still being written), one
    /// group each, the costliest first, for DemoStatementQueue.
    static QList<QStringList> indexBuilds(DemoSql &sql, const QStringList &busy);
    /// The settings of a session that builds indexes.
    static QString buildSettings(DemoSql &sql);
    /// The indexes not built yet, primary keys and foreign keys (marked valid: the generator's references all
    /// hold), then statistics.
    static void createConstraints(DemoSql &sql);
    /// Statistics of every table of the schema, several tables at once.
    static void analyze(DemoSql &sql);
    /// analyze()'s statements, one group per table, the largest first (for DemoParallel).
    static QList<QStringList> statistics(DemoSql &sql);
    static void advanceSequences(DemoSql &sql);
};

} // namespace salvage
