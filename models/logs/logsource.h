#pragma once

#include <QString>

namespace salvage {

/// A log file the investigation reads, with what is known about its clock.
struct LogSource
{
    QString path; ///< absolute, or relative to the workspace file
    QString label; ///< lane name; empty: the file name
    QString format; ///< a format id; empty: detect
    QString timeZone; ///< IANA zone for naive timestamps; empty: UTC
    qint64 clockOffsetMs = 0; ///< added to every instant, to correct a skewed clock

    bool operator==(const LogSource &other) const = default;
};

} // namespace salvage
