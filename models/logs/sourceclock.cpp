#include "sourceclock.h"

#include <QDateTime>

namespace salvage {

SourceClock::SourceClock(const QTimeZone &zone, qint64 clockOffsetMs)
    : m_zone(zone.isValid() ? zone : QTimeZone::utc())
    , m_utc(!zone.isValid() || zone == QTimeZone::utc() || zone.id() == "UTC")
    , m_clockOffsetMs(clockOffsetMs)
    , m_referenceYear(QDate::currentDate().year())
{
}

void SourceClock::setReferenceDate(int year, int month, int day)
{
    m_referenceYear = year;
    m_referenceMonth = month;
    m_referenceDay = day;
}

qint64 SourceClock::naiveToUtc(qint64 wallMs, const TimestampFields &f) const
{
    if (m_utc)
        return wallMs;
    const qint64 hour = wallMs / 3600000;
    if (hour != m_cachedHour) {
        // Qt resolves a wall time in a DST gap by moving it forward, and picks one side of a fold.
        const QDateTime local(QDate(f.year, f.month, f.day), QTime(f.hour, 0), m_zone);
        m_cachedOffsetMs = local.isValid() ? qint64(local.offsetFromUtc()) * 1000 : 0;
        m_cachedHour = hour;
    }
    return wallMs - m_cachedOffsetMs;
}

qint64 SourceClock::abbreviationOffsetMs(qint64 wallMs, const TimestampFields &f) const
{
    const qint64 table = qint64(f.offsetSeconds) * 1000;
    if (m_utc)
        return table;
    // An abbreviation means what the source's zone means by it: CST is UTC+8 in Shanghai, IST is
    // UTC+1 in a Dublin summer. Another abbreviation (CET written during CEST's fold) keeps the table's.
    const qint64 hour = wallMs / 3600000;
    if (hour != m_abbreviationHour) {
        const QDateTime local(QDate(f.year, f.month, f.day), QTime(f.hour, 0), m_zone);
        m_zoneAbbreviation = local.isValid() ? m_zone.abbreviation(local).toLatin1() : QByteArray();
        m_zoneAbbreviationOffsetMs = local.isValid() ? qint64(local.offsetFromUtc()) * 1000 : 0;
        m_abbreviationHour = hour;
    }
    return m_zoneAbbreviation == TimestampParser::abbreviationName(f.abbreviation) ? m_zoneAbbreviationOffsetMs : table;
}

qint64 SourceClock::toUtc(const TimestampFields &fields) const
{
    if (fields.zone == TimestampFields::Zone::Epoch)
        return fields.epochMs + m_clockOffsetMs;
    TimestampFields f = fields;
    if (!f.hasYear) {
        // A line is never written after its file was last changed: a later day of the year
        // (beyond a day of zone difference) belongs to the year before.
        const bool later = f.month > m_referenceMonth || (f.month == m_referenceMonth && f.day > m_referenceDay + 1);
        f.year = later ? m_referenceYear - 1 : m_referenceYear;
    }
    const qint64 wall = TimestampParser::wallMs(f);
    const qint64 utc = f.zone == TimestampFields::Zone::Naive ? naiveToUtc(wall, f)
        : f.zone == TimestampFields::Zone::Abbreviation       ? wall - abbreviationOffsetMs(wall, f)
                                                              : wall - qint64(f.offsetSeconds) * 1000;
    return utc + m_clockOffsetMs;
}

} // namespace salvage
