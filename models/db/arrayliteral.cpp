#include "db/arrayliteral.h"

namespace salvage {

QString arrayLiteral(const QStringList &elements)
{
    QString out;
    out.reserve(elements.size() * 12 + 2);
    out += QLatin1Char('{');
    bool first = true;
    for (const QString &element : elements) {
        if (!first)
            out += QLatin1Char(',');
        first = false;
        // Always quoted: an unquoted NULL, an empty string or a brace would mean something else.
        out += QLatin1Char('"');
        for (const QChar c : element) {
            if (c == QLatin1Char('"') || c == QLatin1Char('\\'))
                out += QLatin1Char('\\');
            out += c;
        }
        out += QLatin1Char('"');
    }
    out += QLatin1Char('}');
    return out;
}

QString arrayLiteral(const QList<int> &elements)
{
    QStringList texts;
    texts.reserve(elements.size());
    for (int element : elements)
        texts << QString::number(element);
    return arrayLiteral(texts);
}

QString arrayLiteral(const QList<bool> &elements)
{
    QString out;
    out.reserve(elements.size() * 2 + 2);
    out += QLatin1Char('{');
    for (qsizetype i = 0; i < elements.size(); ++i) {
        if (i > 0)
            out += QLatin1Char(',');
        out += QLatin1Char(elements.at(i) ? 't' : 'f');
    }
    out += QLatin1Char('}');
    return out;
}

} // namespace salvage
