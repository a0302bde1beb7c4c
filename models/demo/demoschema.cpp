#include "demoschema.h"

#include "db/sqlident.h"
#include "demo/demoparallel.h"
#include "demo/demosql.h"

#include <QMap>
#include <QRegularExpression>

#include <QStringList>
#include <algorithm>

namespace salvage {

namespace {

// Types as Mastodon has them: bigint ids, timestamp without time zone holding UTC (Rails),
// jsonb, text arrays, inet.
const char *const kTables = R"SQL(
CREATE TABLE accounts (
  id bigserial NOT NULL, username character varying NOT NULL DEFAULT '', domain character varying,
  display_name character varying NOT NULL DEFAULT '', note text NOT NULL DEFAULT '',
  uri character varying NOT NULL DEFAULT '', url character varying, inbox_url character varying NOT NULL DEFAULT '',
  followers_url character varying NOT NULL DEFAULT '', fields jsonb, also_known_as character varying[],
  locked boolean NOT NULL DEFAULT false, discoverable boolean, avatar_file_name character varying,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE users (
  id bigserial NOT NULL, email character varying NOT NULL DEFAULT '', account_id bigint NOT NULL,
  encrypted_password character varying NOT NULL DEFAULT '', sign_in_count integer NOT NULL DEFAULT 0,
  current_sign_in_at timestamp without time zone, current_sign_in_ip inet, last_sign_in_ip inet,
  confirmed_at timestamp without time zone, locale character varying, chosen_languages character varying[],
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE identities (
  id bigserial NOT NULL, user_id bigint, provider character varying NOT NULL DEFAULT '',
  uid character varying NOT NULL DEFAULT '',
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE web_settings (
  id bigserial NOT NULL, data jsonb, user_id bigint NOT NULL,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE account_stats (
  id bigserial NOT NULL, account_id bigint NOT NULL, statuses_count bigint NOT NULL DEFAULT 0,
  following_count bigint NOT NULL DEFAULT 0, followers_count bigint NOT NULL DEFAULT 0,
  last_status_at timestamp without time zone,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE conversations (
  id bigserial NOT NULL, uri character varying,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE statuses (
  id bigint NOT NULL, uri character varying, url character varying, text text NOT NULL DEFAULT '',
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL,
  in_reply_to_id bigint, reblog_of_id bigint, sensitive boolean NOT NULL DEFAULT false,
  visibility integer NOT NULL DEFAULT 0, spoiler_text text NOT NULL DEFAULT '', reply boolean NOT NULL DEFAULT false,
  language character varying, conversation_id bigint, local boolean, account_id bigint NOT NULL,
  in_reply_to_account_id bigint, ordered_media_attachment_ids bigint[],
  edited_at timestamp without time zone, deleted_at timestamp without time zone);
CREATE TABLE status_stats (
  id bigserial NOT NULL, status_id bigint NOT NULL, replies_count bigint NOT NULL DEFAULT 0,
  reblogs_count bigint NOT NULL DEFAULT 0, favourites_count bigint NOT NULL DEFAULT 0,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE media_attachments (
  id bigint NOT NULL, status_id bigint, account_id bigint, file_file_name character varying,
  file_content_type character varying, file_file_size integer, file_meta jsonb, description text,
  blurhash character varying, remote_url character varying NOT NULL DEFAULT '', shortcode character varying,
  type integer NOT NULL DEFAULT 0,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE follows (
  id bigserial NOT NULL, account_id bigint NOT NULL, target_account_id bigint NOT NULL,
  show_reblogs boolean NOT NULL DEFAULT true, uri character varying, notify boolean NOT NULL DEFAULT false,
  languages character varying[],
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE follow_requests (
  id bigserial NOT NULL, account_id bigint NOT NULL, target_account_id bigint NOT NULL,
  show_reblogs boolean NOT NULL DEFAULT true, uri character varying, notify boolean NOT NULL DEFAULT false,
  languages character varying[],
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE favourites (
  id bigserial NOT NULL, account_id bigint NOT NULL, status_id bigint NOT NULL,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE bookmarks (
  id bigserial NOT NULL, account_id bigint NOT NULL, status_id bigint NOT NULL,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE mentions (
  id bigserial NOT NULL, status_id bigint, account_id bigint, silent boolean NOT NULL DEFAULT false,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE blocks (
  id bigserial NOT NULL, account_id bigint NOT NULL, target_account_id bigint NOT NULL, uri character varying,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE mutes (
  id bigserial NOT NULL, account_id bigint NOT NULL, target_account_id bigint NOT NULL,
  hide_notifications boolean NOT NULL DEFAULT true, expires_at timestamp without time zone,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE notifications (
  id bigserial NOT NULL, activity_id bigint NOT NULL, activity_type character varying NOT NULL,
  account_id bigint NOT NULL, from_account_id bigint NOT NULL, type character varying,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE lists (
  id bigserial NOT NULL, account_id bigint NOT NULL, title character varying NOT NULL DEFAULT '',
  replies_policy integer NOT NULL DEFAULT 0, exclusive boolean NOT NULL DEFAULT false,
  created_at timestamp(6) without time zone NOT NULL, updated_at timestamp(6) without time zone NOT NULL);
CREATE TABLE list_accounts (
  id bigserial NOT NULL, list_id bigint NOT NULL, account_id bigint NOT NULL, follow_id bigint);
)SQL";

// Mastodon's index names, so the PostgreSQL log's unique violations read like the real thing.
// Each table's primary key is built as a plain unique index first (under a lock that lets other
// indexes of the table build at the same time) and then becomes the key (DemoSchema::createConstraints).
const char *const kIndexes = R"SQL(
CREATE UNIQUE INDEX accounts_pkey ON accounts (id);
CREATE UNIQUE INDEX index_accounts_on_username_and_domain_lower ON accounts (lower((username)::text), COALESCE(lower((domain)::text), ''::text));
CREATE INDEX index_accounts_on_uri ON accounts (uri);
CREATE UNIQUE INDEX users_pkey ON users (id);
CREATE UNIQUE INDEX index_users_on_email ON users (email);
CREATE INDEX index_users_on_account_id ON users (account_id);
CREATE UNIQUE INDEX identities_pkey ON identities (id);
CREATE INDEX index_identities_on_user_id ON identities (user_id);
CREATE UNIQUE INDEX web_settings_pkey ON web_settings (id);
CREATE UNIQUE INDEX index_web_settings_on_user_id ON web_settings (user_id);
CREATE UNIQUE INDEX account_stats_pkey ON account_stats (id);
CREATE UNIQUE INDEX index_account_stats_on_account_id ON account_stats (account_id);
CREATE UNIQUE INDEX conversations_pkey ON conversations (id);
CREATE UNIQUE INDEX index_conversations_on_uri ON conversations (uri) WHERE uri IS NOT NULL;
CREATE UNIQUE INDEX statuses_pkey ON statuses (id);
CREATE UNIQUE INDEX index_statuses_on_uri ON statuses (uri);
CREATE INDEX index_statuses_on_account_id_id ON statuses (account_id, id DESC);
CREATE INDEX index_statuses_on_in_reply_to_id ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX index_statuses_on_in_reply_to_account_id ON statuses (in_reply_to_account_id) WHERE in_reply_to_account_id IS NOT NULL;
CREATE UNIQUE INDEX index_statuses_on_account_id_and_reblog_of_id ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX index_statuses_on_reblog_of_id ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX index_statuses_on_conversation_id ON statuses (conversation_id) WHERE conversation_id IS NOT NULL;
CREATE UNIQUE INDEX status_stats_pkey ON status_stats (id);
CREATE UNIQUE INDEX index_status_stats_on_status_id ON status_stats (status_id);
CREATE UNIQUE INDEX media_attachments_pkey ON media_attachments (id);
CREATE UNIQUE INDEX index_media_attachments_on_shortcode ON media_attachments (shortcode) WHERE shortcode IS NOT NULL;
CREATE INDEX index_media_attachments_on_status_id ON media_attachments (status_id);
CREATE INDEX index_media_attachments_on_account_id ON media_attachments (account_id);
CREATE UNIQUE INDEX follows_pkey ON follows (id);
CREATE UNIQUE INDEX index_follows_on_account_id_and_target_account_id ON follows (account_id, target_account_id);
CREATE INDEX index_follows_on_target_account_id ON follows (target_account_id);
CREATE UNIQUE INDEX follow_requests_pkey ON follow_requests (id);
CREATE UNIQUE INDEX index_follow_requests_on_account_id_and_target_account_id ON follow_requests (account_id, target_account_id);
CREATE INDEX index_follow_requests_on_target_account_id ON follow_requests (target_account_id);
CREATE UNIQUE INDEX favourites_pkey ON favourites (id);
CREATE UNIQUE INDEX index_favourites_on_account_id_and_status_id ON favourites (account_id, status_id);
CREATE INDEX index_favourites_on_status_id ON favourites (status_id);
CREATE UNIQUE INDEX bookmarks_pkey ON bookmarks (id);
CREATE UNIQUE INDEX index_bookmarks_on_account_id_and_status_id ON bookmarks (account_id, status_id);
CREATE INDEX index_bookmarks_on_status_id ON bookmarks (status_id);
CREATE UNIQUE INDEX mentions_pkey ON mentions (id);
CREATE UNIQUE INDEX index_mentions_on_account_id_and_status_id ON mentions (account_id, status_id);
CREATE INDEX index_mentions_on_status_id ON mentions (status_id);
CREATE UNIQUE INDEX blocks_pkey ON blocks (id);
CREATE UNIQUE INDEX index_blocks_on_account_id_and_target_account_id ON blocks (account_id, target_account_id);
CREATE INDEX index_blocks_on_target_account_id ON blocks (target_account_id);
CREATE UNIQUE INDEX mutes_pkey ON mutes (id);
CREATE UNIQUE INDEX index_mutes_on_account_id_and_target_account_id ON mutes (account_id, target_account_id);
CREATE INDEX index_mutes_on_target_account_id ON mutes (target_account_id);
CREATE UNIQUE INDEX notifications_pkey ON notifications (id);
CREATE INDEX index_notifications_on_account_id_and_id_and_type ON notifications (account_id, id DESC, type);
CREATE INDEX index_notifications_on_from_account_id ON notifications (from_account_id);
CREATE INDEX index_notifications_on_activity_id_and_activity_type ON notifications (activity_id, activity_type);
CREATE UNIQUE INDEX lists_pkey ON lists (id);
CREATE INDEX index_lists_on_account_id ON lists (account_id);
CREATE UNIQUE INDEX list_accounts_pkey ON list_accounts (id);
CREATE UNIQUE INDEX index_list_accounts_on_account_id_and_list_id ON list_accounts (account_id, list_id);
CREATE INDEX index_list_accounts_on_list_id_and_account_id ON list_accounts (list_id, account_id);
CREATE INDEX index_list_accounts_on_follow_id ON list_accounts (follow_id) WHERE follow_id IS NOT NULL;
)SQL";

const char *const kForeignKeys = R"SQL(
ALTER TABLE users ADD CONSTRAINT fk_50500f500d FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE identities ADD CONSTRAINT fk_bea040f377 FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE web_settings ADD CONSTRAINT fk_11910667b2 FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE account_stats ADD CONSTRAINT fk_rails_215bb31ff1 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE statuses ADD CONSTRAINT fk_9bda1543f7 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE statuses ADD CONSTRAINT fk_rails_94a6f70399 FOREIGN KEY (in_reply_to_id) REFERENCES statuses (id) ON DELETE SET NULL;
ALTER TABLE statuses ADD CONSTRAINT fk_rails_256483a9ab FOREIGN KEY (reblog_of_id) REFERENCES statuses (id) ON DELETE CASCADE;
ALTER TABLE statuses ADD CONSTRAINT fk_c7fa917661 FOREIGN KEY (in_reply_to_account_id) REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE statuses ADD CONSTRAINT fk_rails_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE SET NULL;
ALTER TABLE status_stats ADD CONSTRAINT fk_rails_4a247aac42 FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE CASCADE;
ALTER TABLE media_attachments ADD CONSTRAINT fk_96dd81e81b FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE media_attachments ADD CONSTRAINT fk_rails_31fc5aeef1 FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE SET NULL;
ALTER TABLE follows ADD CONSTRAINT fk_32ed1b5560 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE follows ADD CONSTRAINT fk_745ca29eac FOREIGN KEY (target_account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE follow_requests ADD CONSTRAINT fk_76d644b0e7 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE follow_requests ADD CONSTRAINT fk_9291ec025d FOREIGN KEY (target_account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE favourites ADD CONSTRAINT fk_5eb6c2b873 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE favourites ADD CONSTRAINT fk_b0e856845e FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE CASCADE;
ALTER TABLE bookmarks ADD CONSTRAINT fk_rails_11207ffcfd FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE bookmarks ADD CONSTRAINT fk_rails_9f6ac182a6 FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE CASCADE;
ALTER TABLE mentions ADD CONSTRAINT fk_970d43f9d1 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE mentions ADD CONSTRAINT fk_rails_59edbe2887 FOREIGN KEY (status_id) REFERENCES statuses (id) ON DELETE CASCADE;
ALTER TABLE blocks ADD CONSTRAINT fk_4269e03e65 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE blocks ADD CONSTRAINT fk_9571bfabc1 FOREIGN KEY (target_account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE mutes ADD CONSTRAINT fk_b8d8daf315 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE mutes ADD CONSTRAINT fk_eecff219ea FOREIGN KEY (target_account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD CONSTRAINT fk_c141c8ee55 FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD CONSTRAINT fk_fbd6b0bf9e FOREIGN KEY (from_account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE lists ADD CONSTRAINT fk_rails_3853b78dac FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE list_accounts ADD CONSTRAINT fk_rails_40f9cc29f1 FOREIGN KEY (follow_id) REFERENCES follows (id) ON DELETE CASCADE;
ALTER TABLE list_accounts ADD CONSTRAINT fk_rails_85fee9d6ab FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE;
ALTER TABLE list_accounts ADD CONSTRAINT fk_rails_e54e356c88 FOREIGN KEY (list_id) REFERENCES lists (id) ON DELETE CASCADE;
)SQL";

QStringList statements(const char *script)
{
    QStringList list;
    for (const QString &statement : QString::fromUtf8(script).split(QLatin1Char(';'))) {
        if (!statement.trimmed().isEmpty())
            list << statement.trimmed();
    }
    return list;
}

/// The index builds, one group each, the costliest first so that no long build starts last: by the
/// size of the table, a text key (uri) counting three times an integer one.
QList<QStringList> largestFirst(DemoSql &sql, const QStringList &indexes)
{
    static const QRegularExpression onTable(QStringLiteral(" ON (\\w+) \\(([^)]*)"));
    QMap<QString, qint64> sizes;
    for (const auto &row : sql.run(QStringLiteral("indexes"),
             QStringLiteral("SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relkind = 'r' AND "
                            "relnamespace = 'public'::regnamespace")))
        sizes.insert(QString::fromUtf8(row[0].c_str()), row[1].as<qint64>());
    QList<QPair<qint64, QString>> weighted;
    for (const QString &index : indexes) {
        const QRegularExpressionMatch match = onTable.match(index);
        weighted.append(
            { sizes.value(match.captured(1)) * (match.captured(2) == QStringLiteral("uri") ? 3 : 1), index });
    }
    std::stable_sort(weighted.begin(), weighted.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    QList<QStringList> groups;
    for (const auto &[weight, index] : weighted)
        groups << QStringList { index };
    return groups;
}

} // namespace

void DemoSchema::createTables(DemoSql &sql)
{
    // Bare tables: every key and index is built once the rows are in (createConstraints), so no
    // index is kept up to date row by row during the load.
    sql.script(QStringLiteral("tables"), QString::fromUtf8(kTables));
}

void DemoSchema::loadWithoutKeyChecks(DemoSql &sql)
{
    // As pg_restore --disable-triggers does for a data-only restore (superuser; this session only).
    sql.script(QStringLiteral("settings"), QStringLiteral("SET session_replication_role = replica"));
}

void DemoSchema::checkKeysAgain(DemoSql &sql)
{
    sql.script(QStringLiteral("settings"), QStringLiteral("SET session_replication_role = origin"));
}

QString DemoSchema::buildSettings(DemoSql &sql)
{
    // One session per core builds; the cores are shared out between sessions, not within one. Each
    // session may sort in memory about half the largest table's size (512 MB to 2 GB): enough for the
    // ten million text keys of statuses (uri) at scale 300.
    const qint64 largest = sql.scalar(QStringLiteral("settings"),
        QStringLiteral("SELECT max(pg_relation_size(oid)) FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                       "'public'::regnamespace"));
    const qint64 megabytes = std::clamp<qint64>(largest / 2 / (1024 * 1024), 512, 2048);
    return QStringLiteral("SET maintenance_work_mem = '%1MB'; SET max_parallel_maintenance_workers = 0").arg(megabytes);
}

QList<QStringList> DemoSchema::indexBuilds(DemoSql &sql, const QStringList &busy)
{
    static const QRegularExpression named(QStringLiteral("^CREATE (?:UNIQUE )?INDEX (\\w+) ON (\\w+) "));
    QStringList existing;
    for (const auto &row : sql.run(QStringLiteral("indexes"),
             QStringLiteral(
                 "SELECT relname FROM pg_class WHERE relkind = 'i' AND relnamespace = 'public'::regnamespace")))
        existing << QString::fromUtf8(row[0].c_str());
    QStringList indexes;
    for (const QString &index : statements(kIndexes)) {
        const QRegularExpressionMatch match = named.match(index);
        if (!existing.contains(match.captured(1)) && !busy.contains(match.captured(2)))
            indexes << index;
    }
    return largestFirst(sql, indexes);
}

void DemoSchema::createConstraints(DemoSql &sql)
{
    // Index builds are the slow part; they run on as many sessions as the server has cores (those
    // of tables complete early may have been built while others were still written), and what needs
    // a table to itself is quick and runs in between.
    DemoParallel::each(sql.session().profile().conninfo, indexBuilds(sql, {}), buildSettings(sql));
    static const QRegularExpression primaryIndex(QStringLiteral("^CREATE UNIQUE INDEX (\\w+_pkey) ON (\\w+) "));
    QStringList keys;
    for (const QString &index : statements(kIndexes)) {
        const QRegularExpressionMatch match = primaryIndex.match(index);
        if (match.hasMatch())
            keys << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 PRIMARY KEY USING INDEX %2")
                        .arg(match.captured(2), match.captured(1));
    }
    // The foreign keys are not checked by a scan of their rows (32 of them, five a chain on
    // statuses, each taking the table for itself): the generator makes every reference point at a
    // row that exists, which tst_demo checks for every key of both databases. They are added NOT
    // VALID and then marked validated, the state PostgreSQL records after a successful check.
    for (const QString &key : statements(kForeignKeys))
        keys << key + QStringLiteral(" NOT VALID");
    keys << QStringLiteral("UPDATE pg_catalog.pg_constraint SET convalidated = true WHERE contype = 'f' AND "
                           "connamespace = 'public'::regnamespace AND NOT convalidated");
    sql.script(QStringLiteral("keys"), keys.join(QStringLiteral(";\n")));
    analyze(sql);
}

void DemoSchema::analyze(DemoSql &sql)
{
    DemoParallel::each(sql.session().profile().conninfo, statistics(sql), QString());
}

QList<QStringList> DemoSchema::statistics(DemoSql &sql)
{
    // One table per statement, the largest first, on one session per core (a database-wide
    // ANALYZE runs them one after another on one).
    QList<QStringList> analyses;
    for (const auto &row : sql.run(QStringLiteral("statistics"),
             QStringLiteral("SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = "
                            "'public'::regnamespace ORDER BY pg_relation_size(oid) DESC, relname")))
        analyses << QStringList {
            QStringLiteral("ANALYZE public.%1").arg(sql::quoteIdent(QString::fromUtf8(row[0].c_str())))
        };
    return analyses;
}

void DemoSchema::advanceSequences(DemoSql &sql)
{
    // Every serial column's sequence continues after the largest id, as in a real database.
    sql.script(QStringLiteral("sequences"), QStringLiteral(R"SQL(
DO $$
DECLARE s record; top bigint;
BEGIN
  FOR s IN SELECT d.refobjid::regclass AS tab, a.attname AS col, d.objid::regclass AS seq
           FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
           WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'a'
             AND d.objid IN (SELECT oid FROM pg_class WHERE relkind = 'S')
  LOOP
    EXECUTE format('SELECT max(%I) FROM %s', s.col, s.tab) INTO top;
    PERFORM setval(s.seq, coalesce(top, 0) + 1, false);
  END LOOP;
END $$)SQL"));
}

} // namespace salvage
