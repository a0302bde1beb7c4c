#include "demopitr.h"

#include "backup/pitrrecovery.h"
#include "backup/pitrsource.h"
#include "core/error.h"
#include "core/process.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "db/sqlident.h"
#include "demo/demosql.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>
#include <QTimeZone>

namespace salvage {

namespace {

QString serverUser()
{
    return runningAsRoot() ? QStringLiteral("postgres") : QString();
}

/// An empty directory only the server's user can use (a data directory's copy must be 0700, or the
/// server refuses it).
void makeEmptyServerDir(const QString &path)
{
    QDir(path).removeRecursively();
    if (!QDir().mkpath(path)
        || !QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        throw Error(QStringLiteral("Cannot create the directory %1.").arg(path));
    if (runningAsRoot()) {
        const ProcessResult owned
            = runProcess({ QStringLiteral("chown"), { QStringLiteral("postgres:postgres"), path } });
        if (owned.exitCode != 0)
            throw Error(QStringLiteral("Cannot hand %1 to the server's user: %2").arg(path, owned.output.trimmed()));
    }
}

/// Archiving that keeps nothing: WAL is recycled as without an archive (archive_mode needs a
/// restart to change, the command only a reload).
const QString kArchiveNothing = QStringLiteral("true");

} // namespace

DemoPitr::DemoPitr(PgCluster &cluster, QString demoDir)
    : m_cluster(cluster)
    , m_demoDir(std::move(demoDir))
{
}

QString DemoPitr::serverDir() const
{
    // DIR itself, or the directory under /var/tmp that holds the data when the server's user
    // cannot reach DIR (root's home).
    return QFileInfo(m_cluster.dataDir()).absolutePath();
}

QString DemoPitr::archiveDir() const
{
    return serverDir() + QStringLiteral("/wal-archive");
}

QString DemoPitr::baseBackupDir() const
{
    return serverDir() + QStringLiteral("/base-backup-t0");
}

QString DemoPitr::profileName()
{
    return QStringLiteral("Demo backup as of 1 s before the merge");
}

bool DemoPitr::hasSource() const
{
    return QFileInfo::exists(baseBackupDir() + QStringLiteral("/PG_VERSION")) && QFileInfo(archiveDir()).isDir();
}

void DemoPitr::setArchiveCommand(const QString &command)
{
    PgSession session(
        m_cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
    DemoSql sql(session);
    // ALTER SYSTEM takes no parameters: the command goes in as a quoted literal.
    sql.run(QStringLiteral("archiving"),
        QStringLiteral("ALTER SYSTEM SET archive_command = %1").arg(sql::quoteLiteral(command)));
    sql.run(QStringLiteral("archiving"), QStringLiteral("SELECT pg_reload_conf()"));
}

void DemoPitr::enableArchiving()
{
    {
        PgSession session(
            m_cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
        DemoSql sql(session);
        const pqxx::result mode = sql.run(QStringLiteral("archiving"), QStringLiteral("SHOW archive_mode"));
        if (mode[0][0].as<std::string>() != "off")
            return;
        sql.run(QStringLiteral("archiving"), QStringLiteral("ALTER SYSTEM SET archive_mode = on"));
        sql.run(QStringLiteral("archiving"),
            QStringLiteral("ALTER SYSTEM SET archive_command = %1").arg(sql::quoteLiteral(kArchiveNothing)));
    }
    m_cluster.stop();
    m_cluster.start();
}

void DemoPitr::takeBaseBackup()
{
    makeEmptyServerDir(archiveDir());
    makeEmptyServerDir(baseBackupDir());
    setArchiveCommand(QStringLiteral("test ! -f %1/%f && cp %p %1/%f").arg(restoreCommandWord(archiveDir())));
    // The archiver reads the new command on its own signal; the base backup carries the WAL up to
    // its end (-X stream), so only segments closed after it must reach the archive.
    QThread::msleep(300);
    const ProcessResult backup = runProcess({ PgCluster::findBinDir() + QStringLiteral("/pg_basebackup"),
        { QStringLiteral("-D"), baseBackupDir(), QStringLiteral("-Fp"), QStringLiteral("-X"), QStringLiteral("stream"),
            QStringLiteral("-c"), QStringLiteral("fast"), QStringLiteral("-h"), m_cluster.socketDir(),
            QStringLiteral("-p"), QString::number(m_cluster.port()), QStringLiteral("-U"), m_cluster.superuser() },
        serverUser(), 3600000 });
    if (backup.exitCode != 0)
        throw Error(QStringLiteral("The demo's base backup failed: %1").arg(backup.output.trimmed()));
}

QDateTime DemoPitr::markIncidentStart()
{
    PgSession session(
        m_cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
    DemoSql sql(session);
    const QString now = QStringLiteral("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
    const qint64 lastCommitDone = sql.scalar(QStringLiteral("incident start"), now);
    qint64 start = lastCommitDone;
    while (start < lastCommitDone + 1050) {
        QThread::msleep(quint64(lastCommitDone + 1060 - start));
        start = sql.scalar(QStringLiteral("incident start"), now);
    }
    return QDateTime::fromMSecsSinceEpoch(start, QTimeZone::utc());
}

void DemoPitr::finishArchive()
{
    {
        PgSession session(
            m_cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
        DemoSql sql(session);
        const QString last = QString::fromStdString(
            sql.run(QStringLiteral("archiving"), QStringLiteral("SELECT pg_walfile_name(pg_switch_wal())"))[0][0]
                .as<std::string>());
        for (int wait = 0; wait < 1200 && !QFileInfo::exists(archiveDir() + QLatin1Char('/') + last); ++wait)
            QThread::msleep(50);
        if (!QFileInfo::exists(archiveDir() + QLatin1Char('/') + last))
            throw Error(QStringLiteral("The demo's WAL segment %1 did not reach the archive %2 within a minute.")
                            .arg(last, archiveDir()));
    }
    setArchiveCommand(kArchiveNothing);
}

QString DemoPitr::ensureRecovered(const QDateTime &target, const QString &database)
{
    PgCluster recovered(recoveredDir());
    if (recovered.exists()) {
        recovered.start();
        return recovered.conninfo(database);
    }
    PitrRecovery::Request request;
    request.source = std::make_shared<ArchiveDirectorySource>(baseBackupDir(), archiveDir());
    request.target = PitrTarget::time(target.toUTC().toString(Qt::ISODateWithMs));
    request.clusterDir = recoveredDir();
    request.database = database;
    request.replaceExisting = true;
    JobControl control;
    return PitrRecovery::recover(request, control).conninfo;
}

void DemoPitr::removeRecovered()
{
    if (!QFileInfo::exists(recoveredDir()))
        return;
    PgCluster(recoveredDir()).destroy();
    QDir(recoveredDir()).removeRecursively();
}

} // namespace salvage
