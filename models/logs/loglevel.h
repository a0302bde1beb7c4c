#pragma once

#include <QString>

namespace salvage {

/// Severity of a log entry, ordered; names follow lnav's level names.
enum class LogLevel : quint8 { Unknown, Trace, Debug, Info, Notice, Warning, Error, Critical, Fatal };

QString levelName(LogLevel level);
/// Parses a name ("error", "warning", "warn", …); Unknown when it is none.
LogLevel levelFromName(const QString &name);

} // namespace salvage
