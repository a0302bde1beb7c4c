#include "demotraffic.h"

#include "demo/demosql.h"

namespace salvage {

void DemoTraffic::createEventTables()
{
    m_sql.script(QStringLiteral("event tables"), QStringLiteral(R"SQL(
CREATE TEMPORARY TABLE demo_requests (at timestamptz NOT NULL, ip inet, method text, path text, status int, bytes int,
  agent text, controller text, action text, format text, request_id text, duration float8, db float8, view float8, key text);
CREATE TEMPORARY TABLE demo_jobs (at timestamptz NOT NULL, elapsed float8, class text, jid text, tid text);
CREATE TEMPORARY TABLE demo_pglog (at timestamptz NOT NULL, pid int, seq int, severity text, message text, detail text, statement text,
  n bigserial); -- n: the order messages were recorded in, for messages of one instant
CREATE TEMPORARY TABLE demo_victims (account_id bigint, username text, email text, ip inet, ordinal int, merged_at timestamptz);
CREATE TEMPORARY TABLE demo_moved (victim bigint, tab text, row_id bigint);
-- A remote server's address, stable per domain.
CREATE FUNCTION pg_temp.server_ip(domain text) RETURNS inet LANGUAGE sql IMMUTABLE AS
$$ SELECT ('198.51.100.' || (1 + abs(hashtext(domain)) % 250))::inet $$;
CREATE FUNCTION pg_temp.agent(k bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT pg_temp.pick(ARRAY['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Tusky/24.1 Android/14', 'Ivory/1.10 (iOS 17.4)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'], 80, k) $$;
CREATE FUNCTION pg_temp.jid(k text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT substr(md5('jid' || k), 1, 24) $$;
CREATE FUNCTION pg_temp.tid(k bigint) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT pg_temp.pick('{1s9k,1sat,1sb9,1sc1,1scp,1sdh}'::text[], 81, k) $$;
)SQL"));
}

void DemoTraffic::record(qint64 fromMs, qint64 toMs)
{
    // A local author's request ends 30 ms after the row is written; a remote one's inbox POST
    // comes 300 ms before its worker writes the row. A status id is a snowflake of its creation
    // time (ms << 16 | seq): the same window as an id range lets the primary key find the rows.
    m_sql.run(QStringLiteral("status requests"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_requests
SELECT CASE WHEN a.domain IS NULL THEN t + interval '30 ms' ELSE t - interval '300 ms' END,
  CASE WHEN a.domain IS NULL THEN coalesce(u.current_sign_in_ip, pg_temp.ip(a.id)) ELSE pg_temp.server_ip(a.domain) END,
  'POST',
  CASE WHEN a.domain IS NOT NULL THEN '/inbox' WHEN s.reblog_of_id IS NOT NULL THEN '/api/v1/statuses/' || s.reblog_of_id || '/reblog'
       ELSE '/api/v1/statuses' END,
  CASE WHEN a.domain IS NULL THEN 200 ELSE 202 END,
  CASE WHEN a.domain IS NULL THEN 1500 + length(s.text) * 2 ELSE 0 END,
  CASE WHEN a.domain IS NULL THEN pg_temp.agent(a.id) ELSE 'http.rb/5.1.1 (Mastodon/4.2.8; +https://' || a.domain || '/)' END,
  CASE WHEN a.domain IS NOT NULL THEN 'ActivityPub::InboxesController' WHEN s.reblog_of_id IS NOT NULL
       THEN 'Api::V1::Statuses::ReblogsController' ELSE 'Api::V1::StatusesController' END,
  'create', CASE WHEN a.domain IS NULL THEN 'json' ELSE '*/*' END,
  md5('request' || s.id)::uuid::text,
  20 + pg_temp.r(82, s.id) * 80, 2 + pg_temp.r(83, s.id) * 15, pg_temp.r(84, s.id) * 30,
  CASE WHEN a.domain IS NOT NULL THEN a.uri || '#main-key' END
FROM statuses s JOIN accounts a ON a.id = s.account_id LEFT JOIN users u ON u.account_id = a.id
CROSS JOIN LATERAL (SELECT s.created_at AT TIME ZONE 'UTC') c(t)
WHERE s.created_at >= pg_temp.ts($1) AND s.created_at < pg_temp.ts($2)
  AND s.id >= ($1::bigint << 16) AND s.id < ($2::bigint << 16)
)SQL"),
        fromMs, toMs);
    m_sql.run(QStringLiteral("status jobs"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_jobs
SELECT CASE WHEN a.domain IS NULL THEN t + interval '60 ms' ELSE t - interval '50 ms' END,
  round((0.01 + pg_temp.r(85, s.id) * 0.2)::numeric, 3)::float8,
  CASE WHEN a.domain IS NULL THEN 'DistributionWorker' ELSE 'ActivityPub::ProcessingWorker' END,
  pg_temp.jid('status' || s.id), pg_temp.tid(s.id)
FROM statuses s JOIN accounts a ON a.id = s.account_id
CROSS JOIN LATERAL (SELECT s.created_at AT TIME ZONE 'UTC') c(t)
WHERE s.created_at >= pg_temp.ts($1) AND s.created_at < pg_temp.ts($2)
  AND s.id >= ($1::bigint << 16) AND s.id < ($2::bigint << 16)
)SQL"),
        fromMs, toMs);
    m_sql.run(QStringLiteral("favourite and follow requests"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_requests
SELECT (f.created_at AT TIME ZONE 'UTC') + interval '25 ms', coalesce(u.current_sign_in_ip, pg_temp.ip(a.id)), 'POST',
  '/api/v1/statuses/' || f.status_id || '/favourite', 200, 2100, pg_temp.agent(a.id),
  'Api::V1::Statuses::FavouritesController', 'create', 'json', md5('favourite' || f.id)::uuid::text,
  15 + pg_temp.r(86, f.id) * 40, 1 + pg_temp.r(87, f.id) * 8, pg_temp.r(88, f.id) * 20, NULL
FROM favourites f JOIN accounts a ON a.id = f.account_id AND a.domain IS NULL LEFT JOIN users u ON u.account_id = a.id
WHERE f.created_at >= pg_temp.ts($1) AND f.created_at < pg_temp.ts($2)
UNION ALL
SELECT (f.created_at AT TIME ZONE 'UTC') + interval '25 ms', coalesce(u.current_sign_in_ip, pg_temp.ip(a.id)), 'POST',
  '/api/v1/accounts/' || f.target_account_id || '/follow', 200, 640, pg_temp.agent(a.id),
  'Api::V1::AccountsController', 'follow', 'json', md5('follow' || f.id)::uuid::text,
  15 + pg_temp.r(89, f.id) * 40, 1 + pg_temp.r(90, f.id) * 8, pg_temp.r(91, f.id) * 20, NULL
FROM follows f JOIN accounts a ON a.id = f.account_id AND a.domain IS NULL LEFT JOIN users u ON u.account_id = a.id
WHERE f.created_at >= pg_temp.ts($1) AND f.created_at < pg_temp.ts($2)
)SQL"),
        fromMs, toMs);

    // The server log: a checkpoint every five minutes, and the nightly pg_dump at T0.
    m_sql.run(QStringLiteral("server log"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_pglog
SELECT pg_temp.tstz(m), 812, 0, 'LOG', 'checkpoint starting: time', NULL, NULL
FROM generate_series($1::bigint, $2::bigint, 300000) m
UNION ALL
SELECT pg_temp.tstz(m + 269000 + (m / 1000) % 900), 812, 1, 'LOG',
  format('checkpoint complete: wrote %s buffers (%s%%); 0 WAL file(s) added, 0 removed, 1 recycled; write=269.%s s, sync=0.004 s, total=269.%s s; sync files=%s, longest=0.002 s, average=0.001 s; distance=%s kB, estimate=%s kB',
         200 + (m / 1000) % 3000, round(((200 + (m / 1000) % 3000) / 327.68)::numeric, 1), 100 + (m / 1000) % 899, 110 + (m / 1000) % 889,
         10 + (m / 1000) % 40, 900 + (m / 1000) % 20000, 15000 + (m / 1000) % 5000), NULL, NULL
FROM generate_series($1::bigint, $2::bigint, 300000) m
UNION ALL
SELECT pg_temp.tstz($3::bigint), 40213, 0, 'LOG', 'connection authorized: user=backup database=mastodon_production application_name=pg_dump', NULL, NULL
UNION ALL
SELECT pg_temp.tstz($3::bigint + 191422), 40213, 1, 'LOG', 'disconnection: session time: 0:03:11.422 user=backup database=mastodon_production host=[local]', NULL, NULL
)SQL"),
        fromMs, toMs, DemoParameters::backupMs());
}

} // namespace salvage
