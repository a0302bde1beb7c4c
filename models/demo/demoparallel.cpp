#include "demoparallel.h"

#include "db/pgsession.h"
#include "demo/demofunctions.h"
#include "demo/demosql.h"

#include <QThread>
#include <exception>
#include <thread>
#include <vector>

namespace salvage {

void DemoStatementQueue::drain(DemoSql &sql)
{
    if (!m_settings.isEmpty())
        sql.script(QStringLiteral("settings"), m_settings);
    for (qsizetype i = m_next++; i < m_groups.size(); i = m_next++) {
        for (const QString &statement : m_groups.at(i))
            sql.script(QStringLiteral("indexes and keys"), statement);
    }
}

void DemoParallel::each(const QString &conninfo, const QList<QStringList> &groups, const QString &settings)
{
    DemoStatementQueue queue(groups, settings);
    QList<Step> workers;
    for (int i = 0; i < qMax(2, QThread::idealThreadCount()); ++i)
        workers << [&queue](DemoSql &sql) { queue.drain(sql); };
    start(conninfo, workers, {});
}

void DemoParallel::alongside(const QString &conninfo, const QList<QStringList> &groups, const QString &settings,
    const std::function<void()> &work)
{
    besides([&] { each(conninfo, groups, settings); }, work);
}

void DemoParallel::besides(const std::function<void()> &others, const std::function<void()> &work)
{
    std::exception_ptr othersFailed;
    std::thread thread([&] {
        try {
            others();
        } catch (...) {
            othersFailed = std::current_exception();
        }
    });
    try {
        work();
    } catch (...) {
        thread.join();
        throw;
    }
    thread.join();
    if (othersFailed)
        std::rethrow_exception(othersFailed);
}

void DemoParallel::run(const QString &conninfo, const DemoParameters &parameters, const QList<Step> &steps)
{
    start(conninfo, steps, [&](DemoSql &sql) { DemoFunctions::install(sql, parameters); });
}

void DemoParallel::start(const QString &conninfo, const QList<Step> &steps, const Step &prepare)
{
    std::vector<std::exception_ptr> failures(size_t(steps.size()));
    std::vector<std::thread> threads;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                PgSession session(conninfo, PgSession::Options::writable(QStringLiteral("DEMO")));
                DemoSql sql(session);
                if (prepare)
                    prepare(sql);
                steps.at(i)(sql);
            } catch (...) {
                failures[size_t(i)] = std::current_exception();
            }
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    for (const std::exception_ptr &failure : failures) {
        if (failure)
            std::rethrow_exception(failure);
    }
}

} // namespace salvage
