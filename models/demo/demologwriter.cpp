#include "demologwriter.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "db/pgraw.h"
#include "demo/demoparameters.h"
#include "demo/demosql.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cstring>
#include <zlib.h>

namespace salvage {

namespace {

const char *const kNginx = R"SQL(
SELECT host(q.ip) || ' - - [' || to_char(q.at AT TIME ZONE c.tz, 'DD/Mon/YYYY:HH24:MI:SS') || ' '
       || CASE WHEN (q.at AT TIME ZONE c.tz) < (q.at AT TIME ZONE 'UTC') THEN '-' ELSE '+' END
       || to_char(abs(extract(epoch FROM (q.at AT TIME ZONE c.tz) - (q.at AT TIME ZONE 'UTC'))) * interval '1 second', 'HH24MI')
       || '] "' || q.method || ' ' || q.path || ' HTTP/1.1" ' || q.status || ' ' || q.bytes || ' "-" "' || q.agent || '"'
FROM pg_temp.demo_requests q, pg_temp.demo_render c WHERE %1
ORDER BY q.at, q.request_id
)SQL";

const char *const kRails = R"SQL(
SELECT 'I, [' || to_char(q.at AT TIME ZONE c.tz, 'YYYY-MM-DD"T"HH24:MI:SS.US') || ' #'
       || pg_temp.pick('{12,14,17,19}'::text[], 97, hashtext(q.request_id)) || ']  INFO -- : [' || q.request_id || '] '
       || 'method=' || q.method || ' path=' || q.path || ' format=' || q.format || ' controller=' || q.controller
       || ' action=' || q.action || ' status=' || q.status || ' duration=' || to_char(q.duration, 'FM999990.00')
       || ' view=' || to_char(q.view, 'FM999990.00') || ' db=' || to_char(q.db, 'FM999990.00')
       || coalesce(' key=' || q.key, '')
FROM pg_temp.demo_requests q, pg_temp.demo_render c
ORDER BY q.at, q.request_id
)SQL";

const char *const kSidekiq = R"SQL(
SELECT line FROM (
  SELECT j.at AS at, 0 AS part, j.jid,
         to_char(j.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ' pid=7 tid=' || j.tid || ' class=' || j.class
         || ' jid=' || j.jid || ' INFO: start' AS line
  FROM pg_temp.demo_jobs j
  UNION ALL
  SELECT j.at + j.elapsed * interval '1 second', 1, j.jid,
         to_char((j.at + j.elapsed * interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ' pid=7 tid=' || j.tid
         || ' class=' || j.class || ' jid=' || j.jid || ' elapsed=' || to_char(j.elapsed, 'FM990.000') || ' INFO: done'
  FROM pg_temp.demo_jobs j) l
ORDER BY at, jid, part
)SQL";

// The session's TimeZone is the server's during this query, so 'TZ' prints its abbreviation.
const char *const kPostgres = R"SQL(
SELECT CASE WHEN l.continued THEN E'\t' || l.text
            ELSE to_char(l.at, 'YYYY-MM-DD HH24:MI:SS.MS TZ') || ' [' || l.pid || '] ' || l.text END
FROM (
  SELECT g.at, g.pid, g.n, 0 AS part, m.k AS line, m.k > 1 AS continued,
         CASE WHEN m.k = 1 THEN g.severity || ':  ' || m.line ELSE m.line END AS text
  FROM pg_temp.demo_pglog g CROSS JOIN LATERAL unnest(string_to_array(g.message, E'\n')) WITH ORDINALITY m(line, k)
  UNION ALL
  SELECT g.at, g.pid, g.n, 1, 1, false, 'DETAIL:  ' || g.detail FROM pg_temp.demo_pglog g WHERE g.detail IS NOT NULL
  UNION ALL
  SELECT g.at, g.pid, g.n, 2, 1, false, 'STATEMENT:  ' || g.statement FROM pg_temp.demo_pglog g WHERE g.statement IS NOT NULL
) l
ORDER BY l.at, l.pid, l.n, l.part, l.line
)SQL";

// COPY's text format escapes backslashes and control characters; undo that.
QByteArray unescapeCopyLine(const char *data, int size)
{
    QByteArray out;
    out.reserve(size);
    for (int i = 0; i < size; ++i) {
        const char c = data[i];
        if (c != '\\' || i + 1 >= size) {
            out.append(c);
            continue;
        }
        const char next = data[++i];
        switch (next) {
        case 'n':
            out.append('\n');
            break;
        case 't':
            out.append('\t');
            break;
        case 'r':
            out.append('\r');
            break;
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'v':
            out.append('\v');
            break;
        default:
            out.append(next);
            break;
        }
    }
    return out;
}

} // namespace

QList<LogSource> DemoLogWriter::sources()
{
    const QString zone = DemoParameters::serverTimeZone();
    return {
        { QStringLiteral("logs/nginx/access.log.1.gz"), QStringLiteral("nginx (rotated)"),
            QStringLiteral("nginx-combined"), QString(), 0 },
        { QStringLiteral("logs/nginx/access.log"), QStringLiteral("nginx"), QStringLiteral("nginx-combined"), QString(),
            0 },
        { QStringLiteral("logs/mastodon/production.log"), QStringLiteral("Rails"), QStringLiteral("rails-lograge"),
            zone, 0 },
        { QStringLiteral("logs/sidekiq/sidekiq.log"), QStringLiteral("Sidekiq"), QStringLiteral("sidekiq"),
            QStringLiteral("UTC"), 0 },
        { QStringLiteral("logs/postgresql/postgresql-15-main.log"), QStringLiteral("PostgreSQL"),
            QStringLiteral("postgresql-stderr"), zone, 0 },
    };
}

void DemoLogWriter::write()
{
    m_sql.script(QStringLiteral("log settings"),
        QStringLiteral("DROP TABLE IF EXISTS pg_temp.demo_render; "
                       "CREATE TEMPORARY TABLE demo_render (tz text, rotation timestamptz)"));
    m_sql.run(QStringLiteral("log settings"),
        QStringLiteral("INSERT INTO pg_temp.demo_render VALUES ($1, pg_temp.tstz($2))"),
        DemoParameters::serverTimeZone(), DemoParameters::rotationMs());
    const QString nginx = QString::fromUtf8(kNginx);
    copyTo(QStringLiteral("nginx/access.log.1.gz"), nginx.arg(QStringLiteral("q.at < c.rotation")), true);
    copyTo(QStringLiteral("nginx/access.log"), nginx.arg(QStringLiteral("q.at >= c.rotation")), false);
    copyTo(QStringLiteral("mastodon/production.log"), QString::fromUtf8(kRails), false);
    copyTo(QStringLiteral("sidekiq/sidekiq.log"), QString::fromUtf8(kSidekiq), false);
    m_sql.run(QStringLiteral("log time zone"), QStringLiteral("SELECT set_config('TimeZone', $1, false)"),
        DemoParameters::serverTimeZone());
    copyTo(QStringLiteral("postgresql/postgresql-15-main.log"), QString::fromUtf8(kPostgres), false);
    m_sql.script(QStringLiteral("log time zone"), QStringLiteral("SET TimeZone = 'UTC'"));
}

void DemoLogWriter::copyTo(const QString &relativePath, const QString &query, bool gzip)
{
    const QString path = m_logsDir + QLatin1Char('/') + relativePath;
    QDir().mkpath(QFileInfo(path).absolutePath());
    // The demo's own log, rewritten on every build: whole or absent, like every file Salvage writes.
    SafeFileWriter file(path, SafeFileWriter::Existing::Replace);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(file.errorString());
    z_stream stream {};
    if (gzip && deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) // 16: a gzip header
        throw Error(QStringLiteral("Cannot compress %1.").arg(path));
    QByteArray out(1 << 16, Qt::Uninitialized);
    const auto deflateInto = [&](const QByteArray &bytes, int flush) {
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.constData()));
        stream.avail_in = uInt(bytes.size());
        do {
            stream.next_out = reinterpret_cast<Bytef *>(out.data());
            stream.avail_out = uInt(out.size());
            ::deflate(&stream, flush);
            file.write(out.constData(), out.size() - qsizetype(stream.avail_out)); // a failure is kept for commit()
        } while (stream.avail_out == 0);
    };

    // Stream: one row at a time from the server to the file, never the whole log in memory. The
    // file is unbuffered: rows are gathered into writes of 64 kB (a write per row was a million
    // system calls at scale 300).
    QByteArray pending;
    pending.reserve(out.size());
    try {
        PgRaw(m_sql.session().handle())
            .copyOut(
                QStringLiteral("COPY (") + query + QStringLiteral(") TO STDOUT"), [&](const char *buffer, int size) {
                    // Each row ends with '\n', which unescaping keeps; most rows have nothing to unescape.
                    const QByteArray line = std::memchr(buffer, '\\', size_t(size)) != nullptr
                        ? unescapeCopyLine(buffer, size)
                        : QByteArray::fromRawData(buffer, size);
                    if (gzip)
                        deflateInto(line, Z_NO_FLUSH);
                    else if (pending.append(line).size() >= out.size()) {
                        file.write(pending); // a failure is kept for commit()
                        pending.truncate(0);
                    }
                });
    } catch (const Error &error) {
        if (gzip)
            deflateEnd(&stream);
        throw Error(QStringLiteral("Demo (logs): cannot write %1: %2").arg(relativePath, error.message()));
    }
    if (gzip) {
        deflateInto({}, Z_FINISH);
        deflateEnd(&stream);
    }
    if (!pending.isEmpty())
        file.write(pending);
    if (!file.commit())
        throw Error(file.errorString());
}

} // namespace salvage
