#pragma once

#include <QByteArray>
#include <QString>

namespace salvage {

/// PostgreSQL's COPY text format: one field escaped, \N for NULL.
class CopyText
{
public:
    static QByteArray escape(const QString &value);
};

} // namespace salvage
