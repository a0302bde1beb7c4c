#include "demostatuses.h"

#include "demo/demosql.h"

namespace salvage {

namespace {

// The per-index columns every statement below starts from.
const char *const kIndexes =
    "(SELECT i, pg_temp.status_account(i) AS acc, pg_temp.status_kind(i) AS kind, pg_temp.status_parent(i) AS parent, "
    "pg_temp.status_ms(i) AS ms FROM generate_series($1::bigint, $2::bigint) i OFFSET 0) g";

QString withIndexes(const char *statement)
{
    return QString::fromUtf8(statement).replace(QStringLiteral("{G}"), QString::fromLatin1(kIndexes));
}

} // namespace

void DemoStatuses::generate(qint64 first, qint64 last, qint64 capMs, bool indexed)
{
    const QString skip = indexed ? QStringLiteral(" ON CONFLICT DO NOTHING") : QString();
    m_sql.run(QStringLiteral("conversations"), withIndexes(R"SQL(
INSERT INTO conversations (id, uri, created_at, updated_at)
SELECT i, CASE WHEN pg_temp.acc_local(acc) THEN NULL ELSE pg_temp.acc_uri(acc) || '/contexts/' || i END, pg_temp.ts(ms), pg_temp.ts(ms)
FROM {G} WHERE kind = 0 AND pg_temp.r(70, i) < 0.3
)SQL"), first, last);

    m_sql.run(QStringLiteral("statuses"), withIndexes(R"SQL(
INSERT INTO statuses (id, uri, url, text, created_at, updated_at, in_reply_to_id, reblog_of_id, sensitive, visibility,
                      spoiler_text, reply, language, conversation_id, local, account_id, in_reply_to_account_id,
                      ordered_media_attachment_ids)
SELECT pg_temp.status_id(i),
  pg_temp.acc_uri(acc) || '/statuses/' || pg_temp.status_id(i) || CASE WHEN kind = 2 THEN '/activity' ELSE '' END,
  CASE WHEN kind <> 2 THEN 'https://' || coalesce(pg_temp.acc_domain(acc), $3) || '/@' || pg_temp.acc_name(acc) || '/' || pg_temp.status_id(i) END,
  pg_temp.status_text(i), pg_temp.ts(ms), pg_temp.ts(ms),
  CASE WHEN kind = 1 THEN pg_temp.status_id(parent) END,
  CASE WHEN kind = 2 THEN pg_temp.status_id(parent) END,
  pg_temp.r(18, i) < 0.05,
  CASE WHEN kind = 2 OR pg_temp.r(19, i) < 0.8 THEN 0 WHEN pg_temp.r(19, i) < 0.9 THEN 1 WHEN pg_temp.r(19, i) < 0.97 THEN 2 ELSE 3 END,
  CASE WHEN pg_temp.r(18, i) < 0.05 THEN 'CW: ' || pg_temp.pick('{politics,food,"spoilers 🎬",مرض}'::text[], 20, i) ELSE '' END,
  kind = 1,
  CASE WHEN kind <> 2 THEN pg_temp.pick('{en,en,en,de,ar,he,ja,NULL}'::text[], 21, i) END,
  CASE WHEN kind = 0 AND pg_temp.r(70, i) < 0.3 THEN i
       WHEN kind = 1 AND pg_temp.status_kind(parent) = 0 AND pg_temp.r(70, parent) < 0.3 THEN parent END,
  pg_temp.acc_local(acc), acc,
  CASE WHEN kind = 1 THEN pg_temp.status_account(parent) END,
  CASE WHEN kind = 0 AND pg_temp.r(50, i) < 0.08 THEN
    CASE WHEN pg_temp.r(51, i) < 0.3 THEN ARRAY[((ms - 1) << 16) | (i & 65535), ((ms - 2) << 16) | (i & 65535)]
         ELSE ARRAY[((ms - 1) << 16) | (i & 65535)] END END
FROM {G}
)SQL") + skip, first, last, DemoParameters::localDomain());
    if (!indexed) {
        // Two reblogs of one status by one account: keep the first, as Mastodon's unique index would.
        m_sql.run(QStringLiteral("duplicate reblogs"), QStringLiteral(
            "DELETE FROM statuses s USING statuses o WHERE s.reblog_of_id = o.reblog_of_id "
            "AND s.account_id = o.account_id AND s.id > o.id AND s.reblog_of_id IS NOT NULL"));
    }

    m_sql.run(QStringLiteral("media attachments"), withIndexes(R"SQL(
INSERT INTO media_attachments (id, status_id, account_id, file_file_name, file_content_type, file_file_size, file_meta,
                               description, blurhash, remote_url, shortcode, type, created_at, updated_at)
SELECT ((ms - 1 - k) << 16) | (i & 65535), pg_temp.status_id(i), acc, md5(i::text || k) || '.jpeg', 'image/jpeg',
  20000 + floor(pg_temp.r(52, i * 2 + k) * 2000000)::int,
  jsonb_build_object('original', jsonb_build_object('width', 1200 + 40 * k, 'height', 800, 'aspect', 1.5)),
  CASE WHEN pg_temp.r(53, i * 2 + k) < 0.4 THEN NULL
       ELSE pg_temp.pick(ARRAY['A cat on a "keyboard"', E'Sunset 🌅\nover the sea', 'صورة القمر', 'Screenshot of psql'], 54, i * 2 + k) END,
  'U' || substr(md5(i::text || 'blur' || k), 1, 27),
  CASE WHEN pg_temp.acc_local(acc) THEN '' ELSE 'https://' || pg_temp.acc_domain(acc) || '/media/' || md5(i::text || k) || '.jpeg' END,
  CASE WHEN pg_temp.acc_local(acc) THEN 'm' || to_hex(((ms - 1 - k) << 16) | (i & 65535)) END,
  0, pg_temp.ts(ms - 1 - k), pg_temp.ts(ms - 1 - k)
FROM {G} CROSS JOIN LATERAL generate_series(0, CASE WHEN pg_temp.r(51, i) < 0.3 THEN 1 ELSE 0 END) k
WHERE kind = 0 AND pg_temp.r(50, i) < 0.08
)SQL"), first, last);

    // Favouriters of one status come from a stride that never repeats: pairs are unique.
    m_sql.run(QStringLiteral("favourites"), withIndexes(R"SQL(
INSERT INTO favourites (id, account_id, status_id, created_at, updated_at)
SELECT i * 4 + k, (acc - 1 + k * (1 + floor(pg_temp.r(61, i) * greatest(0, ($4 - 1) / 3 - 1))::bigint)) % $4 + 1,
  pg_temp.status_id(i), pg_temp.ts(at), pg_temp.ts(at)
FROM {G} CROSS JOIN LATERAL generate_series(1, pg_temp.favourite_count(i)) k
CROSS JOIN LATERAL (SELECT least(ms + floor(pg_temp.r(62, i * 4 + k) * 86400000)::bigint, $3::bigint - k)) t(at)
)SQL") + skip, first, last, capMs, m_parameters.accounts());

    m_sql.run(QStringLiteral("bookmarks"), withIndexes(R"SQL(
INSERT INTO bookmarks (id, account_id, status_id, created_at, updated_at)
SELECT i, (acc + floor(pg_temp.r(64, i) * ($4 - 2))::bigint) % $4 + 1, pg_temp.status_id(i),
  pg_temp.ts(least(ms + 3600000, $3::bigint)), pg_temp.ts(least(ms + 3600000, $3::bigint))
FROM {G} WHERE kind <> 2 AND pg_temp.r(63, i) < 0.03
)SQL") + skip, first, last, capMs, m_parameters.accounts());

    m_sql.run(QStringLiteral("mentions"), withIndexes(R"SQL(
INSERT INTO mentions (id, status_id, account_id, silent, created_at, updated_at)
SELECT i, pg_temp.status_id(i), pg_temp.status_account(parent), false, pg_temp.ts(ms), pg_temp.ts(ms)
FROM {G} WHERE kind = 1 AND pg_temp.status_account(parent) <> acc
)SQL") + skip, first, last);

    m_sql.run(QStringLiteral("status stats"), withIndexes(R"SQL(
INSERT INTO status_stats (id, status_id, replies_count, reblogs_count, favourites_count, created_at, updated_at)
SELECT i, pg_temp.status_id(i), 0, 0, pg_temp.favourite_count(i), pg_temp.ts(ms),
  pg_temp.ts(least(ms + 86400000, $3::bigint))
FROM {G} WHERE pg_temp.favourite_count(i) > 0
)SQL") + skip, first, last, capMs);
}

void DemoStatuses::addNotifications(qint64 fromMs, qint64 toMs)
{
    // Ids derive from the source row's id (favourites, mentions, follows have unique ids each).
    m_sql.run(QStringLiteral("notifications"), QStringLiteral(R"SQL(
INSERT INTO notifications (id, activity_id, activity_type, account_id, from_account_id, type, created_at, updated_at)
SELECT f.id * 4 + 1, f.id, 'Favourite', s.account_id, f.account_id, 'favourite', f.created_at, f.created_at
FROM favourites f JOIN statuses s ON s.id = f.status_id JOIN accounts a ON a.id = s.account_id
WHERE a.domain IS NULL AND f.created_at >= pg_temp.ts($1) AND f.created_at < pg_temp.ts($2)
UNION ALL
SELECT m.id * 4 + 2, m.id, 'Mention', m.account_id, s.account_id, 'mention', m.created_at, m.created_at
FROM mentions m JOIN statuses s ON s.id = m.status_id JOIN accounts a ON a.id = m.account_id
WHERE a.domain IS NULL AND m.created_at >= pg_temp.ts($1) AND m.created_at < pg_temp.ts($2)
UNION ALL
SELECT f.id * 4 + 3, f.id, 'Follow', f.target_account_id, f.account_id, 'follow', f.created_at, f.created_at
FROM follows f JOIN accounts a ON a.id = f.target_account_id
WHERE a.domain IS NULL AND f.created_at >= pg_temp.ts($1) AND f.created_at < pg_temp.ts($2)
)SQL"), fromMs, toMs);
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
