#include "demofunctions.h"

#include "demo/demosql.h"

#include <QMap>

namespace salvage {

namespace {

// Function bodies cannot take bound parameters, so the few numbers they need (all computed here
// from integers, never from input text) are written into them.
const char *const kFunctions = R"SQL(
CREATE FUNCTION pg_temp.r(stream int, i bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ((hashint8extended(i, {SEED}::bigint * 1000003 + stream) >> 11) & 9007199254740991)::float8 / 9007199254740992.0 $$;
CREATE FUNCTION pg_temp.pick(choices text[], stream int, i bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT choices[1 + floor(pg_temp.r(stream, i) * cardinality(choices))::int] $$;
CREATE FUNCTION pg_temp.ts(ms bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT timestamp '1970-01-01 00:00:00' + ms * interval '1 millisecond' $$;
CREATE FUNCTION pg_temp.tstz(ms bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT timestamptz '1970-01-01 00:00:00+00' + ms * interval '1 millisecond' $$;

CREATE FUNCTION pg_temp.acc_local(k bigint) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT pg_temp.r(1, k) < 0.35 $$;
CREATE FUNCTION pg_temp.acc_base(k bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT pg_temp.pick('{amelie,bruno,chidi,dana,elif,farah,gustav,hana,ivo,jun,kemal,lena,mateo,noor,olu,priya,quinn,rosa,sami,tomas,uma,vera,wen,xavier,yara,zeno,aiko,bilal,carmen,dmitri,esther,fatima,goran,hamid,ines,jonas,keiko,lucia,moshe,nadia}'::text[], 5, k) || k::text $$;
CREATE FUNCTION pg_temp.acc_name(k bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_temp.r(3, k) < 0.1 THEN initcap(pg_temp.acc_base(k)) ELSE pg_temp.acc_base(k) END $$;
CREATE FUNCTION pg_temp.acc_domain(k bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_temp.acc_local(k) THEN NULL
          ELSE pg_temp.pick('{mastodon.example.net,{REMOTE},toot.example.com,chaos.example.social,mstdn.example.jp}'::text[], 4, k) END $$;
CREATE FUNCTION pg_temp.acc_ms(k bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT {HS}::bigint - 86400000 + floor((k - 1 + pg_temp.r(6, k)) * {ASTEP}::float8)::bigint $$;
CREATE FUNCTION pg_temp.acc_uri(k bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT 'https://' || coalesce(pg_temp.acc_domain(k), '{LOCAL}') || '/users/' || pg_temp.acc_name(k) $$;
CREATE FUNCTION pg_temp.ip(k bigint) RETURNS inet LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN pg_temp.r(7, k) < 0.3 THEN ('2001:db8:' || to_hex(k % 65536) || '::' || to_hex((k * 7919) % 65536))::inet
          ELSE (pg_temp.pick('{192.0.2,198.51.100,203.0.113}'::text[], 8, k) || '.' || (1 + k % 250))::inet END $$;

CREATE FUNCTION pg_temp.follow_count(a bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT floor(30 * pg_temp.r(30, a) ^ 2)::int $$;
CREATE FUNCTION pg_temp.follow_target(a bigint, k int) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (a - 1 + k * (1 + floor(pg_temp.r(31, a) * greatest(0, ({NA} - 1) / greatest(pg_temp.follow_count(a), 1) - 1))::bigint)) % {NA} + 1 $$;

-- Each parameter is used once where callers pass expressions: PostgreSQL only inlines a SQL
-- function when that holds, and an inlined formula is many times faster than a function call.
CREATE FUNCTION pg_temp.status_base(i bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT width_bucket(pg_temp.r(10, i), '{0.62,0.85}'::float8[]) $$;
CREATE FUNCTION pg_temp.status_parent(i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT i - 1 - floor(pg_temp.r(11, i) * least(i - 1, 5000))::bigint $$;
-- 0 = post, 1 = reply, 2 = reblog; never a reply to or a reblog of a reblog.
CREATE FUNCTION pg_temp.status_kind(i bigint) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN i <= 1 OR pg_temp.status_base(i) = 0 OR pg_temp.status_base(pg_temp.status_parent(i)) = 2 THEN 0
          ELSE pg_temp.status_base(i) END $$;
CREATE FUNCTION pg_temp.status_ms(i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE WHEN i <= {N} THEN {HS}::bigint + floor((i - 1 + pg_temp.r(13, i)) * {STEP}::float8)::bigint
          ELSE {T0}::bigint + floor((i - {N} - 1 + pg_temp.r(13, i)) * {PSTEP}::float8)::bigint END $$;
-- Mastodon's snowflake ids: milliseconds in the high bits, a sequence in the low 16.
CREATE FUNCTION pg_temp.status_id_at(ms bigint, i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ms << 16) | (i & 65535) $$;
CREATE FUNCTION pg_temp.status_id(i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT pg_temp.status_id_at(pg_temp.status_ms(i), i) $$;
CREATE FUNCTION pg_temp.status_account(i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT 1 + floor(CASE WHEN i <= {N} THEN least({NA}, greatest(1, floor((i - 1) * {NA}::float8 / (0.7 * {N}))))
                         ELSE {NA} END * pg_temp.r(12, i) ^ 1.6)::bigint $$;
-- The text of a post or reply (a reblog's text is empty): a sentence, a tail, sometimes a P.S. The
-- separators are part of the choices, so a text is one or two concatenations, not five.
CREATE FUNCTION pg_temp.status_body(i bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT pg_temp.pick(ARRAY['Just moved my instance 🦣', 'He said "it''s fine" — it wasn''t.', 'مرحبا بالجميع، صباح الخير',
      'שלום לכולם! יום טוב', 'Kaffee ☕ und Regen 🌧️ in Berlin', E'line one\nline two', 'naïve café résumé — straße',
      '<p>Remote &amp; <a href="https://example.net/">HTML</a></p>', 'Does anyone know why my timeline is empty? 🤔',
      'TIL: ON DELETE CASCADE is very thorough 😅', '🏳️‍🌈✨ Happy Friday! ✨', '日本語のテキストも大丈夫です',
      'a ''single'' and a "double" quote, a tab	and a backslash \ too', 'Read the docs. Then read them again.'], 14, i)
    || CASE WHEN pg_temp.r(16, i) < 0.15
            THEN pg_temp.pick(ARRAY[' (thread 🧵)', ' Thoughts?', ' אני מסכים', ' هذا رائع', ' #fediverse', ' #postgres', ' 🙂', ' …'], 15, i)
                 || pg_temp.pick(ARRAY[E'\n\nP.S. "quotes" survive?', E'\n\nsecond\nparagraph', E'\n\nبالتوفيق', E'\n\n🎉🎉🎉'], 17, i)
            ELSE pg_temp.pick(ARRAY[' (thread 🧵)', ' Thoughts?', ' אני מסכים', ' هذا رائع', ' #fediverse', ' #postgres', ' 🙂', ' …'], 15, i) END $$;
)SQL";

} // namespace

void DemoFunctions::install(DemoSql &sql, const DemoParameters &p)
{
    const qint64 history = DemoParameters::backupMs() - DemoParameters::historyStartMs();
    const qint64 postWindow = DemoParameters::incidentMs() - DemoParameters::backupMs() - 120000;
    const QMap<QString, QString> values {
        { QStringLiteral("{SEED}"), QString::number(p.seed) },
        { QStringLiteral("{NA}"), QString::number(p.accounts()) },
        { QStringLiteral("{N}"), QString::number(p.statuses()) },
        { QStringLiteral("{HS}"), QString::number(DemoParameters::historyStartMs()) },
        { QStringLiteral("{T0}"), QString::number(DemoParameters::backupMs()) },
        { QStringLiteral("{STEP}"), QString::number(double(history) / double(p.statuses()), 'f', 6) },
        { QStringLiteral("{PSTEP}"), QString::number(double(postWindow) / double(p.newStatuses()), 'f', 6) },
        { QStringLiteral("{ASTEP}"), QString::number(0.7 * double(history) / double(p.accounts()), 'f', 6) },
        { QStringLiteral("{LOCAL}"), DemoParameters::localDomain() },
        { QStringLiteral("{REMOTE}"), DemoParameters::remoteDomain() },
    };
    // Every session that generates rows installs the functions. Its statements are large but run
    // once per chunk: compiling them (JIT) cost 13 % more server CPU than it saved (measured).
    // A chunk's temporary values table stays in memory (the default 8 MB would spill it to disk);
    // this must be set before the session's first temporary table.
    QString script = QStringLiteral("SET jit = off;\nSET temp_buffers = '128MB';\n") + QString::fromUtf8(kFunctions);
    for (auto it = values.begin(); it != values.end(); ++it)
        script.replace(it.key(), it.value());
    sql.script(QStringLiteral("functions"), script);
}

} // namespace salvage
