#include "demogenerator.h"

#include "demo/demofunctions.h"
#include "demo/demoparallel.h"
#include "demo/demoschema.h"
#include "demo/demosql.h"
#include "demo/demostatuses.h"

namespace salvage {

void DemoGenerator::generateRows()
{
    DemoSchema::createTables(m_sql);
    DemoFunctions::install(m_sql, m_parameters);
    // The accounts side and two halves of the statuses fill at once, each on its own session: the
    // statuses take their authors' names from the generator's formulas, not from the accounts.
    const qint64 statusCount = m_parameters.statuses();
    const qint64 cap = DemoParameters::backupMs() - 1000;
    const DemoParameters parameters = m_parameters;
    DemoParallel::run(m_sql.session().profile().conninfo, m_parameters,
        {
            [&](DemoSql &sql) {
                DemoGenerator accounts(sql, parameters);
                accounts.addAccounts(1, parameters.accounts(), DemoParameters::historyStartMs(),
                    DemoParameters::backupMs() - DemoParameters::historyStartMs());
                accounts.markVictims();
                accounts.addUsers(1, parameters.accounts());
                accounts.addFollows(1, parameters.accounts(), DemoParameters::backupMs() - 60000);
                accounts.addSmallRelations();
            },
            [&](DemoSql &sql) { DemoStatuses(sql, parameters).generate(1, statusCount / 2, cap, false); },
            [&](DemoSql &sql) { DemoStatuses(sql, parameters).generate(statusCount / 2 + 1, statusCount, cap, false); },
        });
    // The rows derived from the others are filled before the indexes too: set-wise, with no index
    // to maintain. Notifications never involve a reblog, so they need not wait for the duplicate
    // reblogs to go; the statuses counts do. The tables nothing writes any more get their indexes
    // meanwhile, on whichever session is free first (the statuses counts take the longest).
    DemoStatementQueue indexes(
        DemoSchema::indexBuilds(
            m_sql, { QStringLiteral("statuses"), QStringLiteral("notifications"), QStringLiteral("account_stats") }),
        DemoSchema::buildSettings(m_sql));
    DemoParallel::run(m_sql.session().profile().conninfo, m_parameters,
        {
            [&](DemoSql &sql) {
                DemoStatuses(sql, parameters)
                    .addNotifications(DemoParameters::backupMs() - 30LL * 86400000, DemoParameters::backupMs());
                indexes.drain(sql);
            },
            [&](DemoSql &sql) {
                // A reblog has no rows hanging off it: no cascade is missed.
                DemoStatuses statuses(sql, parameters);
                statuses.removeDuplicateReblogs();
                statuses.addAccountStats();
                indexes.drain(sql);
            },
        });
}

void DemoGenerator::buildKeys()
{
    DemoSchema::createConstraints(m_sql);
    DemoSchema::advanceSequences(m_sql);
}

void DemoGenerator::addAccounts(qint64 first, qint64 last, qint64 startMs, qint64 spanMs)
{
    // Accounts of the history follow pg_temp.acc_ms (statuses rely on it); later sign-ups are
    // spread over the window they are given and are always local. The name, domain and sign-up
    // instant are computed once each (OFFSET 0), not once per column that uses them.
    m_sql.run(QStringLiteral("accounts"), QStringLiteral(R"SQL(
INSERT INTO accounts (id, username, domain, display_name, note, uri, url, inbox_url, followers_url, fields,
                      also_known_as, locked, discoverable, avatar_file_name, created_at, updated_at)
SELECT k, name, dom,
  CASE WHEN pg_temp.r(20, k) < 0.15 THEN '' ELSE initcap(regexp_replace(pg_temp.acc_base(k), '[0-9]+$', ''))
       || pg_temp.pick(ARRAY[' 🦣', '', ' (she/her)', ' | دكتورة', ' 🏳️‍🌈', ' "the" tester', '  '], 21, k) END,
  CASE WHEN pg_temp.r(22, k) < 0.3 THEN '' ELSE pg_temp.pick(ARRAY['<p>Postgres, bikes &amp; bread.</p>',
       E'Line one\nLine two', 'أحب القراءة والكتابة', 'Ich schreibe über "Datenbanken" 🐘', '🌍 ✈️ 📷', 'אוהב קפה'], 23, k) END,
  'https://' || coalesce(dom, $5) || '/users/' || name,
  'https://' || coalesce(dom, $5) || '/@' || name,
  CASE WHEN dom IS NULL THEN '' ELSE 'https://' || dom || '/users/' || name || '/inbox' END,
  CASE WHEN dom IS NULL THEN '' ELSE 'https://' || dom || '/users/' || name || '/followers' END,
  CASE WHEN pg_temp.r(24, k) < 0.4 THEN NULL ELSE jsonb_build_array(
       jsonb_build_object('name', 'Website', 'value', 'https://example.com/~' || lower(name)),
       jsonb_build_object('name', 'Pronouns', 'value', pg_temp.pick('{they/them,she/her,he/him,هي}'::text[], 25, k))) END,
  CASE WHEN pg_temp.r(26, k) < 0.05 THEN ARRAY['https://old.example/users/' || name] END,
  pg_temp.r(27, k) < 0.05,
  CASE WHEN pg_temp.r(28, k) < 0.2 THEN NULL ELSE pg_temp.r(28, k) < 0.7 END,
  CASE WHEN pg_temp.r(29, k) < 0.3 THEN NULL ELSE md5(k::text || 'avatar') || '.png' END,
  pg_temp.ts(created), pg_temp.ts(created + floor(pg_temp.r(32, k) * ($6::bigint - created))::bigint)
FROM (SELECT k, pg_temp.acc_name(k) AS name, CASE WHEN k > $3 THEN NULL ELSE pg_temp.acc_domain(k) END AS dom,
             CASE WHEN k > $3 THEN $4::bigint + floor((k - $1 + pg_temp.r(6, k)) * ($7::float8 / ($2 - $1 + 1)))::bigint
                  ELSE pg_temp.acc_ms(k) END AS created
      FROM generate_series($1::bigint, $2::bigint) k OFFSET 0) g
)SQL"),
        first, last, m_parameters.accounts(), startMs, DemoParameters::localDomain(), startMs + spanMs, spanMs);
}

void DemoGenerator::markVictims()
{
    // The instance's oldest sign-up path never filled in `uri`: those local accounts carry ''.
    m_sql.run(QStringLiteral("victims"),
        QStringLiteral("UPDATE accounts SET uri = '' WHERE id IN (SELECT id FROM accounts WHERE domain IS NULL "
                       "ORDER BY pg_temp.r(2, id) LIMIT $1)"),
        m_parameters.victims());
}

void DemoGenerator::addUsers(qint64 first, qint64 last)
{
    m_sql.run(QStringLiteral("users"), QStringLiteral(R"SQL(
INSERT INTO users (id, email, account_id, encrypted_password, sign_in_count, current_sign_in_at, current_sign_in_ip,
                   last_sign_in_ip, confirmed_at, locale, chosen_languages, created_at, updated_at)
SELECT (SELECT coalesce(max(id), 0) FROM users) + row_number() OVER (ORDER BY a.id),
  lower(a.username) || '@' || pg_temp.pick('{example.com,mail.example,posteo.example,example.org}'::text[], 33, a.id),
  a.id, '$2a$10$' || md5(a.id::text || 'salt') || substr(md5(a.id::text), 1, 21),
  floor(pg_temp.r(34, a.id) * 400)::int,
  a.created_at + (pg_temp.r(35, a.id) * extract(epoch FROM a.updated_at - a.created_at)) * interval '1 second',
  pg_temp.ip(a.id), CASE WHEN pg_temp.r(36, a.id) < 0.2 THEN NULL ELSE pg_temp.ip(a.id + 1) END,
  CASE WHEN pg_temp.r(37, a.id) < 0.05 THEN NULL ELSE a.created_at + interval '7 minutes' END,
  pg_temp.pick('{en,de,ar,he,ja,NULL}'::text[], 38, a.id),
  CASE WHEN pg_temp.r(39, a.id) < 0.7 THEN NULL ELSE '{en,de}'::character varying[] END,
  a.created_at, a.updated_at
FROM accounts a WHERE a.id BETWEEN $1 AND $2 AND a.domain IS NULL
)SQL"),
        first, last);
    m_sql.run(QStringLiteral("identities"), QStringLiteral(R"SQL(
INSERT INTO identities (id, user_id, provider, uid, created_at, updated_at)
SELECT (SELECT coalesce(max(id), 0) FROM identities) + row_number() OVER (ORDER BY u.id),
       u.id, 'openid_connect', 'sub-' || md5(u.email), u.created_at, u.created_at
FROM users u WHERE u.account_id BETWEEN $1 AND $2 AND pg_temp.r(40, u.account_id) < 0.1
)SQL"),
        first, last);
    m_sql.run(QStringLiteral("web settings"), QStringLiteral(R"SQL(
INSERT INTO web_settings (id, data, user_id, created_at, updated_at)
SELECT (SELECT coalesce(max(id), 0) FROM web_settings) + row_number() OVER (ORDER BY u.id),
  jsonb_build_object('onboarded', true, 'introductionVersion', 20181216044202,
    'home', jsonb_build_object('shows', jsonb_build_object('reblog', pg_temp.r(42, u.id) < 0.6, 'reply', true)),
    'notifications', jsonb_build_object('quickFilter', jsonb_build_object('active', 'all', 'show', true)),
    'columns', jsonb_build_array(jsonb_build_object('id', 'COMPOSE', 'uuid', md5(u.email)::uuid))),
  u.id, u.created_at + interval '3 minutes', u.updated_at
FROM users u WHERE u.account_id BETWEEN $1 AND $2 AND pg_temp.r(41, u.account_id) < 0.7
)SQL"),
        first, last);
}

void DemoGenerator::addFollows(qint64 first, qint64 last, qint64 capMs)
{
    // Follow targets come from a stride that never repeats within one follower: pairs are unique.
    // The target and the moment are each computed once (OFFSET 0 keeps the planner from copying
    // their expressions into the join key and into both timestamps: 22 % of the statement's CPU).
    m_sql.run(QStringLiteral("follows"), QStringLiteral(R"SQL(
INSERT INTO follows (id, account_id, target_account_id, show_reblogs, uri, notify, languages, created_at, updated_at)
SELECT id, a, t, pg_temp.r(43, id) > 0.1,
  CASE WHEN local THEN 'https://' || $4 || '/' || md5(id::text)::uuid ELSE uri || '#follows/' || id END,
  pg_temp.r(44, id) < 0.05, CASE WHEN pg_temp.r(45, id) < 0.03 THEN '{en}'::character varying[] END,
  made, made
FROM (SELECT f.id, f.a, f.t, src.domain IS NULL AS local, src.uri, greatest(src.created_at, dst.created_at)
               + pg_temp.r(46, f.id) * (pg_temp.ts($3::bigint) - greatest(src.created_at, dst.created_at)) AS made
      FROM (SELECT a * 64 + k AS id, a, pg_temp.follow_target(a, k) AS t
            FROM generate_series($1::bigint, $2::bigint) a CROSS JOIN LATERAL generate_series(1, pg_temp.follow_count(a)) k
            OFFSET 0) f
      JOIN accounts src ON src.id = f.a JOIN accounts dst ON dst.id = f.t OFFSET 0) v
)SQL"),
        first, last, capMs, DemoParameters::localDomain());
}

void DemoGenerator::addSmallRelations()
{
    const qint64 accounts = m_parameters.accounts();
    const qint64 capMs = DemoParameters::backupMs() - 60000;
    // One row per chosen account, target at a random non-zero distance: pairs are unique.
    const QString pairs = QStringLiteral(R"SQL(
INSERT INTO %1 (id, account_id, target_account_id, %2 created_at, updated_at)
SELECT a, a, (a - 1 + 1 + floor(pg_temp.r(%3 + 1, a) * ($1 - 2))::bigint) %% $1 + 1, %4
       pg_temp.ts(pg_temp.acc_ms(a) + floor(pg_temp.r(%3 + 2, a) * ($2 - pg_temp.acc_ms(a)))::bigint),
       pg_temp.ts(pg_temp.acc_ms(a) + floor(pg_temp.r(%3 + 2, a) * ($2 - pg_temp.acc_ms(a)))::bigint)
FROM generate_series(1, $1::bigint) a WHERE pg_temp.r(%3, a) < %5
)SQL");
    auto add = [&](const char *table, const char *columns, int stream, const char *values, const char *share) {
        m_sql.run(QString::fromLatin1(table),
            pairs
                .arg(QString::fromLatin1(table), QString::fromLatin1(columns), QString::number(stream),
                    QString::fromLatin1(values), QString::fromLatin1(share))
                .replace(QStringLiteral("%%"), QStringLiteral("%")),
            accounts, capMs);
    };
    add("follow_requests", "uri,", 50, "pg_temp.acc_uri(a) || '#follow_requests/' || a,", "0.03");
    add("blocks", "uri,", 53,
        "CASE WHEN pg_temp.acc_local(a) THEN NULL ELSE pg_temp.acc_uri(a) || '#blocks/' || a END,", "0.02");
    add("mutes", "hide_notifications, expires_at,", 56,
        "pg_temp.r(59, a) < 0.8, CASE WHEN pg_temp.r(59, a) < 0.1 THEN pg_temp.ts($2::bigint + 86400000 * 7) END,",
        "0.03");

    m_sql.run(QStringLiteral("lists"), QStringLiteral(R"SQL(
INSERT INTO lists (id, account_id, title, replies_policy, exclusive, created_at, updated_at)
SELECT k, k, pg_temp.pick(ARRAY['Friends 💛', 'Postgres people', 'أصدقاء', '"Work" stuff', 'News', 'חדשות'], 61, k),
       floor(pg_temp.r(62, k) * 3)::int, pg_temp.r(63, k) < 0.2,
       pg_temp.ts(pg_temp.acc_ms(k) + 86400000), pg_temp.ts(pg_temp.acc_ms(k) + 86400000)
FROM generate_series(1, $1::bigint) k WHERE pg_temp.acc_local(k) AND pg_temp.r(60, k) < 0.08
)SQL"),
        accounts);
    m_sql.run(QStringLiteral("list accounts"), QStringLiteral(R"SQL(
INSERT INTO list_accounts (id, list_id, account_id, follow_id)
SELECT l.id * 4 + j, l.id, pg_temp.follow_target(l.account_id, j), l.account_id * 64 + j
FROM lists l CROSS JOIN LATERAL generate_series(1, least(3, pg_temp.follow_count(l.account_id))) j
)SQL"));
}

} // namespace salvage
