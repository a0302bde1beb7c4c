#include "demoparallel.h"

#include "db/pgsession.h"
#include "demo/demofunctions.h"
#include "demo/demosql.h"

#include <QThread>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace salvage {

void DemoParallel::each(const QString &conninfo, const QList<QStringList> &groups, const QString &settings)
{
    std::atomic<qsizetype> next = 0;
    const auto worker = [&](DemoSql &sql) {
        if (!settings.isEmpty())
            sql.script(QStringLiteral("settings"), settings);
        for (qsizetype i = next++; i < groups.size(); i = next++) {
            for (const QString &statement : groups.at(i))
                sql.script(QStringLiteral("indexes and keys"), statement);
        }
    };
    QList<Step> workers;
    for (int i = 0; i < qMax(2, QThread::idealThreadCount()); ++i)
        workers << worker;
    start(conninfo, workers, {});
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
