#pragma once

#include "logs/loglevel.h"

#include <QSet>
#include <QStringList>

#include <limits>

namespace salvage {

/// What a timeline shows: a time range, a minimum level, some sources, correlation keys (any
/// of them) and a text search on the raw entries.
struct TimelineFilter
{
    qint64 fromMs = std::numeric_limits<qint64>::min();
    qint64 toMs = std::numeric_limits<qint64>::max(); ///< inclusive
    LogLevel minimumLevel = LogLevel::Unknown;
    QSet<quint32> sources; ///< empty: all
    QStringList keys; ///< empty: all; else events carrying any of them, plus inferred links
    QString search; ///< case-insensitive, in the raw text

    bool operator==(const TimelineFilter &other) const = default;
};

} // namespace salvage
