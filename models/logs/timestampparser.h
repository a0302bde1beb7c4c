#pragma once

#include <QByteArray>
#include <QStringList>

#include <vector>

namespace salvage {

/// The broken-down pieces of one timestamp as written in a log, before any zone is applied.
struct TimestampFields
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    int micros = 0;
    enum class Zone : quint8 { Naive, Offset, Abbreviation, Epoch } zone = Zone::Naive;
    int offsetSeconds = 0; ///< east of UTC, for Offset and (resolved) Abbreviation
    quint8 abbreviation = 0; ///< for Abbreviation: which one (TimestampParser::abbreviationName)
    qint64 epochMs = 0; ///< for Epoch
    bool hasYear = true; ///< false for BSD syslog ("Dec 26 20:40:54")
    int length = 0; ///< bytes consumed
};

/// Parses timestamps on raw bytes with strptime-like formats (a subset of lnav's: %Y %m %d %e %H %M
/// %S %L %f %b %z %Z %s %T %F and literals). Works on bytes so the index never builds strings.
class TimestampParser
{
public:
    TimestampParser() = default;
    /// Throws salvage::Error for an unsupported conversion.
    explicit TimestampParser(const QStringList &formats, qint64 epochDivisor = 1);

    /// Parses at exactly `p`; true and `out` filled when one of the formats matches.
    bool parseAt(const char *p, const char *end, TimestampFields &out) const;
    /// Finds the first position within [p, p+window) where a format matches; -1 when none.
    qptrdiff scan(const char *p, const char *end, int window, TimestampFields &out) const;
    bool isEmpty() const { return m_formats.empty(); }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static qint64 daysFromCivil(int year, int month, int day);
    struct CivilDate
    {
        int year, month, day;
    };
    /// The date `days` after 1970-01-01: the inverse of daysFromCivil.
    static CivilDate civilFromDays(qint64 days);
    /// UTC milliseconds of fields taken as UTC wall time (before any offset).
    static qint64 wallMs(const TimestampFields &fields);
    /// The zone abbreviation a parsed Abbreviation stands for ("CEST"), empty for 0.
    static const char *abbreviationName(quint8 abbreviation);
    /// Minutes east of UTC the table gives an abbreviation.
    static int abbreviationOffsetMinutes(quint8 abbreviation);
    /// True for CST, CDT, IST and PST, which mean different offsets in different zones.
    static bool isAmbiguous(quint8 abbreviation);

private:
    bool parseOne(const QByteArray &format, const char *p, const char *end, TimestampFields &out) const;
    std::vector<QByteArray> m_formats;
    qint64 m_divisor = 1;
};

} // namespace salvage
