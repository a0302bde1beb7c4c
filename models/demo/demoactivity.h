#pragma once

#include "demo/demoparameters.h"

#include <functional>

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
    /// `meanwhile` runs on this session while the notifications are added on another: it must not
    /// write what they read (favourites, mentions, follows, accounts).
    void apply(const std::function<void()> &meanwhile);

private:
    void editStatuses();
    void deleteStatuses();

    DemoSql &m_sql;
    DemoParameters m_parameters;
};

} // namespace salvage
