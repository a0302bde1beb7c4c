#include "timestampparser.h"

#include "core/error.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

struct Abbreviation
{
    const char *name;
    int offsetMinutes;
};

// Abbreviations PostgreSQL and syslog daemons print (tzdata's; zones without one print "+0545").
// CST, IST and PST are ambiguous (US/China/Cuba, India/Ireland/Israel, US/Philippines): the table
// gives the common reading; a source zone that uses the abbreviation overrides it (SourceClock).
constexpr Abbreviation abbreviations[] = {
    { "UTC", 0 },
    { "GMT", 0 },
    { "UT", 0 },
    { "Z", 0 },
    { "WET", 0 },
    { "WEST", 60 },
    { "BST", 60 },
    { "IST", 330 },
    { "CET", 60 },
    { "CEST", 120 },
    { "MET", 60 },
    { "MEST", 120 },
    { "EET", 120 },
    { "EEST", 180 },
    { "MSK", 180 },
    { "EST", -300 },
    { "EDT", -240 },
    { "CST", -360 },
    { "CDT", -300 },
    { "MST", -420 },
    { "MDT", -360 },
    { "PST", -480 },
    { "PDT", -420 },
    { "AKST", -540 },
    { "AKDT", -480 },
    { "HST", -600 },
    { "HDT", -540 },
    { "JST", 540 },
    { "KST", 540 },
    { "HKT", 480 },
    { "SGT", 480 },
    { "AWST", 480 },
    { "ACST", 570 },
    { "ACDT", 630 },
    { "AEST", 600 },
    { "AEDT", 660 },
    { "NZST", 720 },
    { "NZDT", 780 },
    { "SAST", 120 },
    { "WIB", 420 },
    { "WITA", 480 },
    { "WIT", 540 },
    { "BRT", -180 },
    { "ART", -180 },
    { "WAT", 60 },
    { "CAT", 120 },
    { "EAT", 180 },
    { "PKT", 300 },
    { "IDT", 180 },
    { "AST", -240 },
    { "ADT", -180 },
    { "NST", -210 },
    { "NDT", -150 },
    { "ChST", 600 },
    { "SST", -660 },
};
constexpr int abbreviationCount = int(sizeof(abbreviations) / sizeof(abbreviations[0]));
static_assert(abbreviationCount < 256);

constexpr const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isAlpha(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Reads exactly `width` digits.
bool digits(const char *&p, const char *end, int width, int &value)
{
    value = 0;
    for (int n = 0; n < width; ++n, ++p) {
        if (p >= end || !isDigit(*p))
            return false;
        value = value * 10 + (*p - '0');
    }
    return true;
}

// "Z", "+02", "+0200", "+02:00"
bool offset(const char *&p, const char *end, int &seconds)
{
    if (p < end && *p == 'Z') {
        ++p;
        seconds = 0;
        return true;
    }
    if (p >= end || (*p != '+' && *p != '-'))
        return false;
    const int sign = *p == '-' ? -1 : 1;
    ++p;
    int hours = 0, minutes = 0;
    if (!digits(p, end, 2, hours))
        return false;
    if (p < end && *p == ':')
        ++p;
    if (p + 1 < end && isDigit(p[0]) && isDigit(p[1])) {
        minutes = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
    }
    seconds = sign * (hours * 3600 + minutes * 60);
    return hours <= 14 && minutes < 60;
}

} // namespace

TimestampParser::TimestampParser(const QStringList &formats, qint64 epochDivisor)
    : m_divisor(epochDivisor > 0 ? epochDivisor : 1)
{
    static const QByteArray known = "YmdeHMSLfbzZsTFyjaA%"_ba;
    for (const QString &format : formats) {
        const QByteArray bytes = format.toUtf8();
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            if (bytes.at(i) != '%')
                continue;
            if (i + 1 >= bytes.size() || !known.contains(bytes.at(i + 1)))
                throw Error(u"The timestamp format \"%1\" uses a conversion Salvage does not support."_s.arg(format));
            ++i;
        }
        m_formats.push_back(bytes);
    }
}

qint64 TimestampParser::daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = unsigned((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

TimestampParser::CivilDate TimestampParser::civilFromDays(qint64 days)
{
    days += 719468;
    const qint64 era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = unsigned(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    return { int(qint64(yoe) + era * 400 + (month <= 2 ? 1 : 0)), month, day };
}

qint64 TimestampParser::wallMs(const TimestampFields &f)
{
    const qint64 days = daysFromCivil(f.year, f.month, f.day);
    return ((days * 24 + f.hour) * 60 + f.minute) * 60000 + qint64(f.second) * 1000 + f.micros / 1000;
}

const char *TimestampParser::abbreviationName(quint8 abbreviation)
{
    return abbreviation > 0 && abbreviation <= abbreviationCount ? abbreviations[abbreviation - 1].name : "";
}

int TimestampParser::abbreviationOffsetMinutes(quint8 abbreviation)
{
    return abbreviation > 0 && abbreviation <= abbreviationCount ? abbreviations[abbreviation - 1].offsetMinutes : 0;
}

bool TimestampParser::isAmbiguous(quint8 abbreviation)
{
    const QByteArrayView name(abbreviationName(abbreviation));
    return name == "CST" || name == "CDT" || name == "IST" || name == "PST";
}

bool TimestampParser::parseOne(const QByteArray &format, const char *p, const char *end, TimestampFields &out) const
{
    const char *const start = p;
    TimestampFields f;
    f.hasYear = false;
    const char *fmt = format.constData();
    const char *const fmtEnd = fmt + format.size();
    for (; fmt < fmtEnd; ++fmt) {
        if (*fmt != '%') {
            if (*fmt == ' ') { // one or more blanks
                if (p >= end || *p != ' ')
                    return false;
                while (p < end && *p == ' ')
                    ++p;
                continue;
            }
            if (p >= end || *p != *fmt)
                return false;
            ++p;
            continue;
        }
        ++fmt;
        switch (*fmt) {
        case 'Y':
            if (!digits(p, end, 4, f.year))
                return false;
            f.hasYear = true;
            break;
        case 'y':
            if (!digits(p, end, 2, f.year))
                return false;
            f.year += 2000;
            f.hasYear = true;
            break;
        case 'm':
            if (!digits(p, end, 2, f.month) || f.month < 1 || f.month > 12)
                return false;
            break;
        case 'd':
        case 'e': // one or two digits: BSD syslog pads the day with a space
            if (p >= end || !isDigit(*p))
                return false;
            f.day = *p++ - '0';
            if (p < end && isDigit(*p))
                f.day = f.day * 10 + (*p++ - '0');
            if (f.day < 1 || f.day > 31)
                return false;
            break;
        case 'H':
            if (!digits(p, end, 2, f.hour) || f.hour > 23)
                return false;
            break;
        case 'M':
            if (!digits(p, end, 2, f.minute) || f.minute > 59)
                return false;
            break;
        case 'S':
            if (!digits(p, end, 2, f.second) || f.second > 60)
                return false;
            break;
        case 'T':
            if (!digits(p, end, 2, f.hour) || p >= end || *p++ != ':' || !digits(p, end, 2, f.minute) || p >= end
                || *p++ != ':' || !digits(p, end, 2, f.second) || f.hour > 23 || f.minute > 59 || f.second > 60)
                return false;
            break;
        case 'F':
            if (!digits(p, end, 4, f.year) || p >= end || *p++ != '-' || !digits(p, end, 2, f.month) || p >= end
                || *p++ != '-' || !digits(p, end, 2, f.day) || f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31)
                return false;
            f.hasYear = true;
            break;
        case 'L':
        case 'f': { // fraction digits of any length: keep microseconds
            int n = 0, value = 0;
            for (; p < end && isDigit(*p); ++p, ++n)
                if (n < 6)
                    value = value * 10 + (*p - '0');
            if (n == 0)
                return false;
            for (; n < 6; ++n)
                value *= 10;
            f.micros = value;
            break;
        }
        case 'b': {
            if (end - p < 3)
                return false;
            f.month = 0;
            for (int i = 0; i < 12; ++i)
                if (std::memcmp(p, months[i], 3) == 0)
                    f.month = i + 1;
            if (f.month == 0)
                return false;
            p += 3;
            break;
        }
        case 'a':
        case 'A':
            while (p < end && isAlpha(*p))
                ++p;
            break;
        case 'z':
            if (!offset(p, end, f.offsetSeconds))
                return false;
            f.zone = TimestampFields::Zone::Offset;
            break;
        case 'Z': {
            if (offset(p, end, f.offsetSeconds)) {
                f.zone = TimestampFields::Zone::Offset;
                break;
            }
            const char *word = p;
            while (p < end && isAlpha(*p))
                ++p;
            const qptrdiff n = p - word;
            if (n == 0 || n > 5)
                return false;
            f.zone = TimestampFields::Zone::Naive; // unknown abbreviation: the source zone decides
            for (int a = 0; a < abbreviationCount; ++a) {
                const char *name = abbreviations[a].name;
                if (qptrdiff(std::strlen(name)) == n && std::memcmp(name, word, size_t(n)) == 0) {
                    f.zone = TimestampFields::Zone::Abbreviation;
                    f.offsetSeconds = abbreviations[a].offsetMinutes * 60;
                    f.abbreviation = quint8(a + 1);
                }
            }
            // A numeric suffix such as "+02" after an abbreviation-less zone is handled above.
            break;
        }
        case 's': {
            qint64 value = 0;
            int n = 0;
            // 18 digits always fit in 64 bits; the conversion to milliseconds is checked too.
            for (; p < end && isDigit(*p) && n < 18; ++p, ++n)
                value = value * 10 + (*p - '0');
            if (n == 0 || (p < end && isDigit(*p)))
                return false;
            if (m_divisor >= 1000)
                f.epochMs = value / (m_divisor / 1000);
            else if (__builtin_mul_overflow(value, qint64(1000 / m_divisor), &f.epochMs))
                return false;
            f.zone = TimestampFields::Zone::Epoch;
            f.hasYear = true;
            break;
        }
        case 'j': {
            int ignored = 0;
            if (!digits(p, end, 3, ignored))
                return false;
            break;
        }
        case '%':
            if (p >= end || *p++ != '%')
                return false;
            break;
        default:
            return false;
        }
    }
    if (f.zone != TimestampFields::Zone::Epoch && (f.month == 0 || f.day == 0))
        return false;
    f.length = int(p - start);
    out = f;
    return true;
}

bool TimestampParser::parseAt(const char *p, const char *end, TimestampFields &out) const
{
    for (const QByteArray &format : m_formats)
        if (parseOne(format, p, end, out))
            return true;
    return false;
}

qptrdiff TimestampParser::scan(const char *p, const char *end, int window, TimestampFields &out) const
{
    const char *const limit = std::min(end, p + window);
    for (const char *q = p; q < limit; ++q) {
        // Timestamps start at a word boundary with a digit or a capital (month name).
        if (q > p && (isDigit(q[-1]) || isAlpha(q[-1])))
            continue;
        if (!isDigit(*q) && !(*q >= 'A' && *q <= 'Z'))
            continue;
        if (parseAt(q, end, out))
            return q - p;
    }
    return -1;
}

} // namespace salvage
