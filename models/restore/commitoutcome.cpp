#include "restore/commitoutcome.h"

#include <QDeadlineTimer>
#include <QThread>
#include <libpq-fe.h>
#include <memory>
#include <vector>

namespace salvage::CommitOutcome {

namespace {

/// txid_status() on a new connection: "committed", "aborted", "in progress", or "" when it cannot ask.
QString status(
    const std::vector<const char *> &keywords, const std::vector<const char *> &values, const QByteArray &xid)
{
    const std::unique_ptr<PGconn, void (*)(PGconn *)> connection(
        PQconnectdbParams(keywords.data(), values.data(), 0), PQfinish);
    if (PQstatus(connection.get()) != CONNECTION_OK)
        return {};
    const char *parameter = xid.constData();
    const std::unique_ptr<PGresult, void (*)(PGresult *)> result(
        PQexecParams(connection.get(), "SELECT txid_status($1::bigint)", 1, nullptr, &parameter, nullptr, nullptr, 0),
        PQclear);
    if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1
        || PQgetisnull(result.get(), 0, 0))
        return {};
    return QString::fromUtf8(PQgetvalue(result.get(), 0, 0));
}

} // namespace

Outcome ask(PGconn *lost, const QString &xid, int timeoutSeconds)
{
    if (!lost || xid.isEmpty())
        return Outcome::Unknown;
    const std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption *)> options(PQconninfo(lost), PQconninfoFree);
    if (!options)
        return Outcome::Unknown;
    std::vector<const char *> keywords;
    std::vector<const char *> values;
    for (const PQconninfoOption *option = options.get(); option->keyword; ++option) {
        if (option->val && *option->val) {
            keywords.push_back(option->keyword);
            values.push_back(option->val);
        }
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    const QByteArray id = xid.toUtf8();
    const QDeadlineTimer deadline(timeoutSeconds * 1000);
    for (;;) {
        const QString answer = status(keywords, values, id);
        if (answer == QLatin1String("committed"))
            return Outcome::Committed;
        if (answer == QLatin1String("aborted"))
            return Outcome::Aborted;
        if (deadline.hasExpired())
            return Outcome::Unknown;
        QThread::msleep(200); // "in progress" while the old backend finishes, or the server is away for a moment
    }
}

} // namespace salvage::CommitOutcome
