#include "pgcluster.h"

#include "core/error.h"
#include "core/process.h"
#include "db/sqlident.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <libpq-fe.h>
#include <limits>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace salvage {

namespace {

int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    int port = 0;
    socklen_t length = sizeof(address);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

QString shortHash(const QString &text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha1).toHex().left(12));
}

/// Where root's clusters keep their data when the server's user cannot reach the chosen directory:
/// one directory per cluster, named by shortHash() of the chosen one.
QString relocationRoot()
{
    return QStringLiteral("/var/tmp/salvage-clusters/");
}

} // namespace

PgCluster::PgCluster(QString baseDir)
    : PgCluster(std::move(baseDir), Settings {})
{
}

PgCluster::PgCluster(QString baseDir, Settings settings)
    : m_baseDir(QDir(baseDir).absolutePath())
    , m_settings(std::move(settings))
{
    m_dataDir = m_baseDir + QStringLiteral("/pgdata");
    // As root the data may live where the postgres user can reach it, behind a link (initialize()).
    const QFileInfo data(m_dataDir);
    if (data.isSymLink())
        m_dataDir = data.symLinkTarget();
}

QString PgCluster::findBinDir()
{
    const QString fromEnvironment = qEnvironmentVariable("SALVAGE_PG_BINDIR");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const ProcessResult pgConfig = runProcess({ QStringLiteral("pg_config"), { QStringLiteral("--bindir") } });
    const QString candidate = pgConfig.output.trimmed();
    if (pgConfig.exitCode == 0 && QFileInfo::exists(candidate + QStringLiteral("/initdb")))
        return candidate;
    // Debian keeps server binaries per major version; take the newest.
    QDir versions(QStringLiteral("/usr/lib/postgresql"));
    QStringList majors = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(majors.begin(), majors.end(), [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &major : majors) {
        const QString bin = versions.filePath(major) + QStringLiteral("/bin");
        if (QFileInfo::exists(bin + QStringLiteral("/initdb")))
            return bin;
    }
    const QString inPath = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    return inPath.isEmpty() ? QString() : QFileInfo(inPath).absolutePath();
}

QString PgCluster::tool(const QString &name) const
{
    QString bin = m_settings.binDir.isEmpty() ? findBinDir() : m_settings.binDir;
    if (bin.isEmpty())
        throw Error(QStringLiteral("PostgreSQL server programs (initdb, pg_ctl) were not found; install Debian's "
                                   "\"postgresql\" package or set SALVAGE_PG_BINDIR."));
    return bin + QLatin1Char('/') + name;
}

QString PgCluster::serverUser() const
{
    return runningAsRoot() ? QStringLiteral("postgres") : QString();
}

void PgCluster::prepareDirectory(const QString &path) const
{
    // A directory that was there before is changed only when it is already the server's: never
    // take over one that belongs to someone else (/tmp, say, named by a stale lock file).
    const QFileInfo before(path);
    if (before.exists()) {
        const uint owner = runningAsRoot() ? userId(serverUser()) : ::geteuid();
        if (!before.isDir() || before.ownerId() != owner)
            throw Error(QStringLiteral("%1 exists and is not the PostgreSQL server's own directory: Salvage does "
                                       "not take it over.")
                            .arg(path));
    }
    if (!QDir().mkpath(path))
        throw Error(QStringLiteral("Cannot create the directory %1.").arg(path));
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    if (runningAsRoot()) {
        const ProcessResult chown
            = runProcess({ QStringLiteral("chown"), { QStringLiteral("postgres:postgres"), path } });
        if (chown.exitCode != 0)
            throw Error(QStringLiteral("Cannot hand %1 to the postgres user: %2").arg(path, chown.output.trimmed()));
    }
}

bool PgCluster::exists() const
{
    return QFileInfo::exists(m_dataDir + QStringLiteral("/PG_VERSION"));
}

void PgCluster::initialize()
{
    if (exists())
        return;
    prepareDataDirectory();

    const ProcessResult initdb = runProcess({ tool(QStringLiteral("initdb")),
        { QStringLiteral("-D"), m_dataDir, QStringLiteral("-U"), superuser(), QStringLiteral("-A"),
            QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--no-locale"),
            QStringLiteral("--no-instructions") },
        serverUser() });
    if (initdb.exitCode != 0)
        throw Error(QStringLiteral("initdb failed: %1").arg(initdb.output.trimmed()));

    QFile conf(m_dataDir + QStringLiteral("/postgresql.conf"));
    if (!conf.open(QIODevice::Append))
        throw Error(QStringLiteral("Cannot write %1.").arg(conf.fileName()));
    const QByteArray settings = managedSettings();
    // Appended to the file initdb just made (owned by the server's user, so not replaced); checked.
    if (conf.write(settings) != settings.size() || !conf.flush())
        throw Error(QStringLiteral("Cannot write %1: %2.").arg(conf.fileName(), conf.errorString()));
}

QByteArray PgCluster::managedSettings() const
{
    QByteArray settings = "\n# Salvage-managed cluster\n"
                          "max_connections = 60\n"
                          "shared_buffers = 256MB\n"
                          "work_mem = 64MB\n"
                          "maintenance_work_mem = 256MB\n"
                          "max_wal_size = 4GB\n"
                          "checkpoint_timeout = 30min\n"
                          "logging_collector = off\n";
    if (!m_settings.durable)
        // New WAL segments are not zero-filled first: half the WAL writes of a bulk load (4 GB of
        // zeros at demo scale 300), and only a crash-safe cluster needs them.
        settings += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nwal_init_zero = off\n";
    return settings;
}

void PgCluster::prepareDataDirectory()
{
    if (!QDir().mkpath(m_baseDir))
        throw Error(QStringLiteral("Cannot create the directory %1.").arg(m_baseDir));

    if (runningAsRoot()) {
        // The server runs as postgres, which may not reach a directory under /root: keep the data
        // where it can, and leave a link in the directory the operator chose.
        const ProcessResult reach
            = runProcess({ QStringLiteral("test"), { QStringLiteral("-w"), m_baseDir }, QStringLiteral("postgres") });
        if (reach.exitCode != 0) {
            // The link, not what it points to: a link left dangling (its data deleted) is replaced.
            const QString link = m_baseDir + QStringLiteral("/pgdata");
            const QString target = relocationRoot() + shortHash(m_baseDir) + QStringLiteral("/pgdata");
            QDir().mkpath(QFileInfo(target).absolutePath());
            QFile::remove(link);
            QDir(target).removeRecursively();
            if (!QFile::link(target, link))
                throw Error(QStringLiteral("Cannot link %1 to %2.").arg(link, target));
            m_dataDir = target;
        }
    }
    prepareDirectory(m_dataDir);
}

QString PgCluster::socketDir() const
{
    // The running server's own; a lock file left by a dead one names a directory that may now be
    // anyone's.
    int port = 0;
    QString dir;
    if (isRunning())
        readPidFile(&port, &dir);
    if (!dir.isEmpty())
        return dir;
    // Unix socket paths are limited to about 100 bytes; use a short one when ours is long.
    const QString preferred = m_baseDir + QStringLiteral("/run");
    if (preferred.toUtf8().size() < 80 && !runningAsRoot())
        return preferred;
    return QStringLiteral("/tmp/salvage-") + shortHash(m_baseDir);
}

int PgCluster::port() const
{
    int port = 0;
    readPidFile(&port, nullptr);
    return port;
}

QString PgCluster::logFile() const
{
    return m_baseDir + QStringLiteral("/postgresql.log");
}

QString PgCluster::prepareServerLog() const
{
    // The log lives in the base directory; postgres must be able to write it.
    QFile log(logFile());
    if (!log.exists() && log.open(QIODevice::WriteOnly))
        log.close();
    if (runningAsRoot())
        runProcess({ QStringLiteral("chown"), { QStringLiteral("postgres:postgres"), logFile() } });
    // As root the server runs as postgres, which may still not reach the base directory.
    if (runningAsRoot()
        && runProcess({ QStringLiteral("test"), { QStringLiteral("-w"), logFile() }, serverUser() }).exitCode != 0)
        return m_dataDir + QStringLiteral("/postgresql.log");
    return logFile();
}

void PgCluster::readPidFile(int *port, QString *socketDir, qint64 *pid) const
{
    // postmaster.pid: pid, data dir, start time, port, socket directory, listen address, ...
    QFile pidFile(m_dataDir + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return;
    const QList<QByteArray> lines = pidFile.readAll().split('\n');
    if (pid)
        *pid = lines.at(0).trimmed().toLongLong();
    if (lines.size() > 3 && port)
        *port = lines.at(3).trimmed().toInt();
    if (lines.size() > 4 && socketDir)
        *socketDir = QString::fromUtf8(lines.at(4).trimmed());
}

bool PgCluster::isRunning() const
{
    if (!exists())
        return false;
    // What `pg_ctl status` decides, without starting it through runuser once a second during a
    // replay: the lock file's process is alive (negative: a single-user backend). EPERM: alive, not ours.
    qint64 pid = 0;
    readPidFile(nullptr, nullptr, &pid);
    pid = std::abs(pid);
    if (pid <= 0 || pid == ::getpid() || pid > std::numeric_limits<pid_t>::max())
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

void PgCluster::start()
{
    initialize();
    if (isRunning())
        return;
    const QString sockets = socketDir();
    prepareDirectory(sockets);
    const int port = freeLoopbackPort();
    if (port == 0)
        throw Error(QStringLiteral("No free TCP port on the loopback interface."));

    QString options
        = QStringLiteral("-p %1 -k %2 -c listen_addresses=%3")
              .arg(port)
              .arg(sockets, m_settings.listenOnLoopback ? QStringLiteral("127.0.0.1") : QStringLiteral("''"));
    const QString serverLog = prepareServerLog();
    const QStringList waiting = m_settings.waitUntilReady
        ? QStringList { QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("120") }
        : QStringList { QStringLiteral("-W") };
    const ProcessResult started = runProcess({ tool(QStringLiteral("pg_ctl")),
        QStringList { QStringLiteral("start"), QStringLiteral("-D"), m_dataDir } + waiting
            + QStringList { QStringLiteral("-l"), serverLog, QStringLiteral("-o"), options },
        serverUser(), 150000 });
    if (started.exitCode != 0) {
        QFile serverLogFile(serverLog);
        QString tail;
        if (serverLogFile.open(QIODevice::ReadOnly))
            tail = QString::fromUtf8(serverLogFile.readAll().right(600));
        throw Error(QStringLiteral("The PostgreSQL server in %1 did not start: %2 %3")
                        .arg(m_dataDir, started.output.trimmed(), tail.trimmed()));
    }
}

void PgCluster::stop(bool immediate)
{
    if (!isRunning())
        return;
    // Immediate skips the shutdown checkpoint: only for a cluster whose files are removed next.
    runProcess({ tool(QStringLiteral("pg_ctl")),
        { QStringLiteral("stop"), QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"),
            immediate ? QStringLiteral("immediate") : QStringLiteral("fast"), QStringLiteral("-w") },
        serverUser() });
}

void PgCluster::destroy()
{
    if (exists())
        stop(true);
    const QString link = m_baseDir + QStringLiteral("/pgdata");
    if (m_dataDir != link) {
        // The data was moved where the server's user can reach it, into a directory of this
        // cluster's own (/var/tmp/salvage-clusters/<hash of the base directory>); what else lies
        // there was written beside this cluster (the demo's WAL archive and base backup).
        const QString own = QFileInfo(m_dataDir).absolutePath();
        QDir(m_dataDir).removeRecursively();
        if (own.startsWith(relocationRoot()))
            QDir(own).removeRecursively();
        else
            QDir().rmdir(own);
        QFile::remove(link);
    } else {
        QDir(m_dataDir).removeRecursively();
    }
    QDir(QStringLiteral("/tmp/salvage-") + shortHash(m_baseDir)).removeRecursively();
}

QString PgCluster::conninfo(const QString &database) const
{
    return conninfo(database, superuser());
}

QString PgCluster::conninfo(const QString &database, const QString &role) const
{
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4")
        .arg(sql::quoteConninfoValue(socketDir()), QString::number(port()), sql::quoteConninfoValue(role),
            sql::quoteConninfoValue(database));
}

void PgCluster::createDatabase(const QString &database, bool replace) const
{
    PGconn *connection = PQconnectdb(conninfo(QStringLiteral("postgres")).toUtf8().constData());
    // "database … does not exist, skipping" and the like are no news for the operator.
    PQsetNoticeProcessor(
        connection, [](void *, const char *) {}, nullptr);
    auto run = [&](const QString &statement) {
        PGresult *result = PQexec(connection, statement.toUtf8().constData());
        const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
        const QString message = QString::fromUtf8(PQresultErrorMessage(result)).trimmed();
        PQclear(result);
        if (!ok)
            throw Error(QStringLiteral("Cannot create database %1: %2").arg(database, message));
    };
    try {
        if (PQstatus(connection) != CONNECTION_OK)
            throw Error(QStringLiteral("Cannot connect to the managed cluster: %1")
                            .arg(QString::fromUtf8(PQerrorMessage(connection)).trimmed()));
        if (replace)
            run(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(sql::quoteIdent(database)));
        run(QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING 'UTF8'").arg(sql::quoteIdent(database)));
    } catch (...) {
        PQfinish(connection);
        throw;
    }
    PQfinish(connection);
}

} // namespace salvage
