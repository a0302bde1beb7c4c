#include "demoincident.h"

#include "core/error.h"
#include "db/sqlident.h"
#include "demo/demosql.h"

namespace salvage {

namespace {
constexpr int kWorkerPid = 23817; // the PostgreSQL backend serving the Sidekiq process
}

QList<DemoIncident::Repoint> DemoIncident::repoints()
{
    const QString pair = QStringLiteral("account_id,target_account_id");
    auto key = [](const QString &columns) { return columns.split(QLatin1Char(',')); };
    return {
        { QStringLiteral("statuses"), QStringLiteral("account_id"), key(QStringLiteral("account_id,reblog_of_id")),
            QStringLiteral("index_statuses_on_account_id_and_reblog_of_id"), true },
        { QStringLiteral("media_attachments"), QStringLiteral("account_id"), {}, {}, true },
        { QStringLiteral("favourites"), QStringLiteral("account_id"), key(QStringLiteral("account_id,status_id")),
            QStringLiteral("index_favourites_on_account_id_and_status_id"), true },
        { QStringLiteral("bookmarks"), QStringLiteral("account_id"), key(QStringLiteral("account_id,status_id")),
            QStringLiteral("index_bookmarks_on_account_id_and_status_id"), true },
        { QStringLiteral("follows"), QStringLiteral("account_id"), key(pair),
            QStringLiteral("index_follows_on_account_id_and_target_account_id"), true },
        { QStringLiteral("follow_requests"), QStringLiteral("account_id"), key(pair),
            QStringLiteral("index_follow_requests_on_account_id_and_target_account_id"), true },
        { QStringLiteral("blocks"), QStringLiteral("account_id"), key(pair),
            QStringLiteral("index_blocks_on_account_id_and_target_account_id"), true },
        { QStringLiteral("mutes"), QStringLiteral("account_id"), key(pair),
            QStringLiteral("index_mutes_on_account_id_and_target_account_id"), true },
        { QStringLiteral("lists"), QStringLiteral("account_id"), {}, {}, true },
        { QStringLiteral("list_accounts"), QStringLiteral("account_id"), key(QStringLiteral("account_id,list_id")),
            QStringLiteral("index_list_accounts_on_account_id_and_list_id"), false },
        { QStringLiteral("follows"), QStringLiteral("target_account_id"), key(pair),
            QStringLiteral("index_follows_on_account_id_and_target_account_id"), true },
        { QStringLiteral("follow_requests"), QStringLiteral("target_account_id"), key(pair),
            QStringLiteral("index_follow_requests_on_account_id_and_target_account_id"), true },
        { QStringLiteral("blocks"), QStringLiteral("target_account_id"), key(pair),
            QStringLiteral("index_blocks_on_account_id_and_target_account_id"), true },
        { QStringLiteral("mutes"), QStringLiteral("target_account_id"), key(pair),
            QStringLiteral("index_mutes_on_account_id_and_target_account_id"), true },
    };
}

void DemoIncident::apply()
{
    const pqxx::result target = m_sql.run(QStringLiteral("merge target"),
        QStringLiteral("SELECT min(id) FROM accounts WHERE domain = $1"), DemoParameters::remoteDomain());
    m_target = target[0][0].is_null() ? 0 : target[0][0].as<qint64>();
    if (m_target == 0)
        throw Error(QStringLiteral("Demo: the remote account of the incident is missing."));
    recordVictims();
    recordInboxDelivery();
    const pqxx::result victims = m_sql.run(QStringLiteral("victims"),
        QStringLiteral("SELECT account_id, (extract(epoch FROM merged_at) * 1000)::bigint FROM pg_temp.demo_victims "
                       "ORDER BY ordinal"));
    qint64 lastMs = DemoParameters::incidentMs();
    for (const auto &row : victims) {
        lastMs = row[1].as<qint64>();
        merge(row[0].as<qint64>(), lastMs);
    }
    // The worker's start and end bracket every merge; autovacuum tidies up the deleted accounts.
    m_sql.run(QStringLiteral("merge job"),
        QStringLiteral("INSERT INTO pg_temp.demo_jobs VALUES (pg_temp.tstz($1), round(($2::bigint - $1::bigint + 180) "
                       "/ 1000.0, 3)::float8, "
                       "'AccountMergingWorker', pg_temp.jid('merge' || $3), '1sat')"),
        DemoParameters::incidentMs(), lastMs, m_parameters.seed);
    m_sql.run(QStringLiteral("autovacuum"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_pglog VALUES (pg_temp.tstz($1::bigint + 97000), 24100, 0, 'LOG',
  format(E'automatic vacuum of table "mastodon_production.public.accounts": index scans: 1\npages: 0 removed, %s remain, 0 skipped due to pins, 0 skipped frozen\ntuples: %s removed, %s remain, 0 are dead but not yet removable\nbuffer usage: 412 hits, 3 misses, 57 dirtied\navg read rate: 0.211 MB/s, avg write rate: 4.012 MB/s\nsystem usage: CPU: user: 0.01 s, system: 0.00 s, elapsed: 0.11 s',
         (SELECT count(*) / 40 + 1 FROM accounts), $2::bigint, (SELECT count(*) FROM accounts)), NULL, NULL)
)SQL"),
        lastMs, qint64(victims.size()));
}

void DemoIncident::recordVictims()
{
    m_sql.run(QStringLiteral("victims"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_victims
SELECT a.id, a.username, u.email, coalesce(u.current_sign_in_ip, pg_temp.ip(a.id)), n,
       pg_temp.tstz($1::bigint + 350 + n * 180 + floor(pg_temp.r(96, a.id) * 60)::bigint)
FROM (SELECT id, username, row_number() OVER (ORDER BY id)::int AS n FROM accounts WHERE domain IS NULL AND uri = '') a
LEFT JOIN users u ON u.account_id = a.id
)SQL"),
        DemoParameters::incidentMs());
}

void DemoIncident::recordInboxDelivery()
{
    // The remote server's delivery that set it off: its actor arrives with an empty id, and the
    // merge worker goes looking for every account with that uri.
    m_sql.run(QStringLiteral("inbox delivery"), QStringLiteral(R"SQL(
INSERT INTO pg_temp.demo_requests
SELECT pg_temp.tstz($1::bigint - 1180), pg_temp.server_ip(a.domain), 'POST', '/inbox', 202, 0,
  'http.rb/5.1.1 (Mastodon/4.2.8; +https://' || a.domain || '/)', 'ActivityPub::InboxesController', 'create', '*/*',
  md5('incident' || $2)::uuid::text, 41.87, 6.12, 0.0, a.uri || '#main-key'
FROM accounts a WHERE a.id = $3
)SQL"),
        DemoParameters::incidentMs(), m_parameters.seed, m_target);
    m_sql.run(QStringLiteral("inbox job"),
        QStringLiteral("INSERT INTO pg_temp.demo_jobs VALUES (pg_temp.tstz($1::bigint - 910), 0.874, "
                       "'ActivityPub::ProcessingWorker', "
                       "pg_temp.jid('incident' || $2), '1s9k')"),
        DemoParameters::incidentMs(), m_parameters.seed);
}

void DemoIncident::merge(qint64 victim, qint64 atMs)
{
    for (const Repoint &spec : repoints())
        repoint(spec, victim, atMs);
    m_sql.run(QStringLiteral("delete victim"), QStringLiteral(R"SQL(
WITH logged AS (
  INSERT INTO pg_temp.demo_pglog VALUES (pg_temp.tstz($2::bigint + 120), $3, 0, 'LOG',
    format('duration: %s ms  execute a%s: DELETE FROM "accounts" WHERE "accounts"."id" = $1', 25 + $1 % 90 || '.' || lpad(($1 * 37 % 1000)::text, 3, '0'), $1 % 97),
    format('parameters: $1 = ''%s''', $1), NULL))
DELETE FROM accounts WHERE id = $1
)SQL"),
        victim, atMs, kWorkerPid);
}

void DemoIncident::repoint(const Repoint &spec, qint64 victim, qint64 atMs)
{
    const QString table = sql::quoteIdent(spec.table);
    const QString column = sql::quoteIdent(spec.column);
    const QString touch = spec.touchesUpdatedAt ? QStringLiteral(", updated_at = pg_temp.ts($3)") : QString();
    const QString statement
        = QStringLiteral("UPDATE %1 SET %2 = $1%3 WHERE %1.\"id\" = $%4")
              .arg(table, column, spec.touchesUpdatedAt ? QStringLiteral(", \"updated_at\" = $2") : QString(),
                  spec.touchesUpdatedAt ? QStringLiteral("3") : QStringLiteral("2"));
    QString conflict = QStringLiteral("false");
    QString keyValues = QStringLiteral("''");
    if (!spec.key.isEmpty()) {
        QStringList same;
        QStringList values;
        for (const QString &part : spec.key) {
            const QString quoted = sql::quoteIdent(part);
            if (part == spec.column) {
                same << QStringLiteral("o.%1 = $2").arg(quoted);
                values << QStringLiteral("($2::bigint)::text");
            } else {
                same << QStringLiteral("o.%1 = t.%1").arg(quoted);
                values << QStringLiteral("t.%1::text").arg(quoted);
            }
        }
        conflict
            = QStringLiteral("EXISTS (SELECT 1 FROM %1 o WHERE %2)").arg(table, same.join(QStringLiteral(" AND ")));
        keyValues = values.join(QStringLiteral(" || ', ' || "));
    }
    // A row the unique index refuses stays with the victim; the server logs the violation.
    m_sql.run(spec.table,
        QStringLiteral(R"SQL(
WITH refused AS (SELECT t.id, %3 AS key FROM %1 t WHERE t.%2 = $1 AND %4),
logged AS (
  INSERT INTO pg_temp.demo_pglog
  SELECT pg_temp.tstz($3::bigint + 5 + row_number() OVER (ORDER BY id)), $4, row_number() OVER (ORDER BY id)::int, 'ERROR',
         format('duplicate key value violates unique constraint "%s"', $5::text),
         format('Key (%s)=(%s) already exists.', $6::text, key), $7::text
  FROM refused),
moved AS (UPDATE %1 t SET %2 = $2%5 WHERE t.%2 = $1 AND t.id NOT IN (SELECT id FROM refused) RETURNING t.id)
INSERT INTO pg_temp.demo_moved SELECT $1, $8, id FROM moved
)SQL")
            .arg(table, column, keyValues, conflict, touch),
        victim, m_target, atMs, kWorkerPid, spec.index, spec.key.join(QStringLiteral(", ")), statement,
        QString(spec.table + QLatin1Char('.') + spec.column));
}

} // namespace salvage
