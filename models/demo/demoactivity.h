#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// Life on the instance between the backup (T0) and the incident, applied to `live` only:
/// sign-ups and their follows, new statuses with their favourites and mentions, edits of older
/// statuses, and statuses deleted on purpose (their reblogs go with them by cascade).
class DemoActivity
{
public:
    DemoActivity(DemoSql &sql, const DemoParameters &parameters)
        : m_sql(sql)
        , m_parameters(parameters)
    {
    }
    void apply();

private:
    void editStatuses();
    void deleteStatuses();

    DemoSql &m_sql;
    DemoParameters m_parameters;
};

} // namespace salvage
