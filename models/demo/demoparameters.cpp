#include "demoparameters.h"

#include <QDateTime>

namespace salvage {

namespace {
qint64 utcMs(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}
} // namespace

qint64 DemoParameters::historyStartMs()
{
    return utcMs("2022-05-02T01:00:00Z");
}
qint64 DemoParameters::backupMs()
{
    return utcMs("2024-05-02T01:00:00Z");
}
qint64 DemoParameters::rotationMs()
{
    return utcMs("2024-05-01T22:00:00Z");
}
qint64 DemoParameters::incidentMs()
{
    return utcMs("2024-05-02T12:41:07Z");
}
qint64 DemoParameters::endMs()
{
    return utcMs("2024-05-02T17:30:00Z");
}

QJsonObject DemoParameters::toJson() const
{
    return { { QStringLiteral("seed"), QString::number(seed) }, { QStringLiteral("scale"), scale } };
}

} // namespace salvage
