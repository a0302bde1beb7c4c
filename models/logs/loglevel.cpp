#include "loglevel.h"

#include <array>

using namespace Qt::StringLiterals;

namespace salvage {

static const std::array<QLatin1String, 9> names = { "unknown"_L1, "trace"_L1, "debug"_L1, "info"_L1, "notice"_L1,
    "warning"_L1, "error"_L1, "critical"_L1, "fatal"_L1 };

QString levelName(LogLevel level)
{
    return names.at(size_t(level));
}

LogLevel levelFromName(const QString &name)
{
    const QString lower = name.toLower();
    if (lower == "warn"_L1)
        return LogLevel::Warning;
    for (size_t i = 0; i < names.size(); ++i)
        if (lower == names.at(i))
            return LogLevel(i);
    return LogLevel::Unknown;
}

} // namespace salvage
