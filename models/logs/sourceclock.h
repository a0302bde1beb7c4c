#pragma once

#include "timestampparser.h"

#include <QTimeZone>

namespace salvage {

/// What one source's clock means: the IANA zone of its naive timestamps, a correction for a
/// skewed clock, and the year to assume when a format writes none (BSD syslog).
class SourceClock
{
public:
    explicit SourceClock(const QTimeZone &zone = QTimeZone::utc(), qint64 clockOffsetMs = 0);

    /// UTC milliseconds since the epoch of `fields`, clock offset applied.
    qint64 toUtc(const TimestampFields &fields) const;
    /// Year-less timestamps take this year, or the year before when their day lies after the
    /// reference date, the file's last change (a log written in January holds December lines of
    /// the previous year).
    void setReferenceDate(int year, int month, int day = 31);

    const QTimeZone &zone() const { return m_zone; }
    qint64 clockOffsetMs() const { return m_clockOffsetMs; }

private:
    qint64 naiveToUtc(qint64 wallMs, const TimestampFields &fields) const;
    qint64 abbreviationOffsetMs(qint64 wallMs, const TimestampFields &fields) const;

    QTimeZone m_zone;
    bool m_utc = true;
    qint64 m_clockOffsetMs = 0;
    int m_referenceYear = 0;
    int m_referenceMonth = 12;
    int m_referenceDay = 31;
    // One zone lookup per wall-clock hour: QTimeZone is far too slow to ask per line.
    mutable qint64 m_cachedHour = -1;
    mutable qint64 m_cachedOffsetMs = 0;
    // The zone's abbreviation and offset for the last wall-clock hour an abbreviation was read in.
    mutable qint64 m_abbreviationHour = -1;
    mutable QByteArray m_zoneAbbreviation;
    mutable qint64 m_zoneAbbreviationOffsetMs = 0;
};

} // namespace salvage
