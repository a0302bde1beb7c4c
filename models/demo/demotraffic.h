#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// The session's record of what the servers logged, kept in temporary tables (nothing stays in
/// the database): web requests, Sidekiq jobs and PostgreSQL messages. The story's steps add their
/// own events; record() adds the everyday traffic that the rows of a time window imply.
class DemoTraffic
{
public:
    DemoTraffic(DemoSql &sql, const DemoParameters &parameters)
        : m_sql(sql)
        , m_parameters(parameters)
    {
    }

    /// pg_temp.demo_requests, demo_jobs, demo_pglog, demo_victims, demo_moved.
    void createEventTables();
    /// Requests and jobs for statuses, favourites and follows made in [fromMs, toMs), plus the
    /// nightly pg_dump and the checkpoints in the server log.
    void record(qint64 fromMs, qint64 toMs);

private:
    DemoSql &m_sql;
    DemoParameters m_parameters;
};

} // namespace salvage
