#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace salvage {

/// Thin libpq calls for restore work that mixes statements and COPY streams on one session
/// (libpqxx 6 cannot stream COPY with a query). Every failure becomes salvage::Error.
class PgRaw
{
public:
    using Result = std::shared_ptr<PGresult>;

    explicit PgRaw(PGconn *connection, QString where = {})
        : m_connection(connection)
        , m_where(std::move(where))
    {
    }

    /// Runs one statement with bound text parameters; NULL when a parameter is a null QString.
    Result exec(const QString &sql, const QStringList &params = {}) const;
    /// Rows affected by a command result (PQcmdTuples), -1 when it says nothing.
    static qint64 affected(const Result &result);
    static int rows(const Result &result);
    static QString value(const Result &result, int row, int column);
    static bool isNull(const Result &result, int row, int column);

    /// COPY … TO STDOUT: hands every chunk (whole lines) to `sink`.
    void copyOut(const QString &sql, const std::function<void(const char *, int)> &sink) const;
    /// COPY … FROM STDIN fed from `data`; returns rows copied.
    qint64 copyIn(const QString &sql, const QByteArray &data) const;
    /// COPY … FROM STDIN fed by repeated calls of `source` until it returns false. When `source`
    /// throws, the COPY is aborted (nothing of it stays) and the exception passes on.
    qint64 copyIn(const QString &sql, const std::function<bool(QByteArray &chunk)> &source) const;
    /// COPY … FROM STDIN fed, as it arrives, from `source`'s COPY … TO STDOUT `sourceSql` (another
    /// session): both servers work at once and nothing is held in memory. Returns rows copied.
    qint64 copyIn(const QString &sql, const PgRaw &source, const QString &sourceSql) const;

    /// A setting the server reports as it changes (client_encoding, DateStyle, TimeZone, …), as it
    /// last reported it; empty when it never did.
    QByteArray reported(const char *setting) const;

    PGconn *handle() const { return m_connection; }
    QString errorMessage(const PGresult *result) const;

private:
    /// Reads what is left of a COPY … TO STDOUT, then its result; throws when it failed.
    void finishCopyOut(bool discard) const;

    PGconn *m_connection;
    QString m_where;
};

} // namespace salvage
