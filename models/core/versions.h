#pragma once

#include <QString>

namespace salvage {

/// "salvage 0.1.0 (Qt 6.4.2, libpqxx 6.4.5, libpq 15.18)" — for --version and the About box.
QString versionReport();

} // namespace salvage
