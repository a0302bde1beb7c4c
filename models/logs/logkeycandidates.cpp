#include "logkeycandidates.h"

#include <QRegularExpression>

namespace salvage {

void LogKeyCandidates::add(const QString &value)
{
    // A single host: IPv4 with /32, IPv6 (any form with a colon) with /128.
    static const QRegularExpression host(
        QStringLiteral("^(?:(?<v4>\\d{1,3}(?:\\.\\d{1,3}){3})/32|(?<v6>[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)/128)$"));
    QString text = value;
    if (const QRegularExpressionMatch match = host.match(text); match.hasMatch())
        text = match.captured(u"v4").isEmpty() ? match.captured(u"v6") : match.captured(u"v4");
    if (text.isEmpty() || text.size() > maxLength || m_values.size() >= maxValues || m_values.contains(text))
        return;
    m_values << text;
}

void LogKeyCandidates::addRowId(const QString &table, const QString &value)
{
    if (value.isEmpty() || value.size() > maxLength)
        return;
    add(table.mid(table.lastIndexOf(u'.') + 1) + u':' + value);
}

} // namespace salvage
