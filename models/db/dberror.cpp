#include "dberror.h"

#include "core/error.h"
#include "db/secretredactor.h"

#include <QStringList>
#include <pqxx/except>

namespace salvage {

namespace {

QString firstLine(const QString &text)
{
    const QString trimmed = text.trimmed();
    const qsizetype newline = trimmed.indexOf(QLatin1Char('\n'));
    QString line = newline < 0 ? trimmed : trimmed.left(newline).trimmed();
    // libpq prefixes server errors with where it connected ("connection to server on socket … failed:
    // FATAL: …"); the place is already in our sentence, the server's words are what matter.
    const qsizetype fatal = line.lastIndexOf(QLatin1String("FATAL:"));
    if (fatal > 0)
        line = line.mid(fatal);
    if (line.startsWith(QLatin1String("ERROR:")) || line.startsWith(QLatin1String("FATAL:")))
        line = line.mid(6).trimmed();
    return line;
}

bool mentions(const QString &text, const char *needle)
{
    return text.contains(QLatin1String(needle), Qt::CaseInsensitive);
}

} // namespace

static QString connectFailure(const QString &libpqMessage, const QString &where)
{
    const QString &m = libpqMessage;
    if (mentions(m, "password authentication failed"))
        return QStringLiteral("%1: wrong user name or password.").arg(where);
    if (mentions(m, "no password supplied"))
        return QStringLiteral("%1: the server asks for a password and none was given.").arg(where);
    if (mentions(m, "does not exist") && mentions(m, "database")) {
        QString line = firstLine(m);
        if (line.endsWith(QLatin1Char('.')))
            line.chop(1);
        return QStringLiteral("%1: %2.").arg(where, line);
    }
    if (mentions(m, "server does not support SSL"))
        return QStringLiteral("%1: SSL was required (sslmode) but the server does not offer it.").arg(where);
    if (mentions(m, "no pg_hba.conf entry") && mentions(m, "no encryption"))
        return QStringLiteral("%1: the server refuses unencrypted connections; set sslmode=require.").arg(where);
    if (mentions(m, "no pg_hba.conf entry"))
        return QStringLiteral("%1: the server's pg_hba.conf does not let this user in from here.").arg(where);
    if (mentions(m, "could not translate host name"))
        return QStringLiteral("%1: unknown host name.").arg(where);
    if (mentions(m, "timeout expired"))
        return QStringLiteral("%1: the server did not answer in time.").arg(where);
    if (mentions(m, "Connection refused") || mentions(m, "No such file or directory")
        || mentions(m, "could not connect"))
        return QStringLiteral("%1: the server is not running or not reachable (%2).").arg(where, firstLine(m));
    if (mentions(m, "the database system is starting up") || mentions(m, "shutting down"))
        return QStringLiteral("%1: the server is starting up or shutting down; try again shortly.").arg(where);
    if (mentions(m, "server closed the connection") || mentions(m, "terminating connection")
        || mentions(m, "connection to server") || mentions(m, "Lost connection"))
        return QStringLiteral("%1: the connection was lost (%2).").arg(where, firstLine(m));
    return QStringLiteral("%1: %2").arg(where, firstLine(m));
}

QString sqlStateOf(const std::exception &error)
{
    if (const auto *sqlError = dynamic_cast<const pqxx::sql_error *>(&error))
        return QString::fromStdString(sqlError->sqlstate());
    return {};
}

static QString databaseError(const std::exception &error, const QString &where)
{
    if (const auto *ours = dynamic_cast<const Error *>(&error))
        return ours->message();
    const QString message = QString::fromUtf8(error.what());
    if (dynamic_cast<const pqxx::broken_connection *>(&error))
        return connectFailure(message, where);
    const QString state = sqlStateOf(error);
    if (state == QLatin1String("25006"))
        return QStringLiteral("%1 is read-only in Salvage: it is written only inside a restore run (%2).")
            .arg(where, firstLine(message));
    if (state == QLatin1String("57014"))
        return QStringLiteral("%1: the query was cancelled.").arg(where);
    if (state == QLatin1String("55P03"))
        return QStringLiteral("%1: a lock could not be taken in time (another session holds it): %2")
            .arg(where, firstLine(message));
    if (state.startsWith(QLatin1String("57P")) || state.startsWith(QLatin1String("08")))
        return connectFailure(message, where);
    if (mentions(message, "server closed the connection") || mentions(message, "Lost connection"))
        return connectFailure(message, where);
    return QStringLiteral("%1: %2").arg(where, firstLine(message));
}

// A conninfo the operator typed may be quoted in any of these (libpq repeats an unparsable one).
QString describeConnectFailure(const QString &libpqMessage, const QString &where)
{
    return redactSecrets(connectFailure(libpqMessage, where));
}

QString describeDatabaseError(const std::exception &error, const QString &where)
{
    return redactSecrets(databaseError(error, where));
}

} // namespace salvage
