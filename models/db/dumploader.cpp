#include "dumploader.h"

#include "core/error.h"
#include "db/jobcontrol.h"
#include "db/pgcluster.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <zlib.h>

namespace salvage {

namespace {

QString lastLines(const QString &text, int count)
{
    QStringList lines = text.trimmed().split(QLatin1Char('\n'));
    return lines.mid(qMax(0, int(lines.size()) - count)).join(QLatin1Char(' '));
}

/// Waits for `process`, polling for cancel; kills it when cancelled.
void waitFor(QProcess &process, JobControl &control, const std::function<void()> &onOutput)
{
    while (!process.waitForFinished(100)) {
        if (process.state() == QProcess::NotRunning)
            break;
        onOutput();
        if (control.isCancelled()) {
            process.kill();
            process.waitForFinished(5000);
            throw Cancelled();
        }
    }
    onOutput();
}

int tocEntries(const QString &tool, const QString &dumpPath)
{
    QProcess list;
    list.start(tool, {QStringLiteral("-l"), dumpPath});
    list.waitForFinished(120000);
    int entries = 0;
    for (const QByteArray &line : list.readAllStandardOutput().split('\n')) {
        if (!line.isEmpty() && !line.startsWith(';'))
            ++entries;
    }
    return entries;
}

} // namespace

DumpLoader::Format DumpLoader::detect(const QString &path)
{
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

DumpLoader::Result DumpLoader::load(const QString &dumpPath, const QString &clusterDir, const QString &database,
                                    JobControl &control)
{
    const Format format = detect(dumpPath);
    if (format == Format::Unknown)
        throw Error(QStringLiteral("%1 is not a pg_dump archive or SQL script.").arg(dumpPath));

    control.setProgress(0, -1, QStringLiteral("starting the scratch cluster"));
    PgCluster cluster(clusterDir);
    cluster.start();
    cluster.createDatabase(database, true);
    const QString conninfo = cluster.conninfo(database);
    const QString bin = PgCluster::findBinDir();
    Result result{conninfo, database, {}};

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
            // psql reads the script from us, so progress is the share of the file fed so far.
            process.start(bin + QStringLiteral("/psql"), {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                                                          QStringLiteral("ON_ERROR_STOP=0"), QStringLiteral("-d"), conninfo});
            if (!process.waitForStarted())
                throw Error(QStringLiteral("Cannot run psql from %1.").arg(bin));
            gzFile input = gzopen(QFile::encodeName(dumpPath).constData(), "rb");
            if (!input)
                throw Error(QStringLiteral("Cannot read %1.").arg(dumpPath));
            const qint64 total = QFileInfo(dumpPath).size();
            QByteArray buffer(1 << 20, Qt::Uninitialized);
            while (true) {
                const int read = gzread(input, buffer.data(), unsigned(buffer.size()));
                if (read <= 0)
                    break;
                process.write(buffer.constData(), read);
                while (process.bytesToWrite() > (4 << 20))
                    process.waitForBytesWritten(100);
                errors += QString::fromUtf8(process.readAllStandardError());
                process.readAllStandardOutput();
                control.setProgress(gzoffset(input), total, QStringLiteral("loading SQL"));
                if (control.isCancelled()) {
                    gzclose(input);
                    process.kill();
                    process.waitForFinished(5000);
                    throw Cancelled();
                }
            }
            gzclose(input);
            process.closeWriteChannel();
            waitFor(process, control, [&]() {
                errors += QString::fromUtf8(process.readAllStandardError());
                process.readAllStandardOutput();
            });
        } else {
            const int entries = tocEntries(bin + QStringLiteral("/pg_restore"), dumpPath);
            QStringList arguments{QStringLiteral("--no-owner"), QStringLiteral("--no-privileges"), QStringLiteral("--verbose"),
                                  QStringLiteral("-d"), conninfo};
            if (format != Format::Tar)
                arguments << QStringLiteral("--jobs=2");
            arguments << dumpPath;
            process.start(bin + QStringLiteral("/pg_restore"), arguments);
            if (!process.waitForStarted())
                throw Error(QStringLiteral("Cannot run pg_restore from %1.").arg(bin));
            int processed = 0;
            waitFor(process, control, [&]() {
                const QString chunk = QString::fromUtf8(process.readAllStandardError());
                processed += int(chunk.count(QLatin1String("processing item")) + chunk.count(QLatin1String("creating ")));
                errors += chunk;
                control.setProgress(qMin(processed, entries), entries, QStringLiteral("restoring"));
            });
        }
        static const QRegularExpression errorLine(QStringLiteral("^(?:pg_restore: error: |psql:.*ERROR:)(.*)$"),
                                                  QRegularExpression::MultilineOption);
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
