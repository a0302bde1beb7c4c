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

QStringList splitIdentifierList(const QString &text)
{
    QStringList names;
    qsizetype start = 0;
    bool quoted = false;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text.at(i) == QLatin1Char('"'))
            quoted = !quoted; // a doubled quote toggles twice
        if (i < text.size() && (quoted || text.at(i) != QLatin1Char(',')))
            continue;
        const QStringList name = splitQualifiedName(text.mid(start, i - start).trimmed());
        if (name.size() != 1)
            return {};
        names << name.first();
        start = i + 1;
    }
    return names;
}

QString commentText(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool control = u < 0x20 || (u >= 0x7f && u <= 0x9f);
        const bool separator
            = u == 0x2028 || u == 0x2029 || (u >= 0x202a && u <= 0x202e) || (u >= 0x2066 && u <= 0x2069);
        if (control)
            out += QStringLiteral("\\x%1").arg(int(u), 2, 16, QLatin1Char('0'));
        else if (separator)
            out += QStringLiteral("\\u%1").arg(int(u), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QStringList splitQualifiedName(const QString &text)
{
    QStringList parts;
    QString part;
    bool quoted = false;
    bool partQuoted = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c != QLatin1Char('"'))
                part += c;
            else if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"'))
                part += text.at(++i);
            else
                quoted = false;
        } else if (c == QLatin1Char('"') && part.isEmpty() && !partQuoted) {
            quoted = partQuoted = true;
        } else if (c == QLatin1Char('.')) {
            if (part.isEmpty())
                return {};
            parts << part;
            part.clear();
            partQuoted = false;
        } else if (partQuoted || c.isSpace() || c == QLatin1Char('"')) {
            return {}; // text after a closing quote, or a bare part with spaces or quotes
        } else {
            part += c;
        }
    }
    if (quoted || part.isEmpty())
        return {};
    parts << part;
    return parts;
}

QString qualifiedNamePattern()
{
    static const QString part = QStringLiteral(R"((?:"(?:[^"]|"")+"|[^\s".:]+))");
    return part + QStringLiteral(R"((?:\.)") + part + QStringLiteral(")*");
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
