#include "demoactivity.h"

#include "demo/demogenerator.h"
#include "demo/demoschema.h"
#include "demo/demosql.h"
#include "demo/demostatuses.h"

namespace salvage {

namespace {
qint64 windowMs()
{
    return DemoParameters::incidentMs() - DemoParameters::backupMs() - 120000;
}
} // namespace

void DemoActivity::apply()
{
    const qint64 firstNew = m_parameters.accounts() + 1;
    const qint64 lastNew = m_parameters.accounts() + m_parameters.newAccounts();
    // The new rows point only at rows that exist (tst_demo checks every foreign key of live):
    // they are inserted without the keys' triggers, which cost as much as the rows. Edits and
    // deletions run with them, for the cascades.
    DemoSchema::loadWithoutKeyChecks(m_sql);
    DemoGenerator accounts(m_sql, m_parameters);
    accounts.addAccounts(firstNew, lastNew, DemoParameters::backupMs() + 1000, windowMs() / 2);
    accounts.addUsers(firstNew, lastNew);
    accounts.addFollows(firstNew, lastNew, DemoParameters::incidentMs() - 60000);

    DemoStatuses statuses(m_sql, m_parameters);
    statuses.generate(m_parameters.statuses() + 1, m_parameters.statuses() + m_parameters.newStatuses(),
        DemoParameters::incidentMs() - 60000, true);
    DemoSchema::checkKeysAgain(m_sql);
    editStatuses();
    deleteStatuses();
    statuses.addNotifications(
        DemoParameters::backupMs(), DemoParameters::incidentMs(), m_parameters.statuses() + 1, firstNew);
    DemoSchema::advanceSequences(m_sql);
}

void DemoActivity::editStatuses()
{
    // Recent posts of accounts that still exist after the incident get an edit after T0. (A status
    // id is a snowflake of its creation time: the id range finds the window through the key.)
    m_sql.run(QStringLiteral("edits"), QStringLiteral(R"SQL(
WITH chosen AS (
  SELECT s.id, pg_temp.ts($2::bigint + floor(pg_temp.r(93, s.id) * $3)::bigint) AS at, u.current_sign_in_ip AS ip, a.id AS account
  FROM statuses s JOIN accounts a ON a.id = s.account_id AND a.domain IS NULL AND a.uri <> ''
  LEFT JOIN users u ON u.account_id = a.id
  WHERE s.reblog_of_id IS NULL AND s.created_at < pg_temp.ts($2) AND s.created_at >= pg_temp.ts($2 - 14 * 86400000::bigint)
    AND s.id < ($2::bigint << 16) AND s.id >= (($2 - 14 * 86400000::bigint) << 16)
  ORDER BY pg_temp.r(92, s.id), s.id LIMIT $1),
logged AS (
  INSERT INTO pg_temp.demo_requests
  SELECT (at AT TIME ZONE 'UTC') + interval '40 ms', coalesce(ip, pg_temp.ip(account)), 'PUT', '/api/v1/statuses/' || id, 200, 2300,
         pg_temp.agent(account), 'Api::V1::StatusesController', 'update', 'json', md5('edit' || id)::uuid::text, 61.5, 9.25, 20.5, NULL
  FROM chosen)
UPDATE statuses s SET text = s.text || E'\n\n✏️ Edit: fixed a typo, «quotes» and all', edited_at = c.at, updated_at = c.at
FROM chosen c WHERE c.id = s.id
)SQL"),
        m_parameters.edits(), DemoParameters::backupMs(), windowMs());
}

void DemoActivity::deleteStatuses()
{
    // Posts from before T0 that others reblogged, deleted by their local authors: the reblogs
    // go by ON DELETE CASCADE, replies keep their text with in_reply_to_id set NULL.
    m_sql.run(QStringLiteral("deletions"), QStringLiteral(R"SQL(
WITH chosen AS (
  SELECT s.id, pg_temp.ts($2::bigint + floor(pg_temp.r(95, s.id) * $3)::bigint) AS at, u.current_sign_in_ip AS ip, a.id AS account
  FROM statuses s JOIN accounts a ON a.id = s.account_id AND a.domain IS NULL AND a.uri <> ''
  LEFT JOIN users u ON u.account_id = a.id
  WHERE s.reblog_of_id IS NULL AND s.created_at < pg_temp.ts($2) AND s.created_at >= pg_temp.ts($2 - 60 * 86400000::bigint)
    AND s.id < ($2::bigint << 16) AND s.id >= (($2 - 60 * 86400000::bigint) << 16)
    AND EXISTS (SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id AND r.created_at < pg_temp.ts($2))
  ORDER BY pg_temp.r(94, s.id), s.id LIMIT $1),
logged AS (
  INSERT INTO pg_temp.demo_requests
  SELECT (at AT TIME ZONE 'UTC') + interval '55 ms', coalesce(ip, pg_temp.ip(account)), 'DELETE', '/api/v1/statuses/' || id, 200, 1900,
         pg_temp.agent(account), 'Api::V1::StatusesController', 'destroy', 'json', md5('delete' || id)::uuid::text, 88.5, 31.75, 12.5, NULL
  FROM chosen),
jobs AS (
  INSERT INTO pg_temp.demo_jobs
  SELECT (at AT TIME ZONE 'UTC') + interval '90 ms', 0.412, 'RemovalWorker', pg_temp.jid('removal' || id), pg_temp.tid(id) FROM chosen)
DELETE FROM statuses s USING chosen c WHERE c.id = s.id
)SQL"),
        m_parameters.deletions(), DemoParameters::backupMs(), windowMs());
}

} // namespace salvage
