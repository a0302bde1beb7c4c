#include "versions.h"

#include <libpq-fe.h>
#include <pqxx/version>

namespace salvage {

QString versionReport()
{
    const int libpq = PQlibVersion();
    return QStringLiteral("salvage %1 (Qt %2, libpqxx %3, libpq %4.%5)")
        .arg(QStringLiteral(SALVAGE_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(PQXX_VERSION))
        .arg(libpq / 10000)
        .arg(libpq % 10000);
}

} // namespace salvage
