#include "demoparallel.h"

#include "db/pgsession.h"
#include "demo/demofunctions.h"
#include "demo/demosql.h"

#include <exception>
#include <thread>
#include <vector>

namespace salvage {

void DemoParallel::run(const QString &conninfo, const DemoParameters &parameters, const QList<Step> &steps)
{
    std::vector<std::exception_ptr> failures(size_t(steps.size()));
    std::vector<std::thread> threads;
    for (qsizetype i = 0; i < steps.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                PgSession session(conninfo, PgSession::Options::writable(QStringLiteral("DEMO")));
                DemoSql sql(session);
                DemoFunctions::install(sql, parameters);
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
