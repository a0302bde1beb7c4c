#include "sqlident.h"

namespace salvage::sql {

QString quoteIdent(const QString &identifier)
{
    QString quoted = identifier;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString qualified(const QString &schema, const QString &name)
{
    return quoteIdent(schema) + QLatin1Char('.') + quoteIdent(name);
}

QString quoteIdentList(const QStringList &identifiers)
{
    QStringList quoted;
    quoted.reserve(identifiers.size());
    for (const QString &identifier : identifiers)
        quoted << quoteIdent(identifier);
    return quoted.join(QLatin1String(", "));
}

QString quoteLiteral(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString quoteConninfoValue(const QString &value)
{
    bool plain = !value.isEmpty();
    for (QChar c : value) {
        if (c.isSpace() || c == QLatin1Char('\'') || c == QLatin1Char('\\') || c == QLatin1Char('=')) {
            plain = false;
            break;
        }
    }
    if (plain)
        return value;
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

} // namespace salvage::sql
