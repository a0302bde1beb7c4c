#include "demorecreation.h"

#include "demo/demoschema.h"
#include "demo/demosql.h"

namespace salvage {

void DemoRecreation::apply()
{
    const qint64 startMs = DemoParameters::incidentMs() + 45 * 60000;
    const qint64 stepMs
        = (DemoParameters::endMs() - 40 * 60000 - startMs) / qMax<qint64>(1, m_parameters.recreations());
    m_sql.run(QStringLiteral("returning victims"), QStringLiteral(R"SQL(
CREATE TEMPORARY TABLE demo_returns AS
SELECT v.*, (SELECT max(id) FROM accounts) + j + 1 AS new_account, (SELECT max(id) FROM users) + j + 1 AS new_user,
       CASE WHEN j = 0 THEN lower(v.username) || '_again' ELSE v.username END AS new_username,
       pg_temp.ts($2::bigint + j * $3::bigint) AS at
FROM (SELECT v.*, (row_number() OVER (ORDER BY pg_temp.r(100, v.account_id), v.account_id) - 1)::int AS j
      FROM pg_temp.demo_victims v WHERE v.email IS NOT NULL) v
WHERE j < $1
)SQL"),
        m_parameters.recreations(), startMs, stepMs);
    m_sql.run(QStringLiteral("returning accounts"), QStringLiteral(R"SQL(
INSERT INTO accounts (id, username, domain, display_name, note, uri, url, inbox_url, followers_url, fields, locked,
                      discoverable, created_at, updated_at)
SELECT new_account, new_username, NULL, initcap(regexp_replace(new_username, '[0-9_]+[a-z]*$', '')) || ' (new account)',
       'Lost my old account on ' || to_char(at, 'DD Mon') || E' 😢\nSame person, same "me".',
       'https://' || $1 || '/users/' || new_username, 'https://' || $1 || '/@' || new_username, '', '', NULL, false, true, at, at
FROM pg_temp.demo_returns
)SQL"),
        DemoParameters::localDomain());
    m_sql.run(QStringLiteral("returning users"), QStringLiteral(R"SQL(
INSERT INTO users (id, email, account_id, encrypted_password, sign_in_count, current_sign_in_at, current_sign_in_ip,
                   last_sign_in_ip, confirmed_at, locale, created_at, updated_at)
SELECT new_user, email, new_account, '$2a$10$' || md5(email || 'again') || substr(md5(email), 1, 21), 1,
       at + interval '5 minutes', ip, NULL, at + interval '5 minutes', 'en', at, at + interval '5 minutes'
FROM pg_temp.demo_returns
)SQL"));
    m_sql.run(QStringLiteral("returning settings"), QStringLiteral(R"SQL(
INSERT INTO web_settings (id, data, user_id, created_at, updated_at)
SELECT (SELECT max(id) FROM web_settings) + j + 1, '{"onboarded": false, "introductionVersion": 20181216044202}'::jsonb,
       new_user, at + interval '6 minutes', at + interval '6 minutes'
FROM pg_temp.demo_returns
)SQL"));
    // A few of the follows the merge moved away, made again by hand.
    m_sql.run(QStringLiteral("returning follows"), QStringLiteral(R"SQL(
INSERT INTO follows (id, account_id, target_account_id, show_reblogs, uri, notify, created_at, updated_at)
SELECT (SELECT max(id) FROM follows) + row_number() OVER (ORDER BY r.j, f.k), r.new_account, f.target_account_id, true,
       'https://' || $1 || '/' || md5(r.new_account::text || f.target_account_id)::uuid, false,
       r.at + (20 + f.k) * interval '1 minute', r.at + (20 + f.k) * interval '1 minute'
FROM pg_temp.demo_returns r
CROSS JOIN LATERAL (SELECT fo.target_account_id, row_number() OVER (ORDER BY m.row_id) AS k
                    FROM pg_temp.demo_moved m JOIN follows fo ON fo.id = m.row_id
                    WHERE m.victim = r.account_id AND m.tab = 'follows.account_id' AND fo.target_account_id <> r.new_account
                    ORDER BY m.row_id LIMIT 3) f
)SQL"),
        DemoParameters::localDomain());
    m_sql.run(QStringLiteral("returning posts"), QStringLiteral(R"SQL(
INSERT INTO statuses (id, uri, url, text, created_at, updated_at, visibility, language, local, account_id)
SELECT (ms << 16) | (65535 - j), 'https://' || $1 || '/users/' || new_username || '/statuses/' || ((ms << 16) | (65535 - j)),
       'https://' || $1 || '/@' || new_username || '/' || ((ms << 16) | (65535 - j)),
       pg_temp.pick(ARRAY['My account vanished?! 😢 "Account not found". Starting over — please follow me again.',
                          E'حسابي اختفى!\nأبدأ من جديد', 'החשבון שלי נעלם. מתחילים מחדש 🙃', 'Back again. Lost every post from two years. 💔'], 101, j),
       pg_temp.ts(ms), pg_temp.ts(ms), 0, 'en', true, new_account
FROM (SELECT *, (extract(epoch FROM at) * 1000)::bigint + 30 * 60000 AS ms FROM pg_temp.demo_returns) r
)SQL"),
        DemoParameters::localDomain());

    // What the web and worker logs saw of it.
    m_sql.run(QStringLiteral("returning requests"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_requests
SELECT (r.at AT TIME ZONE 'UTC') + s.offset_ms * interval '1 ms', r.ip, s.method, s.path, s.status, s.bytes,
       pg_temp.agent(r.account_id), s.controller, s.action, s.format, md5(s.path || r.new_account)::uuid::text,
       s.duration, 12.5, 30.25, NULL
FROM pg_temp.demo_returns r CROSS JOIN LATERAL (VALUES
  (-60000, 'GET', '/auth/sign_up', 200, 8123, 'Auth::RegistrationsController', 'new', 'html', 35.5),
  (0, 'POST', '/auth', 302, 112, 'Auth::RegistrationsController', 'create', 'html', 210.75),
  (300000, 'GET', '/auth/confirmation?confirmation_token=' || substr(md5(r.email), 1, 20), 302, 98, 'Auth::ConfirmationsController', 'show', 'html', 88.5),
  (1800040, 'POST', '/api/v1/statuses', 200, 1830, 'Api::V1::StatusesController', 'create', 'json', 71.25)
) s(offset_ms, method, path, status, bytes, controller, action, format, duration)
UNION ALL
SELECT (f.created_at AT TIME ZONE 'UTC') + interval '25 ms', r.ip, 'POST', '/api/v1/accounts/' || f.target_account_id || '/follow',
       200, 640, pg_temp.agent(r.account_id), 'Api::V1::AccountsController', 'follow', 'json', md5('follow' || f.id)::uuid::text,
       44.5, 6.5, 10.0, NULL
FROM pg_temp.demo_returns r JOIN follows f ON f.account_id = r.new_account
)SQL"));
    m_sql.run(QStringLiteral("returning jobs"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_jobs
SELECT (at AT TIME ZONE 'UTC') + interval '150 ms', 0.387, 'ActionMailer::MailDeliveryJob', pg_temp.jid('mail' || new_account), pg_temp.tid(new_account)
FROM pg_temp.demo_returns
UNION ALL
SELECT (at AT TIME ZONE 'UTC') + interval '30 minutes 100 ms', 0.052, 'DistributionWorker', pg_temp.jid('back' || new_account), pg_temp.tid(new_account + 1)
FROM pg_temp.demo_returns
)SQL"));
    DemoSchema::advanceSequences(m_sql);
}

} // namespace salvage
