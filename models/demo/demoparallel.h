#pragma once

#include "demo/demoparameters.h"

#include <QList>
#include <QStringList>
#include <atomic>
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
    /// As each(), while `work` runs on the calling thread (on sessions of its own, which the groups
    /// must not wait for). Returns when both are done; rethrows the first failure, `work`'s first.
    static void alongside(const QString &conninfo, const QList<QStringList> &groups, const QString &settings,
        const std::function<void()> &work);

private:
    static void start(const QString &conninfo, const QList<Step> &steps, const Step &prepare);
    static void besides(const std::function<void()> &others, const std::function<void()> &work);
};

/// Groups of statements shared out between sessions: every session that calls drain() runs the
/// next group nobody has taken yet (in list order, each group's statements in order) until none
/// is left. Statements that would wait for each other's locks belong in one group.
class DemoStatementQueue
{
public:
    DemoStatementQueue(QList<QStringList> groups, QString settings)
        : m_groups(std::move(groups))
        , m_settings(std::move(settings))
    {
    }

    /// Runs the queue's `settings` (if any) on `sql`, then groups until none is left. Throws salvage::Error.
    void drain(DemoSql &sql);

private:
    const QList<QStringList> m_groups;
    const QString m_settings;
    std::atomic<qsizetype> m_next = 0;
};

} // namespace salvage
