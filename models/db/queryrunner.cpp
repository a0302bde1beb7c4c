#include "queryrunner.h"

#include "core/error.h"
#include "db/dberror.h"
#include "db/pgsession.h"
#include "jobs/jobcontrol.h"

#include <QElapsedTimer>
#include <libpq-fe.h>
#include <memory>

namespace salvage {

namespace {
using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;
}

QueryResult QueryRunner::run(PgSession &session, const QString &sql, int maxRows, JobControl &control)
{
    PGconn *connection = session.handle();
    if (!connection)
        throw Error(QStringLiteral("%1 is not connected.").arg(session.where()));
    QElapsedTimer timer;
    timer.start();
    if (!PQsendQuery(connection, sql.toUtf8().constData()))
        throw Error(
            QStringLiteral("%1: %2").arg(session.where(), QString::fromUtf8(PQerrorMessage(connection)).trimmed()));
    PQsetSingleRowMode(connection);

    QueryResult result;
    QString error;
    bool cancelSent = false;
    // Drain every result, even after an error or once enough rows are kept: libpq needs that
    // before the connection can take the next statement.
    while (true) {
        ResultPtr part(PQgetResult(connection), &PQclear);
        if (!part)
            break;
        const ExecStatusType status = PQresultStatus(part.get());
        if (status == PGRES_SINGLE_TUPLE) {
            if (result.columns.isEmpty()) {
                for (int column = 0; column < PQnfields(part.get()); ++column)
                    result.columns << QString::fromUtf8(PQfname(part.get(), column));
            }
            if (result.rows.size() >= maxRows) {
                result.truncated = true;
                if (!cancelSent) {
                    session.cancel(); // the rest is not wanted; stop the server producing it
                    cancelSent = true;
                }
                continue;
            }
            QList<QVariant> row;
            row.reserve(PQnfields(part.get()));
            for (int column = 0; column < PQnfields(part.get()); ++column) {
                row << (PQgetisnull(part.get(), 0, column)
                        ? QVariant()
                        : QVariant(
                            QString::fromUtf8(PQgetvalue(part.get(), 0, column), PQgetlength(part.get(), 0, column))));
            }
            result.rows.append(row);
            if (result.rows.size() % 1000 == 0)
                control.setProgress(result.rows.size(), -1, QObject::tr("%n row(s)", nullptr, int(result.rows.size())));
            if (control.isCancelled() && !cancelSent) {
                session.cancel();
                cancelSent = true;
            }
        } else if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
            if (result.columns.isEmpty()) {
                for (int column = 0; column < PQnfields(part.get()); ++column)
                    result.columns << QString::fromUtf8(PQfname(part.get(), column));
            }
            result.status = QString::fromUtf8(PQcmdStatus(part.get()));
        } else if (!(cancelSent && result.truncated)) {
            error = QString::fromUtf8(PQresultErrorMessage(part.get())).trimmed();
        }
    }
    result.elapsedMs = timer.elapsed();
    if (control.isCancelled())
        throw Cancelled();
    if (!error.isEmpty())
        throw Error(QStringLiteral("%1: %2").arg(session.where(), error.section(QLatin1Char('\n'), 0, 0)));
    if (result.truncated)
        result.status = QObject::tr("first %n row(s) shown", nullptr, maxRows);
    return result;
}

} // namespace salvage
