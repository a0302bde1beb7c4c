#include "connectionprofile.h"

#include "db/secretredactor.h"
#include "db/sqlident.h"

#include <QHash>
#include <QStringList>
#include <libpq-fe.h>

namespace salvage {

namespace {

struct ParsedConninfo
{
    QString error;
    QList<QPair<QString, QString>> options; ///< keyword, value (only those set)
};

ParsedConninfo parse(const QString &conninfo)
{
    ParsedConninfo parsed;
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        parsed.error = error ? QString::fromUtf8(error).trimmed() : QStringLiteral("out of memory");
        PQfreemem(error);
        return parsed;
    }
    for (PQconninfoOption *option = options; option->keyword; ++option) {
        if (option->val)
            parsed.options.append({ QString::fromUtf8(option->keyword), QString::fromUtf8(option->val) });
    }
    PQconninfoFree(options);
    return parsed;
}

QString valueOf(const ParsedConninfo &parsed, const QString &keyword)
{
    for (const auto &[key, value] : parsed.options) {
        if (key == keyword)
            return value;
    }
    return {};
}

/// `conninfo` (which libpq parsed as `parsed`) rebuilt without its password, or as it is without one.
QString withoutPassword(const QString &conninfo, const ParsedConninfo &parsed)
{
    if (valueOf(parsed, QStringLiteral("password")).isEmpty())
        return conninfo;
    QStringList parts;
    for (const auto &[key, value] : parsed.options) {
        if (key != QLatin1String("password"))
            parts << key + QLatin1Char('=') + sql::quoteConninfoValue(value);
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

QString sideName(Side side)
{
    return side == Side::Live ? QStringLiteral("LIVE") : QStringLiteral("BACKUP");
}

QString ConnectionProfile::validationError() const
{
    const QString error = parse(conninfo).error;
    if (error.isEmpty())
        return error;
    // libpq quotes the part it could not read, which may be a password (a URI's "user:se%zz@"):
    // say what is wrong with the text as it reads with its secrets hidden.
    const QString redacted = redactSecrets(conninfo);
    const QString redactedError = parse(redacted).error;
    if (redactedError.isEmpty())
        return QStringLiteral("a password in it cannot be read (an unterminated quote or a bad escape)");
    return redactSecrets(redactedError);
}

QString ConnectionProfile::summary() const
{
    const ParsedConninfo parsed = parse(conninfo);
    if (!parsed.error.isEmpty())
        return redactSecrets(conninfo).left(60); // libpq could not find the password in it; we still hide it
    // Fall back to what libpq would use, so the summary says where we really connect.
    auto pick = [&](const QString &keyword, const char *environment, const QString &fallback) {
        QString value = valueOf(parsed, keyword);
        if (value.isEmpty())
            value = qEnvironmentVariable(environment);
        return value.isEmpty() ? fallback : value;
    };
    const QString service = valueOf(parsed, QStringLiteral("service"));
    QString host = pick(QStringLiteral("host"), "PGHOST", QStringLiteral("local socket"));
    if (host.startsWith(QLatin1Char('/')))
        host = QStringLiteral("socket");
    const QString port = pick(QStringLiteral("port"), "PGPORT", QStringLiteral("5432"));
    const QString user = pick(QStringLiteral("user"), "PGUSER", QString());
    const QString database = pick(QStringLiteral("dbname"), "PGDATABASE", user);
    QString text = (user.isEmpty() ? QString() : user + QLatin1Char('@')) + host + QLatin1Char(':') + port
        + QLatin1Char('/') + database;
    if (!service.isEmpty())
        text = QStringLiteral("service %1 (%2)").arg(service, text);
    return text;
}

QString ConnectionProfile::displayName() const
{
    return name.isEmpty() ? summary() : name;
}

bool ConnectionProfile::embedsPassword() const
{
    return !valueOf(parse(conninfo), QStringLiteral("password")).isEmpty();
}

QString ConnectionProfile::conninfoWithoutPassword() const
{
    const ParsedConninfo parsed = parse(conninfo);
    if (parsed.error.isEmpty())
        return withoutPassword(conninfo, parsed);
    // libpq cannot say where a password in it ends: hide whatever looks like one. When the
    // unreadable part was the password itself (`password='x`), the redacted text is one libpq
    // accepts, with "***" for a password: drop that too, so the placeholder is never sent.
    const QString redacted = redactSecrets(conninfo);
    const ParsedConninfo reparsed = parse(redacted);
    return reparsed.error.isEmpty() ? withoutPassword(redacted, reparsed) : redacted;
}

QString ConnectionProfile::keychainKey() const
{
    return QStringLiteral("salvage:") + summary();
}

QJsonObject ConnectionProfile::toJson() const
{
    return { { QStringLiteral("name"), name }, { QStringLiteral("conninfo"), conninfoWithoutPassword() } };
}

ConnectionProfile ConnectionProfile::fromJson(const QJsonObject &object)
{
    return { object.value(QStringLiteral("name")).toString(), object.value(QStringLiteral("conninfo")).toString() };
}

} // namespace salvage
