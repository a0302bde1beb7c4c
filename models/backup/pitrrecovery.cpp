#include "pitrrecovery.h"

#include "backup/basebackup.h"
#include "backup/bootstrapsuperuser.h"
#include "backup/pitrsource.h"
#include "core/error.h"
#include "core/process.h"
#include "core/safefilewriter.h"
#include "db/pgcluster.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <memory>
#include <optional>

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
void setAsideBackupConfiguration(const QString &dataDir)
{
    for (const char *name : { "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf", "pg_ident.conf" }) {
        const QString path = dataDir + QLatin1Char('/') + QLatin1String(name);
        if (QFileInfo::exists(path)) {
            QFile::remove(path + QStringLiteral(".salvage-orig"));
            if (!QFile::rename(path, path + QStringLiteral(".salvage-orig")))
                throw Error(QStringLiteral("Cannot set aside the backup's %1.").arg(QLatin1String(name)));
        }
    }
}

/// A hot standby refuses to run with fewer connections, workers, senders, prepared transactions or
/// locks than the primary had: the values pg_control recorded, where they exceed our defaults.
QByteArray hotStandbyMinimums(const QString &binDir, const QString &dataDir)
{
    const ProcessResult control = runProcess({ binDir + QStringLiteral("/pg_controldata"), { dataDir },
        runningAsRoot() ? QStringLiteral("postgres") : QString() });
    QByteArray lines;
    const QList<std::pair<QString, QString>> settings { { QStringLiteral("max_connections"),
                                                            QStringLiteral("max_connections") },
        { QStringLiteral("max_worker_processes"), QStringLiteral("max_worker_processes") },
        { QStringLiteral("max_wal_senders"), QStringLiteral("max_wal_senders") },
        { QStringLiteral("max_prepared_xacts"), QStringLiteral("max_prepared_transactions") },
        { QStringLiteral("max_locks_per_xact"), QStringLiteral("max_locks_per_transaction") } };
    for (const auto &[shown, setting] : settings) {
        const QRegularExpression line(
            QStringLiteral("^%1 setting:\\s+(\\d+)").arg(shown), QRegularExpression::MultilineOption);
        int value = line.match(control.output).captured(1).toInt();
        if (setting == QLatin1String("max_connections"))
            value = std::max(value, 60); // what managedSettings() asks for
        if (value > 0 || setting == QLatin1String("max_prepared_transactions"))
            lines += QStringLiteral("%1 = %2\n").arg(setting, QString::number(value)).toUtf8();
    }
    return lines;
}

/// Salvage's own configuration for replay to request.target (written afresh for every target).
void writeRecoveryConfiguration(
    const PgCluster &cluster, const PitrRecovery::Request &request, const QString &binDir, const QString &dataDir)
{
    const QString restoreCommand = request.source->restoreCommand(dataDir);
    QByteArray conf = "# Written by Salvage for point-in-time recovery; the backup's own files are *.salvage-orig.\n";
    conf += cluster.managedSettings();
    conf += "archive_mode = off\n"
            "shared_preload_libraries = ''\n"
            "recovery_target_timeline = 'latest'\n";
    if (request.pauseAtTarget) // paused, it answers read-only queries and can replay further later
        conf += "hot_standby = on\nrecovery_target_action = 'pause'\n" + hotStandbyMinimums(binDir, dataDir);
    else
        conf += "hot_standby = off\nrecovery_target_action = 'promote'\n";
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
    bool ready = false; ///< promoted and accepting connections
    bool paused = false; ///< recovery_target_action = pause reached

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
        } else if (line.contains(QLatin1String("pausing at the end of recovery"))) {
            paused = true;
        }
    }

    QString m_path;
    qint64 m_offset = 0;
    QByteArray m_pending;
};

/// Replay ends in a promoted cluster whose roles are the source's: give Salvage its own superuser,
/// through single-user mode (which needs no role to log in as). Needs the server stopped.
void addSalvageRoleSingleUser(const PgCluster &cluster, const QString &binDir)
{
    const QString role = cluster.superuser();
    const QByteArray statement = QStringLiteral(
        "DO $salvage$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %1) THEN CREATE ROLE %2 SUPERUSER "
        "LOGIN; ELSE ALTER ROLE %2 SUPERUSER LOGIN; END IF; END $salvage$;\n")
                                     .arg(sql::quoteLiteral(role), sql::quoteIdent(role))
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

/// The same while the promoted server runs, logged in (trust, private socket: Salvage's own
/// pg_hba) as the backup's bootstrap superuser. False when that role cannot log in (replay renamed
/// it, or it is NOLOGIN) or cannot create roles: then the caller falls back to single-user mode.
bool addSalvageRoleOnline(const PgCluster &cluster, const QString &bootstrapRole)
{
    if (bootstrapRole.isEmpty())
        return false;
    const QString conninfo
        = cluster.conninfo(QStringLiteral("template1"), bootstrapRole) + QStringLiteral(" connect_timeout=10");
    const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(
        PQconnectdb(conninfo.toUtf8().constData()), &PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK)
        return false;
    try {
        const PgRaw server(connection.get());
        const QString role = cluster.superuser();
        const bool exists
            = PgRaw::rows(server.exec(QStringLiteral("SELECT FROM pg_roles WHERE rolname = $1"), { role })) > 0;
        server.exec(QStringLiteral("%1 ROLE %2 SUPERUSER LOGIN")
                        .arg(exists ? QStringLiteral("ALTER") : QStringLiteral("CREATE"), sql::quoteIdent(role)));
    } catch (const Error &) { // e.g. the role lost SUPERUSER during replay: single-user mode can still do it
        return false;
    }
    return true;
}

QStringList databasesOf(const PgCluster &cluster, const QString &role)
{
    PGconn *connection = PQconnectdb(cluster.conninfo(QStringLiteral("template1"), role).toUtf8().constData());
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

/// What a paused recovery needs to be continued, next to its data (removed with it).
struct PausedRecovery
{
    QString source; ///< PitrSource::describe()
    PitrTarget target;
    QString role;
    QString startWalFile;
    QDateTime baseBackupStarted;

    static QString path(const QString &dataDir) { return dataDir + QStringLiteral("/salvage-pitr.json"); }

    void save(const QString &dataDir) const
    {
        const QJsonObject state { { QStringLiteral("source"), source },
            { QStringLiteral("targetKind"), target.settingName() }, { QStringLiteral("target"), target.value },
            { QStringLiteral("role"), role }, { QStringLiteral("startWalFile"), startWalFile },
            { QStringLiteral("baseBackupStarted"), baseBackupStarted.toString(Qt::ISODateWithMs) } };
        SafeFileWriter::save(path(dataDir), QJsonDocument(state).toJson(), SafeFileWriter::Existing::Replace);
    }

    /// Nothing when the directory holds no paused recovery Salvage made (or a promoted one).
    static std::optional<PausedRecovery> load(const QString &dataDir)
    {
        QFile file(path(dataDir));
        if (!file.open(QIODevice::ReadOnly) || !QFileInfo::exists(dataDir + QStringLiteral("/recovery.signal")))
            return std::nullopt;
        const QJsonObject state = QJsonDocument::fromJson(file.readAll()).object();
        const QList<std::pair<QString, PitrTarget (*)(const QString &)>> kinds {
            { QStringLiteral("recovery_target_time"), &PitrTarget::time },
            { QStringLiteral("recovery_target_xid"), &PitrTarget::xid },
            { QStringLiteral("recovery_target_lsn"), &PitrTarget::lsn },
            { QStringLiteral("recovery_target_name"), &PitrTarget::name }
        };
        PausedRecovery paused;
        paused.source = state.value(QStringLiteral("source")).toString();
        paused.role = state.value(QStringLiteral("role")).toString();
        paused.startWalFile = state.value(QStringLiteral("startWalFile")).toString();
        paused.baseBackupStarted
            = QDateTime::fromString(state.value(QStringLiteral("baseBackupStarted")).toString(), Qt::ISODateWithMs);
        try {
            for (const auto &[setting, make] : kinds)
                if (state.value(QStringLiteral("targetKind")).toString() == setting)
                    paused.target = make(state.value(QStringLiteral("target")).toString());
        } catch (const Error &) {
            return std::nullopt;
        }
        if (paused.role.isEmpty() || paused.target.value.isEmpty())
            return std::nullopt;
        return paused;
    }
};

/// "0/3000060" → a number that orders WAL positions.
quint64 lsnValue(const QString &lsn)
{
    return (lsn.section(QLatin1Char('/'), 0, 0).toULongLong(nullptr, 16) << 32)
        | lsn.section(QLatin1Char('/'), 1, 1).toULongLong(nullptr, 16);
}

/// Replay can only go forward: a target at or after the one reached continues, anything else (an
/// earlier one, or transaction ids and restore point names, which have no order) starts afresh.
bool reachableByContinuing(const PitrTarget &from, const PitrTarget &to)
{
    if (from.kind == PitrTarget::Kind::Time && to.kind == PitrTarget::Kind::Time)
        return to.instant >= from.instant;
    if (from.kind == PitrTarget::Kind::Lsn && to.kind == PitrTarget::Kind::Lsn)
        return lsnValue(to.value) >= lsnValue(from.value);
    return false;
}

/// Starts the configured server in request.clusterDir and follows its log until it is promoted
/// (or paused at the target); then the recovered BACKUP is running and its result is filled in.
PitrRecovery::Result replayAndOpen(const PitrRecovery::Request &request, PgCluster::Settings settings,
    const QString &startWalFile, QString role, JobControl &control)
{
    settings.waitUntilReady = false;
    PgCluster replaying(request.clusterDir, settings);
    const int total = request.source->segmentsFrom(startWalFile);
    ReplayWatcher watcher(replaying.prepareServerLog());
    replaying.start();
    QElapsedTimer sinceStart;
    sinceStart.start();
    bool seenRunning = false;
    for (;;) {
        control.throwIfCancelled();
        watcher.poll();
        control.setProgress(watcher.segments, total,
            total < 0 ? QStringLiteral("Replaying WAL to %1: %2 segments")
                            .arg(request.target.describe(), QString::number(watcher.segments))
                      : QStringLiteral("Replaying WAL to %1: %2 of at most %3 segments")
                            .arg(request.target.describe(), QString::number(watcher.segments), QString::number(total)));
        if (request.pauseAtTarget ? watcher.paused : watcher.ready)
            break;
        // A look at the lock file's process, cheap enough for every tick. `pg_ctl start -W` returns
        // before the server writes that file: no file yet is a server still starting, unless it
        // logged why it stopped.
        const bool running = replaying.isRunning();
        seenRunning = seenRunning || running;
        if (!running && (seenRunning || !watcher.fatal.isEmpty() || sinceStart.elapsed() > 30000)) {
            watcher.poll();
            throw Error(replayFailure(request, watcher));
        }
        QThread::msleep(50); // promotion is seen within 50 ms: a log read is cheap, a small recovery is ~1 s
    }

    if (!request.pauseAtTarget) {
        control.setProgress(watcher.segments, total, QStringLiteral("Promoted; adding Salvage's role"));
        // Online, as the bootstrap superuser: no stop and restart (0.3-0.4 s of a small recovery).
        if (!addSalvageRoleOnline(replaying, role)) {
            replaying.stop();
            addSalvageRoleSingleUser(replaying, settings.binDir);
            control.setProgress(watcher.segments, total, QStringLiteral("Starting the recovered BACKUP"));
            settings.waitUntilReady = true;
            PgCluster(request.clusterDir, settings).start();
        }
        role = replaying.superuser();
    }

    control.setProgress(watcher.segments, total, QStringLiteral("Listing the recovered databases"));
    PitrRecovery::Result result;
    result.databases = databasesOf(replaying, role);
    result.database = chooseDatabase(result.databases, request.database);
    result.conninfo = replaying.conninfo(result.database, role); // a paused recovery has no role of Salvage's
    result.stoppedAt = watcher.stoppedAt;
    result.stoppedAtTime = commitTimeIn(watcher.stoppedAt);
    result.segmentsReplayed = watcher.segments;
    return result;
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
        control.setProgress(0, -1, QStringLiteral("Configuring recovery to %1").arg(request.target.describe()));
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
        const QString dataDir = PgCluster(request.clusterDir, settings).dataDir();
        // Read before replay: a paused recovery is read-only and gets no role of Salvage's, and a
        // promoted one is logged into as this role to add Salvage's (single-user mode when unreadable).
        QString role;
        try {
            role = bootstrapSuperuser(dataDir);
        } catch (const Error &) {
            if (request.pauseAtTarget)
                throw;
        }
        setAsideBackupConfiguration(dataDir);
        writeRecoveryConfiguration(PgCluster(request.clusterDir, settings), request, settings.binDir, dataDir);
        Result result = replayAndOpen(request, settings, label.startWalFile, role, control);
        result.baseBackupStarted = label.startTime;
        if (request.pauseAtTarget)
            PausedRecovery { request.source->describe(), request.target, role, label.startWalFile, label.startTime }
                .save(dataDir);
        return result;
    } catch (...) {
        PgCluster(request.clusterDir).destroy();
        throw;
    }
}

PitrRecovery::Result PitrRecovery::retarget(const Request &request, JobControl &control)
{
    if (!request.source)
        throw Error(QStringLiteral("No backup source was given."));
    Request paused = request;
    paused.pauseAtTarget = true;
    const PgCluster existing(request.clusterDir);
    const std::optional<PausedRecovery> previous
        = existing.exists() ? PausedRecovery::load(existing.dataDir()) : std::nullopt;
    QString fresh;
    if (!previous)
        fresh = existing.exists() ? QStringLiteral("fresh restore: %1 holds no paused recovery").arg(request.clusterDir)
                                  : QStringLiteral("fresh restore: nothing to continue");
    else if (previous->source != request.source->describe())
        fresh = QStringLiteral("fresh restore: the paused recovery is of %1").arg(previous->source);
    else if (!reachableByContinuing(previous->target, request.target))
        fresh = previous->target.kind == request.target.kind
                && (request.target.kind == PitrTarget::Kind::Time || request.target.kind == PitrTarget::Kind::Lsn)
            ? QStringLiteral("fresh restore: the new target is earlier than %1").arg(previous->target.describe())
            : QStringLiteral("fresh restore: %1 and %2 cannot be ordered")
                  .arg(previous->target.describe(), request.target.describe());
    if (!fresh.isEmpty()) {
        // Only a paused recovery of this very source is Salvage's to replace unasked.
        if (existing.exists() && !request.replaceExisting
            && (!previous || previous->source != request.source->describe()))
            throw Error(QStringLiteral("%1 already holds a cluster; choose another directory or replace it (--force).")
                            .arg(request.clusterDir));
        paused.replaceExisting = true; // Salvage's own paused copy of this source, or asked
        Result result = recover(paused, control);
        result.howReached = fresh;
        return result;
    }

    // Continue: the same data directory, the new target; the server replays from its last restartpoint.
    try {
        PgCluster::Settings settings;
        settings.binDir = serverBinDir(BaseBackup::majorVersion(existing.dataDir()));
        PgCluster(request.clusterDir, settings).stop();
        writeRecoveryConfiguration(
            PgCluster(request.clusterDir, settings), paused, settings.binDir, existing.dataDir());
        Result result = replayAndOpen(paused, settings, previous->startWalFile, previous->role, control);
        result.baseBackupStarted = previous->baseBackupStarted;
        result.howReached = QStringLiteral("continued replay from %1 to %2")
                                .arg(previous->target.describe(), request.target.describe());
        PausedRecovery next = *previous;
        next.target = request.target;
        next.save(existing.dataDir());
        return result;
    } catch (...) {
        PgCluster(request.clusterDir).destroy();
        throw;
    }
}

} // namespace salvage
