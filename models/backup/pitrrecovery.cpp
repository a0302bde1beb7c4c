#include "pitrrecovery.h"

#include "backup/basebackup.h"
#include "backup/pitrsource.h"
#include "core/error.h"
#include "core/process.h"
#include "db/pgcluster.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

#include <libpq-fe.h>

namespace salvage {

namespace {

/// A postgresql.conf string literal.
QString confString(QString value)
{
    value.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    value.replace(QLatin1Char('\''), QStringLiteral("''"));
    return QLatin1Char('\'') + value + QLatin1Char('\'');
}

/// The server programs for the backup's major version: recovery needs the same major release.
QString serverBinDir(int major)
{
    const QString debian = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(major);
    if (QFileInfo::exists(debian + QStringLiteral("/postgres")))
        return debian;
    const QString found = PgCluster::findBinDir();
    if (!found.isEmpty()) {
        const ProcessResult version
            = runProcess({ found + QStringLiteral("/postgres"), { QStringLiteral("--version") } });
        static const QRegularExpression number(QStringLiteral("(\\d+)(\\.\\d+)?"));
        if (number.match(version.output).captured(1).toInt() == major)
            return found;
    }
    throw Error(QStringLiteral("The base backup is from PostgreSQL %1, and this machine has no server programs of "
                               "that version: install Debian's \"postgresql-%1\".")
                    .arg(major));
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()
        || !file.flush())
        throw Error(QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
}

/// The backup's own configuration would archive into the operator's archive, load libraries this
/// machine lacks and listen where it listened: it is set aside (kept as *.salvage-orig) for ours.
void writeRecoveryConfiguration(const PgCluster &cluster, const PitrRecovery::Request &request, const QString &dataDir)
{
    for (const char *name : { "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf" }) {
        const QString path = dataDir + QLatin1Char('/') + QLatin1String(name);
        if (QFileInfo::exists(path)) {
            QFile::remove(path + QStringLiteral(".salvage-orig"));
            if (!QFile::rename(path, path + QStringLiteral(".salvage-orig")))
                throw Error(QStringLiteral("Cannot set aside the backup's %1.").arg(QLatin1String(name)));
        }
    }
    const QString restoreCommand = request.source->restoreCommand(dataDir);
    QByteArray conf = "# Written by Salvage for point-in-time recovery; the backup's own files are *.salvage-orig.\n";
    conf += cluster.managedSettings();
    conf += "archive_mode = off\n"
            "shared_preload_libraries = ''\n"
            "hot_standby = off\n"
            "recovery_target_action = 'promote'\n"
            "recovery_target_timeline = 'latest'\n";
    conf += QStringLiteral("restore_command = %1\n").arg(confString(restoreCommand)).toUtf8();
    conf += QStringLiteral("%1 = %2\n").arg(request.target.settingName(), confString(request.target.value)).toUtf8();
    writeFile(dataDir + QStringLiteral("/postgresql.conf"), conf);
    writeFile(dataDir + QStringLiteral("/postgresql.auto.conf"), "");
    writeFile(dataDir + QStringLiteral("/pg_ident.conf"), "");
    // The private socket only; no TCP login at all.
    writeFile(dataDir + QStringLiteral("/pg_hba.conf"), "local all all trust\nlocal replication all trust\n");
    writeFile(dataDir + QStringLiteral("/recovery.signal"), "");
    if (runningAsRoot()) {
        const ProcessResult chown = runProcess({ QStringLiteral("chown"),
            { QStringLiteral("-R"), QStringLiteral("postgres:postgres"), dataDir }, {}, 600000 });
        if (chown.exitCode != 0)
            throw Error(QStringLiteral("Cannot hand the recovered data to the postgres user: %1").arg(chown.output));
    }
}

/// Follows the server's log while it replays: segments restored, where it stopped, what went wrong.
class ReplayWatcher
{
public:
    explicit ReplayWatcher(QString logPath)
        : m_path(std::move(logPath))
        , m_offset(QFileInfo(m_path).size())
    {
    }

    void poll()
    {
        QFile log(m_path);
        if (!log.open(QIODevice::ReadOnly) || !log.seek(m_offset))
            return;
        const QByteArray fresh = log.readAll();
        m_offset += fresh.size();
        m_pending += fresh;
        qsizetype start = 0;
        for (qsizetype end; (end = m_pending.indexOf('\n', start)) >= 0; start = end + 1)
            take(QString::fromUtf8(m_pending.mid(start, end - start)));
        m_pending.remove(0, start);
    }

    int segments = 0;
    QString lastSegment;
    QString stoppedAt;
    QStringList fatal;
    bool ready = false;

private:
    void take(const QString &line)
    {
        static const QRegularExpression restored(QStringLiteral("restored log file \"([0-9A-F]{24})\" from archive"));
        if (const auto m = restored.match(line); m.hasMatch()) {
            ++segments;
            lastSegment = m.captured(1);
        } else if (const qsizetype at = line.indexOf(QLatin1String("recovery stopping")); at >= 0) {
            stoppedAt = line.mid(at).trimmed();
        } else if (line.contains(QLatin1String("FATAL:")) || line.contains(QLatin1String("PANIC:"))) {
            fatal << line.mid(line.indexOf(QLatin1Char(':'), line.indexOf(QLatin1String("FATAL:"))) + 1).trimmed();
        } else if (line.contains(QLatin1String("database system is ready to accept connections"))) {
            ready = true;
        }
    }

    QString m_path;
    qint64 m_offset = 0;
    QByteArray m_pending;
};

/// Replay ends in a promoted cluster whose roles are the source's: give Salvage its own superuser,
/// through single-user mode (which needs no role to log in as).
void addSalvageRole(const PgCluster &cluster, const QString &binDir)
{
    const QString role = cluster.superuser();
    const QByteArray statement = QStringLiteral(
        "DO $salvage$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1') THEN CREATE ROLE %1 SUPERUSER "
        "LOGIN; ELSE ALTER ROLE %1 SUPERUSER LOGIN; END IF; END $salvage$;\n")
                                     .arg(role)
                                     .toUtf8();
    ProcessRequest single(binDir + QStringLiteral("/postgres"),
        { QStringLiteral("--single"), QStringLiteral("-D"), cluster.dataDir(), QStringLiteral("template1") },
        runningAsRoot() ? QStringLiteral("postgres") : QString(), 120000);
    single.input = statement;
    const ProcessResult result = runProcess(single);
    if (result.exitCode != 0 || result.output.contains(QLatin1String("ERROR:")))
        throw Error(
            QStringLiteral("Cannot add Salvage's role to the recovered cluster: %1").arg(result.output.trimmed()));
}

QStringList databasesOf(const PgCluster &cluster)
{
    PGconn *connection = PQconnectdb(cluster.conninfo(QStringLiteral("template1")).toUtf8().constData());
    QStringList names;
    if (PQstatus(connection) == CONNECTION_OK) {
        PGresult *result = PQexec(
            connection, "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname");
        for (int row = 0; PQresultStatus(result) == PGRES_TUPLES_OK && row < PQntuples(result); ++row)
            names << QString::fromUtf8(PQgetvalue(result, row, 0));
        PQclear(result);
    }
    const QString error = QString::fromUtf8(PQerrorMessage(connection)).trimmed();
    PQfinish(connection);
    if (names.isEmpty() && !error.isEmpty())
        throw Error(QStringLiteral("Cannot list the recovered cluster's databases: %1").arg(error));
    return names;
}

QString chooseDatabase(const QStringList &databases, const QString &wanted)
{
    if (!wanted.isEmpty()) {
        if (!databases.contains(wanted))
            throw Error(QStringLiteral("The recovered cluster has no database \"%1\"; it has: %2.")
                            .arg(wanted, databases.join(QStringLiteral(", "))));
        return wanted;
    }
    QStringList candidates = databases;
    candidates.removeAll(QStringLiteral("postgres"));
    if (candidates.size() == 1)
        return candidates.first();
    if (candidates.isEmpty() && databases.contains(QStringLiteral("postgres")))
        return QStringLiteral("postgres");
    throw Error(QStringLiteral("The recovered cluster holds several databases (%1): name one with --database.")
                    .arg(candidates.join(QStringLiteral(", "))));
}

/// "recovery stopping before commit of transaction 727, time 2026-12-03 06:10:32.398134+00" → that instant.
QDateTime commitTimeIn(const QString &stoppedAt)
{
    static const QRegularExpression time(
        QStringLiteral("time (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})(\\.\\d{1,3})?\\d*([+-]\\d{2}(:?\\d{2})?)"));
    const QRegularExpressionMatch match = time.match(stoppedAt);
    if (!match.hasMatch())
        return {};
    try {
        return PitrTarget::time(match.captured(1) + match.captured(2) + match.captured(3)).instant;
    } catch (const Error &) {
        return {};
    }
}

QString replayFailure(const PitrRecovery::Request &request, const ReplayWatcher &watcher)
{
    QString reason
        = watcher.fatal.isEmpty() ? QStringLiteral("the server stopped") : watcher.fatal.join(QStringLiteral("; "));
    QString hint;
    if (reason.contains(QLatin1String("before configured recovery target was reached")))
        hint = watcher.lastSegment.isEmpty()
            ? QStringLiteral(" No WAL segment could be restored from %1.").arg(request.source->describe())
            : QStringLiteral(" The archive ends, or a segment is missing, after %1.").arg(watcher.lastSegment);
    return QStringLiteral("Recovery to %1 failed: %2.%3").arg(request.target.describe(), reason, hint);
}

} // namespace

PitrRecovery::Result PitrRecovery::recover(const Request &request, JobControl &control)
{
    if (!request.source)
        throw Error(QStringLiteral("No backup source was given."));
    PgCluster scratch(request.clusterDir);
    if (scratch.exists() || QFileInfo::exists(scratch.dataDir())) {
        if (!request.replaceExisting)
            throw Error(QStringLiteral("%1 already holds a cluster; choose another directory or replace it (--force).")
                            .arg(request.clusterDir));
        scratch.destroy();
    }
    scratch.prepareDataDirectory();
    // From here on a failure or cancel leaves nothing behind.
    try {
        request.source->placeBase(scratch.dataDir(), request.target, control);
        const int major = BaseBackup::majorVersion(scratch.dataDir());
        const BaseBackup::Label label = BaseBackup::readLabel(scratch.dataDir());
        if (request.target.kind == PitrTarget::Kind::Time && label.startTime.isValid()
            && request.target.instant < label.startTime)
            throw Error(QStringLiteral("The target %1 is before the base backup began (%2 UTC): recovery can only go "
                                       "forward from a base backup; use an older one.")
                            .arg(request.target.describe(), label.startTime.toString(Qt::ISODate)));
        request.source->checkPlaced(scratch.dataDir(), label);

        PgCluster::Settings settings;
        settings.binDir = serverBinDir(major);
        settings.waitUntilReady = false;
        PgCluster replaying(request.clusterDir, settings);
        writeRecoveryConfiguration(replaying, request, replaying.dataDir());

        const int total = request.source->segmentsFrom(label.startWalFile);
        ReplayWatcher watcher(replaying.prepareServerLog());
        replaying.start();
        for (int tick = 0;; ++tick) {
            control.throwIfCancelled();
            watcher.poll();
            control.setProgress(watcher.segments, total,
                total < 0 ? QStringLiteral("Replaying WAL to %1: %2 segments")
                                .arg(request.target.describe())
                                .arg(watcher.segments)
                          : QStringLiteral("Replaying WAL to %1: %2 of at most %3 segments")
                                .arg(request.target.describe())
                                .arg(watcher.segments)
                                .arg(total));
            if (watcher.ready)
                break;
            if (tick % 5 == 4 && !replaying.isRunning()) {
                watcher.poll();
                throw Error(replayFailure(request, watcher));
            }
            QThread::msleep(200);
        }

        control.setProgress(watcher.segments, total, QStringLiteral("Promoted; adding Salvage's role"));
        replaying.stop();
        addSalvageRole(replaying, settings.binDir);
        control.setProgress(watcher.segments, total, QStringLiteral("Starting the recovered BACKUP"));
        settings.waitUntilReady = true;
        PgCluster recovered(request.clusterDir, settings);
        recovered.start();

        control.setProgress(watcher.segments, total, QStringLiteral("Listing the recovered databases"));
        Result result;
        result.databases = databasesOf(recovered);
        result.database = chooseDatabase(result.databases, request.database);
        result.conninfo = recovered.conninfo(result.database);
        result.stoppedAt = watcher.stoppedAt;
        result.stoppedAtTime = commitTimeIn(watcher.stoppedAt);
        result.baseBackupStarted = label.startTime;
        result.segmentsReplayed = watcher.segments;
        return result;
    } catch (...) {
        PgCluster(request.clusterDir).destroy();
        throw;
    }
}

} // namespace salvage
