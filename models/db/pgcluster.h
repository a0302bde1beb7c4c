#pragma once

#include <QString>

namespace salvage {

/// A private PostgreSQL cluster that Salvage manages itself (tests, the demo, restored dumps):
/// initdb + pg_ctl in a directory of ours, a private socket directory, a free port, trust auth.
/// When running as root the server runs as the `postgres` user, because initdb and postgres refuse root.
class PgCluster
{
public:
    struct Settings
    {
        QString binDir; ///< empty: found with pg_config --bindir or under /usr/lib/postgresql
        bool durable = false; ///< false: fsync off, a scratch cluster that is fast to fill
        bool listenOnLoopback = true;
        /// false: start() returns once the server process is launched, for a server that replays
        /// WAL first and is watched through its log (point-in-time recovery).
        bool waitUntilReady = true;
    };

    /// `baseDir` holds the cluster; it is created when missing.
    explicit PgCluster(QString baseDir);
    PgCluster(QString baseDir, Settings settings);

    /// Runs initdb unless the cluster already exists. Throws salvage::Error.
    void initialize();
    /// The server settings every managed cluster runs with (memory, checkpoints, fsync off unless
    /// durable), as postgresql.conf lines.
    QByteArray managedSettings() const;
    /// Creates the (empty) data directory where the server's user can reach it, without initdb: for
    /// data that comes from elsewhere (a base backup). Throws salvage::Error.
    void prepareDataDirectory();
    /// Starts the server unless it already runs; waits until it accepts connections. Throws salvage::Error.
    void start();
    /// Fast shutdown, waited for; nothing when not running. `immediate` skips the checkpoint (a cluster about to be
    /// removed).
    void stop(bool immediate = false);

    /// Stops the server and deletes its data (also where a link pointed to). For throwaway clusters.
    void destroy();

    bool exists() const;
    bool isRunning() const;

    QString dataDir() const { return m_dataDir; }
    QString baseDir() const { return m_baseDir; }
    QString socketDir() const;
    int port() const;
    QString superuser() const { return QStringLiteral("salvage"); }
    QString logFile() const;
    /// Creates logFile() for the server's user and returns the log the server will write: that one,
    /// or one in the data directory when the server's user cannot reach the base directory.
    QString prepareServerLog() const;

    /// A libpq conninfo for `database` on this cluster (socket, port, superuser).
    QString conninfo(const QString &database) const;
    /// The same, logged in as `role`.
    QString conninfo(const QString &database, const QString &role) const;

    /// Creates `database` (dropping a previous one of that name when `replace`). Throws salvage::Error.
    void createDatabase(const QString &database, bool replace = true) const;

    /// The server binaries' directory on this machine, or an empty string.
    static QString findBinDir();

private:
    QString tool(const QString &name) const;
    QString serverUser() const;
    void prepareDirectory(const QString &path) const;
    void readPidFile(int *port, QString *socketDir, qint64 *pid = nullptr) const;

    QString m_baseDir;
    QString m_dataDir;
    Settings m_settings;
};

} // namespace salvage
