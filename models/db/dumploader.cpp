#include "dumploader.h"

#include "core/error.h"
#include "core/inputfile.h"
#include "db/pgcluster.h"
#include "jobs/cancellableprocess.h"
#include "jobs/jobcontrol.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace salvage {

namespace {

QString lastLines(const QString &text, int count)
{
    QStringList lines = text.trimmed().split(QLatin1Char('\n'));
    return lines.mid(qMax(0, int(lines.size()) - count)).join(QLatin1Char(' '));
}

int tocEntries(const QString &tool, const QString &dumpPath)
{
    QProcess list;
    list.start(tool, { QStringLiteral("-l"), dumpPath });
    list.waitForFinished(120000);
    int entries = 0;
    for (const QByteArray &line : list.readAllStandardOutput().split('\n')) {
        if (!line.isEmpty() && !line.startsWith(';'))
            ++entries;
    }
    return entries;
}

/// Feeds a plain SQL dump to psql line by line, as pg_restore --no-owner --no-privileges would
/// load an archive: whole-line ALTER … OWNER TO, GRANT and REVOKE statements outside COPY data
/// become empty lines (the scratch cluster has not the source's roles; line numbers stay true).
/// Also tells whether the script is a pg_dump script that reached its closing line.
class PlainDumpFeed
{
public:
    QByteArray take(const char *data, qsizetype size, bool atEnd)
    {
        m_pending.append(data, size);
        QByteArray out;
        qsizetype start = 0;
        for (qsizetype end; (end = m_pending.indexOf('\n', start)) >= 0; start = end + 1)
            out += filtered(m_pending.mid(start, end - start)) + '\n';
        m_pending.remove(0, start);
        if (atEnd && !m_pending.isEmpty()) {
            out += filtered(m_pending);
            m_pending.clear();
        }
        return out;
    }
    /// A script pg_dump wrote ("-- PostgreSQL database dump") that lacks its last line was cut short.
    bool isTruncatedDump() const { return m_fromPgDump && !m_complete; }
    qint64 lines() const { return m_lines; }

private:
    QByteArray filtered(const QByteArray &line)
    {
        ++m_lines;
        if (m_lines <= 5 && line.startsWith("-- PostgreSQL database dump"))
            m_fromPgDump = true;
        if (line.startsWith("-- PostgreSQL database dump complete"))
            m_complete = true;
        if (m_inCopy) {
            if (line == "\\." || line == "\\.\r")
                m_inCopy = false;
            return line;
        }
        if (line.startsWith("COPY ") && line.trimmed().endsWith("FROM stdin;"))
            m_inCopy = true;
        static const QRegularExpression ownershipOrPrivileges(QStringLiteral(
            "^(ALTER [^;]* OWNER TO [^;]*|GRANT [^;]*|REVOKE [^;]*|ALTER DEFAULT PRIVILEGES [^;]*);\\s*$"));
        if (line.startsWith("ALTER ") || line.startsWith("GRANT ") || line.startsWith("REVOKE ")) {
            if (ownershipOrPrivileges.match(QString::fromUtf8(line)).hasMatch())
                return {};
        }
        return line;
    }

    QByteArray m_pending;
    qint64 m_lines = 0;
    bool m_inCopy = false;
    bool m_fromPgDump = false;
    bool m_complete = false;
};

/// "line N: ERROR: …" of psql's first error ("psql:<stdin>:N: ERROR:  …"), or "".
QString firstPsqlError(const QString &errors)
{
    static const QRegularExpression psqlError(
        QStringLiteral("^psql:[^\\n]*?:(\\d+): (?:ERROR|FATAL):\\s*(.*)$"), QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = psqlError.match(errors);
    if (!match.hasMatch())
        return {};
    return QStringLiteral("line %1: %2").arg(match.captured(1), match.captured(2).trimmed());
}

} // namespace

DumpLoader::Format DumpLoader::detect(const QString &path)
{
    if (!InputFile::problem(path, InputFile::Kind::RegularFileOrDirectory).isEmpty())
        return Format::Unknown; // never opens a FIFO or a device (it would block or never end)
    const QFileInfo info(path);
    if (info.isDir())
        return QFileInfo::exists(path + QStringLiteral("/toc.dat")) ? Format::Directory : Format::Unknown;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Format::Unknown;
    const QByteArray head = file.read(512);
    if (head.startsWith("PGDMP"))
        return Format::Custom;
    if (head.size() >= 2 && uchar(head[0]) == 0x1f && uchar(head[1]) == 0x8b)
        return Format::GzipSql;
    if (head.size() >= 262 && head.mid(257, 5) == "ustar")
        return Format::Tar;
    if (head.contains("PostgreSQL database dump") || head.contains("SET ") || head.contains("CREATE ")
        || head.startsWith("--"))
        return Format::PlainSql;
    return Format::Unknown;
}

QString DumpLoader::formatName(Format format)
{
    switch (format) {
    case Format::Custom:
        return QStringLiteral("pg_dump custom archive");
    case Format::Directory:
        return QStringLiteral("pg_dump directory archive");
    case Format::Tar:
        return QStringLiteral("pg_dump tar archive");
    case Format::PlainSql:
        return QStringLiteral("plain SQL dump");
    case Format::GzipSql:
        return QStringLiteral("gzipped SQL dump");
    case Format::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString DumpLoader::databaseNameFor(const QString &dumpPath)
{
    QString base = QFileInfo(dumpPath).fileName().section(QLatin1Char('.'), 0, 0).toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9_]+")), QStringLiteral("_"));
    return QStringLiteral("backup_") + base.left(40);
}

DumpLoader::Result DumpLoader::load(
    const QString &dumpPath, const QString &clusterDir, const QString &database, JobControl &control)
{
    InputFile::require(dumpPath, QStringLiteral("the dump"), InputFile::Kind::RegularFileOrDirectory);
    const Format format = detect(dumpPath);
    if (format == Format::Unknown)
        throw Error(QStringLiteral("%1 is not a pg_dump archive or SQL script.").arg(dumpPath));

    control.setProgress(0, -1, QStringLiteral("starting the scratch cluster"));
    PgCluster cluster(clusterDir);
    cluster.start();
    cluster.createDatabase(database, true);
    const QString conninfo = cluster.conninfo(database);
    const QString bin = PgCluster::findBinDir();
    Result result { conninfo, database, {} };

    auto dropPartial = [&]() {
        try {
            cluster.createDatabase(database, true); // leaves an empty database, never a half-filled one
        } catch (...) {
        }
    };

    try {
        QProcess process;
        QString errors;
        if (format == Format::PlainSql || format == Format::GzipSql) {
            // psql reads the script from us, so progress is the share of the file fed so far. One
            // transaction that stops at the first error: a failed load leaves nothing behind.
            process.start(bin + QStringLiteral("/psql"),
                { QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                    QStringLiteral("--single-transaction"), QStringLiteral("-f"), QStringLiteral("-"),
                    QStringLiteral("-d"), conninfo });
            if (!process.waitForStarted())
                throw Error(QStringLiteral("Cannot run psql from %1.").arg(bin));
            gzFile input = gzopen(QFile::encodeName(dumpPath).constData(), "rb");
            if (!input)
                throw Error(
                    QStringLiteral("Cannot read %1: %2.").arg(dumpPath, QString::fromLocal8Bit(std::strerror(errno))));
            const auto stopPsql = [&]() { // before its stdin ends, so it never commits
                process.kill();
                process.waitForFinished(5000);
            };
            const qint64 total = QFileInfo(dumpPath).size();
            PlainDumpFeed feed;
            QByteArray buffer(1 << 20, Qt::Uninitialized);
            while (true) {
                const int read = gzread(input, buffer.data(), unsigned(buffer.size()));
                int status = Z_OK;
                const char *reason = gzerror(input, &status);
                if (read < 0 || (status != Z_OK && status != Z_STREAM_END)) {
                    // zlib reports a cut-off stream ("unexpected end of file") and bad data here.
                    const QString why = QString::fromUtf8(status == Z_ERRNO ? std::strerror(errno) : reason);
                    gzclose(input);
                    stopPsql();
                    const QString at = feed.lines() == 0 ? QStringLiteral("before its first line ends")
                                                         : QStringLiteral("after line %1").arg(feed.lines());
                    throw Error(QStringLiteral(
                        "Loading %1 stopped: the compressed data is damaged %2 (%3); nothing was loaded.")
                                    .arg(dumpPath, at, why));
                }
                const QByteArray lines = feed.take(buffer.constData(), qMax(read, 0), read <= 0);
                process.write(lines);
                while (process.bytesToWrite() > (4 << 20) && process.state() == QProcess::Running)
                    process.waitForBytesWritten(100);
                errors += QString::fromUtf8(process.readAllStandardError());
                process.readAllStandardOutput();
                control.setProgress(gzoffset(input), total, QStringLiteral("loading SQL"));
                if (control.isCancelled()) {
                    gzclose(input);
                    stopPsql();
                    throw Cancelled();
                }
                if (read <= 0)
                    break;
            }
            gzclose(input);
            if (feed.isTruncatedDump()) {
                stopPsql();
                throw Error(QStringLiteral(
                    "Loading %1 stopped: the dump is cut short — it ends at line %2 without pg_dump's closing "
                    "line; nothing was loaded.")
                                .arg(dumpPath, QString::number(feed.lines())));
            }
            process.closeWriteChannel();
            waitCancellable(process, control, [&]() {
                errors += QString::fromUtf8(process.readAllStandardError());
                process.readAllStandardOutput();
            });
            if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
                const QString first = firstPsqlError(errors);
                throw Error(QStringLiteral("Loading %1 stopped at %2; nothing was loaded.")
                                .arg(dumpPath, first.isEmpty() ? lastLines(errors, 2) : first));
            }
        } else {
            const int entries = tocEntries(bin + QStringLiteral("/pg_restore"), dumpPath);
            QStringList arguments { QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"),
                QStringLiteral("--verbose"), QStringLiteral("-d"), conninfo };
            if (format != Format::Tar)
                arguments << QStringLiteral("--jobs=2");
            arguments << dumpPath;
            process.start(bin + QStringLiteral("/pg_restore"), arguments);
            if (!process.waitForStarted())
                throw Error(QStringLiteral("Cannot run pg_restore from %1.").arg(bin));
            int processed = 0;
            waitCancellable(process, control, [&]() {
                const QString chunk = QString::fromUtf8(process.readAllStandardError());
                processed
                    += int(chunk.count(QLatin1String("processing item")) + chunk.count(QLatin1String("creating ")));
                errors += chunk;
                control.setProgress(qMin(processed, entries), entries, QStringLiteral("restoring"));
            });
        }
        static const QRegularExpression errorLine(
            QStringLiteral("^(?:pg_restore: error: |psql:.*ERROR:)(.*)$"), QRegularExpression::MultilineOption);
        for (auto match = errorLine.globalMatch(errors); match.hasNext();)
            result.warnings << match.next().captured(0).trimmed();
        // pg_restore exits 1 also when it skipped statements it could not run ("errors ignored on
        // restore"): those are warnings. Any other failure is the load failing.
        const bool onlyIgnored = errors.contains(QLatin1String("errors ignored on restore"));
        if (process.exitStatus() != QProcess::NormalExit || (process.exitCode() != 0 && !onlyIgnored))
            throw Error(QStringLiteral("Loading %1 stopped: %2").arg(dumpPath, lastLines(errors, 2)));
        if (errors.contains(QLatin1String("unsupported version")))
            throw Error(QStringLiteral("%1 was written by a newer pg_dump than this machine's PostgreSQL tools: %2")
                            .arg(dumpPath, lastLines(errors, 1)));
    } catch (...) {
        dropPartial();
        throw;
    }
    return result;
}

} // namespace salvage
