#pragma once

#include "demo/demoparameters.h"

namespace salvage {

class DemoSql;

/// Fills the accounts side of the instance set-wise (generate_series + the seeded pg_temp
/// functions): accounts, users with identities and web settings, follows, follow requests,
/// blocks, mutes, lists. Ranges of account ids let the same statements serve the backup and the
/// sign-ups after T0.
class DemoGenerator
{
public:
    DemoGenerator(DemoSql &sql, const DemoParameters &parameters)
        : m_sql(sql)
        , m_parameters(parameters)
    {
    }

    /// The instance as the backup at T0 saw it (statuses, notifications and account stats
    /// included), in tables without keys.
    void generateRows();
    /// Then the keys, indexes and foreign keys, statistics and sequences.
    void buildKeys();

    /// Accounts [first, last]; ids above accounts() are local sign-ups created in [startMs, startMs + spanMs).
    void addAccounts(qint64 first, qint64 last, qint64 startMs, qint64 spanMs);
    /// Users, identities and web settings for the local accounts among [first, last].
    void addUsers(qint64 first, qint64 last);
    /// The follows of accounts [first, last], each made before capMs.
    void addFollows(qint64 first, qint64 last, qint64 capMs);

private:
    void addSmallRelations();
    void markVictims();

    DemoSql &m_sql;
    DemoParameters m_parameters;
};

} // namespace salvage
