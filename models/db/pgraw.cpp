#include "db/pgraw.h"

#include "core/error.h"

#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace salvage {

QByteArray PgRaw::reported(const char *setting) const
{
    const char *value = PQparameterStatus(m_connection, setting);
    return value ? QByteArray(value) : QByteArray();
}

QString PgRaw::errorMessage(const PGresult *result) const
{
    QString message = QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(m_connection)).trimmed();
    if (message.isEmpty())
        message = QString::fromUtf8(PQerrorMessage(m_connection)).trimmed();
    if (message.isEmpty())
        message = QStringLiteral("the server returned no result (the connection may be lost)");
    message.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return m_where.isEmpty() ? message : m_where + QStringLiteral(": ") + message;
}

PgRaw::Result PgRaw::exec(const QString &sql, const QStringList &params) const
{
    const QByteArray text = sql.toUtf8();
    std::vector<QByteArray> values;
    std::vector<const char *> pointers;
    values.reserve(params.size());
    for (const QString &param : params) {
        values.push_back(param.toUtf8());
        pointers.push_back(param.isNull() ? nullptr : values.back().constData());
    }
    PGresult *raw = PQexecParams(m_connection, text.constData(), int(pointers.size()), nullptr,
        pointers.empty() ? nullptr : pointers.data(), nullptr, nullptr, 0);
    Result result(raw, PQclear);
    const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw Error(errorMessage(raw));
    return result;
}

qint64 PgRaw::affected(const Result &result)
{
    const char *tuples = PQcmdTuples(result.get());
    return tuples && *tuples ? QByteArray(tuples).toLongLong() : -1;
}

int PgRaw::rows(const Result &result)
{
    return PQntuples(result.get());
}

QString PgRaw::value(const Result &result, int row, int column)
{
    if (PQgetisnull(result.get(), row, column))
        return QString();
    return QString::fromUtf8(PQgetvalue(result.get(), row, column), PQgetlength(result.get(), row, column));
}

bool PgRaw::isNull(const Result &result, int row, int column)
{
    return PQgetisnull(result.get(), row, column);
}

void PgRaw::copyOut(const QString &sql, const std::function<void(const char *, int)> &sink) const
{
    Result start(PQexec(m_connection, sql.toUtf8().constData()), PQclear);
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_OUT)
        throw Error(errorMessage(start.get()));
    bool ended = false;
    try {
        for (;;) {
            char *raw = nullptr;
            const int length = PQgetCopyData(m_connection, &raw, 0);
            // Freed when the sink throws too (found by LeakSanitizer: an undo script on a full disk).
            const std::unique_ptr<char, void (*)(void *)> buffer(raw, PQfreemem);
            if (length > 0) {
                sink(buffer.get(), length);
            } else if (length == -1) {
                ended = true;
                break;
            } else {
                throw Error(errorMessage(nullptr));
            }
        }
    } catch (...) {
        try {
            finishCopyOut(!ended); // the connection leaves COPY state, so the caller can roll back
        } catch (...) {
        }
        throw;
    }
    finishCopyOut(false);
}

void PgRaw::finishCopyOut(bool discard) const
{
    if (discard) {
        char *buffer = nullptr;
        int length = 0;
        while ((length = PQgetCopyData(m_connection, &buffer, 0)) > 0)
            PQfreemem(buffer);
    }
    Result end(PQgetResult(m_connection), PQclear);
    const bool ok = end && PQresultStatus(end.get()) == PGRES_COMMAND_OK;
    const QString message = ok ? QString() : errorMessage(end.get());
    while (PGresult *rest = PQgetResult(m_connection))
        PQclear(rest);
    if (!ok)
        throw Error(message);
}

qint64 PgRaw::copyIn(const QString &sql, const PgRaw &source, const QString &sourceSql) const
{
    Result start(PQexec(source.m_connection, sourceSql.toUtf8().constData()), PQclear);
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_OUT)
        throw Error(source.errorMessage(start.get()));
    bool ended = false;
    qint64 count = 0;
    try {
        count = copyIn(sql, [&](QByteArray &chunk) {
            chunk.clear();
            // Many rows per PQputCopyData; rows arrive one per PQgetCopyData.
            while (!ended && chunk.size() < 256 * 1024) {
                char *buffer = nullptr;
                const int length = PQgetCopyData(source.m_connection, &buffer, 0);
                if (length > 0) {
                    chunk.append(buffer, length);
                    PQfreemem(buffer);
                } else if (length == -1) {
                    ended = true;
                } else {
                    throw Error(source.errorMessage(nullptr));
                }
            }
            return !chunk.isEmpty();
        });
    } catch (...) {
        try {
            source.finishCopyOut(!ended);
        } catch (...) {
        }
        throw;
    }
    source.finishCopyOut(false);
    return count;
}

qint64 PgRaw::copyIn(const QString &sql, const QByteArray &data) const
{
    bool sent = false;
    return copyIn(sql, [&](QByteArray &chunk) {
        if (sent)
            return false;
        chunk = data;
        sent = true;
        return true;
    });
}

qint64 PgRaw::copyIn(const QString &sql, const std::function<bool(QByteArray &)> &source) const
{
    Result start(PQexec(m_connection, sql.toUtf8().constData()), PQclear);
    if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN)
        throw Error(errorMessage(start.get()));
    QByteArray chunk;
    QString failure;
    try {
        while (source(chunk)) {
            if (!chunk.isEmpty() && PQputCopyData(m_connection, chunk.constData(), int(chunk.size())) != 1) {
                failure = errorMessage(nullptr);
                break;
            }
        }
    } catch (...) {
        PQputCopyEnd(m_connection, "aborted: the data source failed");
        while (PGresult *rest = PQgetResult(m_connection))
            PQclear(rest);
        throw;
    }
    PQputCopyEnd(m_connection, failure.isEmpty() ? nullptr : "aborted");
    Result end(PQgetResult(m_connection), PQclear);
    const bool ok = end && PQresultStatus(end.get()) == PGRES_COMMAND_OK;
    const QString message = ok ? QString() : errorMessage(end.get());
    const qint64 count = ok ? affected(end) : 0;
    while (PGresult *rest = PQgetResult(m_connection))
        PQclear(rest);
    if (!failure.isEmpty())
        throw Error(failure);
    if (!ok)
        throw Error(message);
    return count;
}

} // namespace salvage
