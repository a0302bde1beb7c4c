#pragma once

#include "demo/demoparameters.h"

#include <QList>
#include <QStringList>
#include <functional>

namespace salvage {

class DemoSql;

/// Runs independent generation steps at once, each on its own session of the same database with
/// the demo's functions installed, so a big build keeps every core of the server busy.
class DemoParallel
{
public:
    using Step = std::function<void(DemoSql &sql)>;

    /// Returns when every step has finished; rethrows the first failure.
    static void run(const QString &conninfo, const DemoParameters &parameters, const QList<Step> &steps);
    /// Runs independent groups of statements, one session per core each taking the next group and
    /// running it in order, after `settings` (if any) on each session. Returns when all are done; rethrows
    /// the first failure. Statements that would wait for each other's locks belong in one group.
    static void each(const QString &conninfo, const QList<QStringList> &groups, const QString &settings);

private:
    static void start(const QString &conninfo, const QList<Step> &steps, const Step &prepare);
};

} // namespace salvage
