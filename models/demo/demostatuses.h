#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// The statuses of the authors whose id modulo `of` is `part`: one session's share when several
/// sessions generate one range. Two reblogs of one status by one account are always in one share,
/// so which of them an index skips does not depend on the other sessions.
struct DemoAuthors
{
    int part = 0;
    int of = 1;
};

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

    /// Statuses with index [first, last] (of `authors` only) and the rows hanging off them, all
    /// made before capMs. `indexed`: the unique indexes exist already, so a duplicate reblog is
    /// skipped on insert; otherwise removeDuplicateReblogs() must run before the indexes are built.
    void generate(qint64 first, qint64 last, qint64 capMs, bool indexed, DemoAuthors authors = {});
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
