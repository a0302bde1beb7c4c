#include "demostatuses.h"

#include "demo/demosql.h"

#include <QStringList>

namespace salvage {

namespace {

// Statuses are made in chunks. The per-status values every table derives from are computed once
// per chunk into a temporary table (no WAL, session-local) that one statement per table reads;
// `created` is pg_temp.ts(ms), which four tables write twice each. A chunk of a million (about
// 90 MB of values, held in the session's temp_buffers, DemoFunctions) hashes the authors' URIs
// for its two joins once per million statuses: 300,000 of them at scale 300 (200,000-status
// chunks cost 4-15 % more CPU there, measured).
constexpr qint64 kChunk = 1000000;

const char *const kCreateValues
    = "CREATE TEMPORARY TABLE IF NOT EXISTS demo_status_values (i bigint, acc bigint, kind int, parent bigint, "
      "ms bigint, id bigint, favs int, created timestamp); "
      "CREATE TEMPORARY TABLE IF NOT EXISTS demo_account_values (k bigint PRIMARY KEY, local boolean, contexts text, "
      "statuses text, web text)";

// The strings of each author, made once rather than once per status: the prefixes of its
// conversations', statuses' and web pages' addresses, so a row appends only its id. $1: accounts,
// $2: the local domain.
const char *const kAccountValues = R"SQL(
INSERT INTO pg_temp.demo_account_values
SELECT k, pg_temp.acc_local(k), uri || '/contexts/', uri || '/statuses/',
       'https://' || coalesce(pg_temp.acc_domain(k), $2) || '/@' || pg_temp.acc_name(k) || '/'
FROM (SELECT k, pg_temp.acc_uri(k) AS uri FROM generate_series(1, $1::bigint) k OFFSET 0) a
)SQL";

// $1, $2: the chunk's status indexes.
const char *const kValues = R"SQL(
INSERT INTO pg_temp.demo_status_values
SELECT i, acc, kind, parent, ms, pg_temp.status_id_at(ms, i),
       CASE WHEN kind = 2 THEN 0 ELSE floor(4 * pg_temp.r(60, i) ^ 4)::int END, pg_temp.ts(ms)
FROM (SELECT i, pg_temp.status_account(i) AS acc, pg_temp.status_kind(i) AS kind, pg_temp.status_parent(i) AS parent,
             pg_temp.status_ms(i) AS ms FROM generate_series($1::bigint, $2::bigint) i OFFSET 0) v
)SQL";

// One statement per table, each reading the chunk's values as g (%1 in statuses: the conflict clause).
const char *const kConversations = R"SQL(
INSERT INTO conversations (id, uri, created_at, updated_at)
SELECT i, CASE WHEN a.local THEN NULL ELSE a.contexts || i END, created, created
FROM pg_temp.demo_status_values g JOIN pg_temp.demo_account_values a ON a.k = g.acc WHERE kind = 0 AND pg_temp.r(70, i) < 0.3
)SQL";

const char *const kStatuses = R"SQL(
INSERT INTO statuses (id, uri, url, text, created_at, updated_at, in_reply_to_id, reblog_of_id, sensitive, visibility,
                      spoiler_text, reply, language, conversation_id, local, account_id, in_reply_to_account_id,
                      ordered_media_attachment_ids)
SELECT id,
  CASE WHEN kind = 2 THEN a.statuses || id || '/activity' ELSE a.statuses || id END,
  CASE WHEN kind <> 2 THEN a.web || id END,
  CASE WHEN kind = 2 THEN '' ELSE pg_temp.status_body(i) END, created, created,
  CASE WHEN kind = 1 THEN pg_temp.status_id(parent) END,
  CASE WHEN kind = 2 THEN pg_temp.status_id(parent) END,
  pg_temp.r(18, i) < 0.05,
  CASE WHEN kind = 2 THEN 0 ELSE width_bucket(pg_temp.r(19, i), '{0.8,0.9,0.97}'::float8[]) END,
  CASE WHEN pg_temp.r(18, i) < 0.05 THEN pg_temp.pick('{"CW: politics","CW: food","CW: spoilers 🎬","CW: مرض"}'::text[], 20, i)
       ELSE '' END,
  kind = 1,
  CASE WHEN kind <> 2 THEN pg_temp.pick('{en,en,en,de,ar,he,ja,NULL}'::text[], 21, i) END,
  CASE WHEN kind = 0 AND pg_temp.r(70, i) < 0.3 THEN i
       WHEN kind = 1 AND pg_temp.r(70, parent) < 0.3 AND pg_temp.status_kind(parent) = 0 THEN parent END,
  a.local, acc,
  CASE WHEN kind = 1 THEN pg_temp.status_account(parent) END,
  CASE WHEN kind = 0 AND pg_temp.r(50, i) < 0.08 THEN
    CASE WHEN pg_temp.r(51, i) < 0.3 THEN ARRAY[((ms - 1) << 16) | (i & 65535), ((ms - 2) << 16) | (i & 65535)]
         ELSE ARRAY[((ms - 1) << 16) | (i & 65535)] END END
FROM pg_temp.demo_status_values g JOIN pg_temp.demo_account_values a ON a.k = g.acc %1
)SQL";

// One or two attachments: joined to two constant rows rather than a set-returning call per status.
// A value written twice is computed once, below the OFFSET 0 that keeps the planner from copying
// its expression into each place it is used (here and in the tables below).
const char *const kMedia = R"SQL(
INSERT INTO media_attachments (id, status_id, account_id, file_file_name, file_content_type, file_file_size, file_meta,
                               description, blurhash, remote_url, shortcode, type, created_at, updated_at)
SELECT media, id, acc, file || '.jpeg', 'image/jpeg', 20000 + floor(pg_temp.r(52, i * 2 + k) * 2000000)::int,
  jsonb_build_object('original', jsonb_build_object('width', 1200 + 40 * k, 'height', 800, 'aspect', 1.5)),
  CASE WHEN pg_temp.r(53, i * 2 + k) < 0.4 THEN NULL
       ELSE pg_temp.pick(ARRAY['A cat on a "keyboard"', E'Sunset 🌅\nover the sea', 'صورة القمر', 'Screenshot of psql'], 54, i * 2 + k) END,
  'U' || substr(md5(i::text || 'blur' || k), 1, 27),
  CASE WHEN local THEN '' ELSE 'https://' || pg_temp.acc_domain(acc) || '/media/' || file || '.jpeg' END,
  CASE WHEN local THEN 'm' || to_hex(media) END,
  0, at, at
FROM (SELECT i, k, id, acc, ((ms - 1 - k) << 16) | (i & 65535) AS media, md5(i::text || k) AS file,
             pg_temp.acc_local(acc) AS local, pg_temp.ts(ms - 1 - k) AS at
      FROM pg_temp.demo_status_values g JOIN (VALUES (0), (1)) m(k) ON m.k = 0 OR pg_temp.r(51, i) < 0.3
      WHERE kind = 0 AND pg_temp.r(50, i) < 0.08 OFFSET 0) v
)SQL";

// Favouriters of one status come from a stride that never repeats: pairs are unique. A status has
// at most three (favs); joining three constant rows costs less than a set-returning call per status.
const char *const kFavourites = R"SQL(
INSERT INTO favourites (id, account_id, status_id, created_at, updated_at)
SELECT i * 4 + k, (acc - 1 + k * (1 + floor(pg_temp.r(61, i) * greatest(0, ($2 - 1) / 3 - 1))::bigint)) % $2 + 1,
  id, at, at
FROM (SELECT i, k, acc, id, pg_temp.ts(least(ms + floor(pg_temp.r(62, i * 4 + k) * 86400000)::bigint, $1::bigint - k)) AS at
      FROM pg_temp.demo_status_values g JOIN (VALUES (1), (2), (3)) f(k) ON f.k <= favs OFFSET 0) v
)SQL";

const char *const kBookmarks = R"SQL(
INSERT INTO bookmarks (id, account_id, status_id, created_at, updated_at)
SELECT i, (acc + floor(pg_temp.r(64, i) * ($2 - 2))::bigint) % $2 + 1, id, at, at
FROM (SELECT i, acc, id, pg_temp.ts(least(ms + 3600000, $1::bigint)) AS at
      FROM pg_temp.demo_status_values g WHERE kind <> 2 AND pg_temp.r(63, i) < 0.03 OFFSET 0) v
)SQL";

const char *const kMentions = R"SQL(
INSERT INTO mentions (id, status_id, account_id, silent, created_at, updated_at)
SELECT i, id, mentioned, false, created, created
FROM (SELECT i, id, acc, created, pg_temp.status_account(parent) AS mentioned
      FROM pg_temp.demo_status_values g WHERE kind = 1 OFFSET 0) v
WHERE mentioned <> acc
)SQL";

const char *const kStatusStats = R"SQL(
INSERT INTO status_stats (id, status_id, replies_count, reblogs_count, favourites_count, created_at, updated_at)
SELECT i, id, 0, 0, favs, created, pg_temp.ts(least(ms + 86400000, $1::bigint))
FROM pg_temp.demo_status_values g WHERE favs > 0
)SQL";

} // namespace

void DemoStatuses::generate(qint64 first, qint64 last, qint64 capMs, bool indexed)
{
    // With the unique indexes in place a duplicate reblog is skipped; a skipped reblog has no
    // rows hanging off it (reblogs get no favourites, media, bookmarks or mentions). Only that
    // index is the arbiter: every other key is unique by construction, and naming no arbiter
    // would probe every unique index of every table before each insert (30 % of the activity).
    const QString skip = indexed
        ? QStringLiteral("ON CONFLICT (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL DO NOTHING")
        : QString();
    m_sql.script(QStringLiteral("statuses"), QString::fromLatin1(kCreateValues));
    if (m_sql.scalar(QStringLiteral("statuses"), QStringLiteral("SELECT count(*) FROM pg_temp.demo_account_values"))
        == 0) {
        m_sql.run(QStringLiteral("statuses"), QString::fromUtf8(kAccountValues), m_parameters.accounts(),
            DemoParameters::localDomain());
        m_sql.script(QStringLiteral("statuses"), QStringLiteral("ANALYZE pg_temp.demo_account_values"));
    }
    for (qint64 from = first; from <= last; from += kChunk) {
        m_sql.script(QStringLiteral("statuses"), QStringLiteral("TRUNCATE pg_temp.demo_status_values"));
        m_sql.run(QStringLiteral("statuses"), QString::fromUtf8(kValues), from, qMin(last, from + kChunk - 1));
        // The chunk's values have no statistics, so the planner expects a few conversations and
        // probes the authors' key once per row; hashing the authors costs 30 % less (per chunk,
        // backend CPU at scale 300). The same rows either way.
        m_sql.script(QStringLiteral("conversations"), QStringLiteral("SET enable_nestloop = off"));
        m_sql.run(QStringLiteral("conversations"), QString::fromUtf8(kConversations));
        m_sql.script(QStringLiteral("conversations"), QStringLiteral("RESET enable_nestloop"));
        m_sql.run(QStringLiteral("statuses"), QString::fromUtf8(kStatuses).arg(skip));
        m_sql.run(QStringLiteral("media attachments"), QString::fromUtf8(kMedia));
        m_sql.run(QStringLiteral("favourites"), QString::fromUtf8(kFavourites), capMs, m_parameters.accounts());
        m_sql.run(QStringLiteral("bookmarks"), QString::fromUtf8(kBookmarks), capMs, m_parameters.accounts());
        m_sql.run(QStringLiteral("mentions"), QString::fromUtf8(kMentions));
        m_sql.run(QStringLiteral("status stats"), QString::fromUtf8(kStatusStats), capMs);
    }
}

void DemoStatuses::removeDuplicateReblogs()
{
    // Two reblogs of one status by one account: keep the first, as Mastodon's unique index would.
    // Found by their place in the table (ctid): there is no key yet, and nothing else writes statuses now.
    m_sql.run(QStringLiteral("duplicate reblogs"),
        QStringLiteral("DELETE FROM statuses WHERE ctid = ANY (ARRAY(SELECT ctid FROM (SELECT ctid, row_number() OVER "
                       "(PARTITION BY account_id, reblog_of_id ORDER BY id) AS n FROM statuses WHERE reblog_of_id IS "
                       "NOT NULL) r WHERE n > 1))"));
}

void DemoStatuses::addNotifications(qint64 fromMs, qint64 toMs, qint64 firstStatus, qint64 firstAccount)
{
    // Ids derive from the source row's id (favourites, mentions, follows have unique ids each):
    // a favourite of status index i has id 4i + k (k = 1..3), its mention i, a follow by account a
    // 64a + k, so the ids from firstStatus and firstAccount on are those rows and no others. The
    // status's author is pg_temp.status_account(i), as generate() wrote it (no merge has moved a
    // status yet): no lookup into statuses, whose keys do not exist yet in the backup.
    m_sql.run(QStringLiteral("notifications"), QStringLiteral(R"SQL(
INSERT INTO notifications (id, activity_id, activity_type, account_id, from_account_id, type, created_at, updated_at)
SELECT f.id * 4 + 1, f.id, 'Favourite', author, f.account_id, 'favourite', f.created_at, f.created_at
FROM favourites f CROSS JOIN LATERAL (SELECT pg_temp.status_account(f.id / 4)) s(author) JOIN accounts a ON a.id = author
WHERE a.domain IS NULL AND f.created_at >= pg_temp.ts($1) AND f.created_at < pg_temp.ts($2) AND f.id > $3::bigint * 4
UNION ALL
SELECT m.id * 4 + 2, m.id, 'Mention', m.account_id, pg_temp.status_account(m.id), 'mention', m.created_at, m.created_at
FROM mentions m JOIN accounts a ON a.id = m.account_id
WHERE a.domain IS NULL AND m.created_at >= pg_temp.ts($1) AND m.created_at < pg_temp.ts($2) AND m.id >= $3::bigint
UNION ALL
SELECT f.id * 4 + 3, f.id, 'Follow', f.target_account_id, f.account_id, 'follow', f.created_at, f.created_at
FROM follows f JOIN accounts a ON a.id = f.target_account_id
WHERE a.domain IS NULL AND f.created_at >= pg_temp.ts($1) AND f.created_at < pg_temp.ts($2) AND f.id > $4::bigint * 64
)SQL"),
        fromMs, toMs, firstStatus, firstAccount);
}

void DemoStatuses::addAccountStats()
{
    m_sql.run(QStringLiteral("account stats"), QStringLiteral(R"SQL(
INSERT INTO account_stats (id, account_id, statuses_count, following_count, followers_count, last_status_at, created_at, updated_at)
SELECT a.id, a.id, coalesce(s.n, 0), coalesce(fo.n, 0), coalesce(fe.n, 0), s.last, a.created_at, greatest(a.updated_at, s.last)
FROM accounts a
LEFT JOIN (SELECT account_id, count(*) AS n, max(created_at) AS last FROM statuses GROUP BY account_id) s ON s.account_id = a.id
LEFT JOIN (SELECT account_id, count(*) AS n FROM follows GROUP BY account_id) fo ON fo.account_id = a.id
LEFT JOIN (SELECT target_account_id, count(*) AS n FROM follows GROUP BY target_account_id) fe ON fe.target_account_id = a.id
)SQL"));
}

} // namespace salvage
