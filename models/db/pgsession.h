#pragma once

#include "db/connectionprofile.h"
#include "db/pqxxcompat.h"

#include <QString>
#include <memory>
#include <mutex>

#include <pqxx/result>

typedef struct pg_conn PGconn;
typedef struct pg_cancel PGcancel;

namespace salvage {

/// One open PostgreSQL session with Salvage's pinned settings, used synchronously by one thread
/// (a Connection's worker, the CLI, a test). Only cancel() may be called from another thread.
class PgSession
{
public:
    struct Options
    {
        bool readOnly = true; ///< default_transaction_read_only=on, verified after connecting
        QString label; ///< "LIVE", "BACKUP", … used in error messages
        int connectTimeoutSeconds = 15;

        /// A session that may write: only for restore runs, the tests and the managed demo cluster.
        static Options writable(QString label = {}) { return { false, std::move(label), 15 }; }
    };

    /// Connects; throws salvage::Error with one clear sentence when it cannot.
    PgSession(const ConnectionProfile &profile, const QString &password, Options options);
    PgSession(const QString &conninfo, Options options);
    ~PgSession();
    PgSession(const PgSession &) = delete;
    PgSession &operator=(const PgSession &) = delete;

    pqxxcompat::Connection &connection();
    /// The libpq handle underneath, for COPY streaming and parameter status.
    PGconn *handle() const;

    /// Asks the server to cancel the statement running now. Thread-safe; never blocks for long.
    void cancel() const noexcept;

    /// Runs one statement outside an explicit transaction and returns its result.
    pqxx::result exec(const QString &statement);

    bool isReadOnly() const { return m_options.readOnly; }
    int backendPid() const;
    QString serverVersion() const; ///< "15.18"
    QString where() const; ///< "LIVE (user@host:5432/db)" for messages
    const ConnectionProfile &profile() const { return m_profile; }

    /// Settings every Salvage session pins so that both sides print values identically.
    static QString pinnedSettingsSql();

private:
    void open(const QString &password);

    ConnectionProfile m_profile;
    Options m_options;
    PGconn *m_raw = nullptr; ///< owned by m_connection; null once libpqxx has dropped it
    pqxxcompat::ConnectionPtr m_connection { nullptr, nullptr };
    mutable std::mutex m_cancelMutex;
    PGcancel *m_cancel = nullptr;
};

} // namespace salvage
