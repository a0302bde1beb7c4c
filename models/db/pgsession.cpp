#include "pgsession.h"

#include "core/error.h"
#include "db/dberror.h"
#include "db/secretredactor.h"
#include "db/sqlident.h"

#include <QStringList>
#include <libpq-fe.h>
#include <pqxx/nontransaction>

namespace salvage {

namespace {

/// The operator's conninfo or URI rewritten as key=value pairs, plus a typed password and our defaults.
std::string effectiveConninfo(const QString &conninfo, const QString &password, int timeoutSeconds)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        const QString message = error ? QString::fromUtf8(error).trimmed() : QStringLiteral("out of memory");
        PQfreemem(error);
        throw Error(message);
    }
    QStringList parts;
    bool hasTimeout = false;
    for (PQconninfoOption *option = options; option->keyword; ++option) {
        if (!option->val)
            continue;
        const QString keyword = QString::fromUtf8(option->keyword);
        if (keyword == QLatin1String("password") && !password.isEmpty())
            continue;
        hasTimeout = hasTimeout || keyword == QLatin1String("connect_timeout");
        parts << keyword + QLatin1Char('=') + sql::quoteConninfoValue(QString::fromUtf8(option->val));
    }
    PQconninfoFree(options);
    if (!password.isEmpty())
        parts << QStringLiteral("password=") + sql::quoteConninfoValue(password);
    if (!hasTimeout)
        parts << QStringLiteral("connect_timeout=%1").arg(timeoutSeconds);
    parts << QStringLiteral("fallback_application_name=salvage");
    return parts.join(QLatin1Char(' ')).toStdString();
}

} // namespace

PgSession::PgSession(const ConnectionProfile &profile, const QString &password, Options options)
    : m_profile(profile)
    , m_options(std::move(options))
{
    open(password);
}

PgSession::PgSession(const QString &conninfo, Options options)
    : m_profile { QString(), conninfo }
    , m_options(std::move(options))
{
    open(QString());
}

PgSession::~PgSession()
{
    {
        std::lock_guard lock(m_cancelMutex);
        if (m_cancel)
            PQfreeCancel(m_cancel);
        m_cancel = nullptr;
    }
    m_connection.reset();
}

QString PgSession::where() const
{
    const QString label = m_options.label.isEmpty() ? QStringLiteral("Database") : m_options.label;
    return QStringLiteral("%1 (%2)").arg(label, m_profile.summary());
}

QString PgSession::pinnedSettingsSql()
{
    return QStringLiteral("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; "
                          "SET extra_float_digits = 3; SET bytea_output = 'hex'; "
                          "SET client_encoding = 'UTF8'; SET standard_conforming_strings = on;");
}

void PgSession::open(const QString &password)
{
    std::string conninfo;
    try {
        conninfo = effectiveConninfo(m_profile.conninfo, password, m_options.connectTimeoutSeconds);
    } catch (const Error &) {
        // libpq's own message may quote a password it could not read; the profile's does not.
        throw Error(redactSecrets(
            QStringLiteral("%1: the connection string is not valid: %2").arg(where(), m_profile.validationError())));
    }

    try {
        // Opened here rather than by libpqxx, which keeps the libpq handle to itself: cancel
        // requests and COPY streaming need it.
        PGconn *raw = PQconnectdb(conninfo.c_str());
        if (!raw)
            throw std::bad_alloc();
        if (PQstatus(raw) != CONNECTION_OK) {
            const std::string message = PQerrorMessage(raw);
            PQfinish(raw);
            throw pqxx::broken_connection(message);
        }
        m_raw = raw;
        m_connection = pqxxcompat::adopt(m_raw);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &error) {
        throw Error(describeConnectFailure(QString::fromUtf8(error.what()), where()));
    }

    {
        std::lock_guard lock(m_cancelMutex);
        m_cancel = PQgetCancel(m_raw);
    }

    try {
        QString setup = pinnedSettingsSql();
        if (m_options.readOnly)
            setup += QStringLiteral(" SET default_transaction_read_only = on;");
        exec(setup);
        if (m_options.readOnly) {
            const pqxx::result shown = exec(QStringLiteral("SHOW default_transaction_read_only"));
            if (shown.empty() || shown[0][0].as<std::string>() != "on")
                throw Error(
                    QStringLiteral("%1: could not make the session read-only; refusing to continue.").arg(where()));
        }
    } catch (const Error &) {
        throw;
    } catch (const std::exception &error) {
        throw Error(describeDatabaseError(error, where()));
    }
}

pqxxcompat::Connection &PgSession::connection()
{
    return *m_connection;
}

PGconn *PgSession::handle() const
{
    return m_raw;
}

void PgSession::cancel() const noexcept
{
    std::lock_guard lock(m_cancelMutex);
    if (!m_cancel)
        return;
    char message[256];
    PQcancel(m_cancel, message, sizeof(message));
}

pqxx::result PgSession::exec(const QString &statement)
{
    pqxx::nontransaction transaction(*m_connection);
    return transaction.exec(statement.toStdString());
}

int PgSession::backendPid() const
{
    return m_connection ? m_connection->backendpid() : 0;
}

QString PgSession::serverVersion() const
{
    const PGconn *raw = handle();
    const char *version = raw ? PQparameterStatus(raw, "server_version") : nullptr;
    return version ? QString::fromUtf8(version).section(QLatin1Char(' '), 0, 0) : QString();
}

} // namespace salvage
