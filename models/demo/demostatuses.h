#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// Fills the statuses side set-wise: conversations, statuses (posts, replies, reblogs with
/// snowflake ids), media attachments, favourites, bookmarks, mentions, status stats; then the
/// notifications and account stats derived from them.
class DemoStatuses
{
public:
    DemoStatuses(DemoSql &sql, const DemoParameters &parameters)
        : m_sql(sql)
        , m_parameters(parameters)
    {
    }

    /// Statuses with index [first, last] and the rows hanging off them, all made before capMs.
    /// `indexed`: the unique indexes exist already, so a duplicate reblog is skipped on insert;
    /// otherwise removeDuplicateReblogs() must run before the indexes are built.
    void generate(qint64 first, qint64 last, qint64 capMs, bool indexed);
    void removeDuplicateReblogs();
    /// Notifications of local accounts for favourites, mentions and follows made in [fromMs, toMs).
    /// Rows made after T0 belong to statuses from index `firstStatus` and accounts from
    /// `firstAccount` on: their ids say so, and the primary keys find them without a scan.
    void addNotifications(qint64 fromMs, qint64 toMs, qint64 firstStatus = 1, qint64 firstAccount = 1);
    void addAccountStats();

private:
    DemoSql &m_sql;
    DemoParameters m_parameters;
};

} // namespace salvage
