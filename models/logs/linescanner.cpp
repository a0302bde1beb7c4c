#include "linescanner.h"

#include "eventparser.h"

#include <cstring>

namespace salvage {

namespace {

constexpr int levelWindow = 512;

bool isWordChar(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

} // namespace

QByteArrayView jsonFieldBytes(const char *p, const char *end, const QByteArray &quotedKey)
{
    const QByteArrayView line(p, end - p);
    qsizetype at = line.indexOf(quotedKey);
    if (at < 0)
        return {};
    const char *q = p + at + quotedKey.size();
    while (q < end && (*q == ' ' || *q == ':'))
        ++q;
    if (q < end && *q == '"') {
        const char *start = ++q;
        while (q < end && *q != '"')
            q += *q == '\\' ? 2 : 1;
        return QByteArrayView(start, std::min(q, end) - start);
    }
    const char *start = q;
    while (q < end && *q != ',' && *q != '}' && *q != ' ')
        ++q;
    return QByteArrayView(start, q - start);
}

LineScanner::LineScanner(
    const LogFormat *format, const LogFormat *payload, QList<const LogFormat *> fallbacks, SourceClock clock)
    : m_format(format)
    , m_payload(payload)
    , m_fallbacks(std::move(fallbacks))
    , m_clock(std::move(clock))
{
}

bool LineScanner::findTime(
    const LogFormat &format, const char *p, const char *end, int window, TimestampFields &out) const
{
    if (format.kind == LogFormat::Kind::Json) {
        const QByteArray key = '"' + format.timestampField.toUtf8() + '"';
        const QByteArrayView value = jsonFieldBytes(p, end, key);
        return !value.isEmpty() && format.timestamps.parseAt(value.data(), value.data() + value.size(), out);
    }
    if (format.kind == LogFormat::Kind::Csv) // the whole first column, not a prefix of it
        return format.timestamps.parseAt(p, end, out) && p + out.length < end && p[out.length] == ',';
    return format.timestamps.scan(p, end, window, out) >= 0;
}

LogLevel LineScanner::jsonLevel(const LogFormat &format, const char *p, const char *end)
{
    if (format.levelField.isEmpty())
        return LogLevel::Unknown;
    const QByteArrayView value = jsonFieldBytes(p, end, '"' + format.levelField.toUtf8() + '"');
    if (value.isEmpty())
        return LogLevel::Unknown;
    const QByteArray bytes = value.toByteArray();
    auto cached = m_levelCache.constFind(bytes);
    if (cached == m_levelCache.constEnd() && m_levelCache.size() < 256)
        cached = m_levelCache.insert(bytes, format.levelOf(QString::fromUtf8(bytes)));
    return cached == m_levelCache.constEnd() ? format.levelOf(QString::fromUtf8(bytes)) : *cached;
}

LogLevel LineScanner::findLevel(const LogFormat &format, const char *p, const char *end, bool *joins)
{
    if (format.kind == LogFormat::Kind::Json)
        return jsonLevel(format, p, end);
    if (format.levelWords.isEmpty() && format.joinLevels.isEmpty())
        return LogLevel::Unknown; // e.g. an access log: its level comes from the parsed status
    // The first word that is a level value (or a join level such as DETAIL) decides.
    const char *limit = std::min(end, p + levelWindow);
    for (const char *q = p; q < limit;) {
        while (q < limit && !isWordChar(*q))
            ++q;
        const char *word = q;
        while (q < limit && isWordChar(*q))
            ++q;
        if (q == word || q - word > 12)
            continue;
        const QByteArray token = QByteArray::fromRawData(word, q - word);
        const auto found = format.levelWords.constFind(token);
        if (found != format.levelWords.constEnd())
            return *found;
        if (joins && format.joinLevels.contains(token)) {
            *joins = true;
            return LogLevel::Unknown;
        }
    }
    return LogLevel::Unknown;
}

bool LineScanner::continuesCsvRecord(const char *p, const char *end, const char *lineEnd)
{
    // A line that starts inside a quoted field (a statement or message with newlines) continues the
    // record whatever it looks like; "" inside a field toggles twice, so counting quotes is enough.
    bool inside = false;
    qsizetype separators = 0;
    for (const char *q = p; q < lineEnd; ++q) {
        if (*q == '"')
            inside = !inside;
        else if (*q == ',' && !inside)
            ++separators;
    }
    if (!m_inQuotes) {
        m_inQuotes = inside;
        return false;
    }
    // Unless the line is a whole record of its own: the quoting was torn (a crash mid-write) and
    // must not swallow the rest of the file.
    TimestampFields ignored;
    if (!inside && separators * 2 >= m_format->csvColumns.size() && findTime(*m_format, p, end, 0, ignored)) {
        m_inQuotes = false;
        return false;
    }
    m_inQuotes = !inside;
    return true;
}

LineScanner::Result LineScanner::scan(const char *p, const char *end, const char *lineEnd)
{
    Result result;
    if (m_format->kind == LogFormat::Kind::Csv && continuesCsvRecord(p, end, lineEnd ? lineEnd : end)) {
        result.joinsPrevious = true;
        return result;
    }
    if (m_format->kind == LogFormat::Kind::Text && !m_format->timestamps.isEmpty() && p < end
        && (*p == ' ' || *p == '\t')) {
        // An indented line continues an entry (PostgreSQL's tab before each further line of a
        // statement, tracebacks) even when it holds a timestamp of its own.
        result.joinsPrevious = true;
        return result;
    }
    TimestampFields fields;
    const int window = m_format->kind == LogFormat::Kind::Text ? 256 : 0;
    // A JSON line's fields come in any order: docker writes "time" after a "log" of up to 16 KB,
    // journald its fields shuffled. Look for them in the whole line, not only its start.
    const char *fieldsEnd = m_format->kind == LogFormat::Kind::Json && lineEnd ? lineEnd : end;
    if (m_format->partialLines) {
        // docker cuts a line longer than 16 KB into entries; all but the last lack the "\n".
        const bool continues = m_partial;
        const QByteArrayView body = jsonFieldBytes(p, fieldsEnd, '"' + m_format->bodyField.toUtf8() + '"');
        m_partial = !body.isEmpty() && !body.endsWith("\\n");
        if (continues) {
            result.joinsPrevious = true;
            return result;
        }
    }
    result.hasTime = findTime(*m_format, p, fieldsEnd, window, fields);
    bool joins = false;
    if (result.hasTime) {
        const LogFormat &levels = m_payload ? *m_payload : *m_format;
        result.level = m_format->kind == LogFormat::Kind::Json && (!m_payload || !m_format->levelField.isEmpty())
            ? jsonLevel(*m_format, p, fieldsEnd)
            : findLevel(levels, p, end, &joins);
        const bool continuations = m_payload && !m_payload->continuationPattern.pattern().isEmpty();
        if (m_payload && (fields.zone == TimestampFields::Zone::Naive || continuations)) {
            // A naive envelope time (BSD syslog) yields to an absolute one in the payload.
            TimestampFields inner;
            const bool innerTime = findTime(*m_payload, p + fields.length, end, 256, inner);
            if (innerTime && inner.zone != TimestampFields::Zone::Naive && fields.zone == TimestampFields::Zone::Naive)
                fields = inner;
            // PostgreSQL through syslog cuts a long or multi-line message into "[7-2] …" lines.
            if (!innerTime && continuations) {
                quint16 flags = 0;
                const auto payload
                    = EventParser::payloadOf(*m_format, EventParser::decode(QByteArrayView(p, end - p), &flags));
                joins = joins || (payload && m_payload->continuationPattern.match(*payload).hasMatch());
            }
        }
        if (m_ambiguous == 0 && fields.zone == TimestampFields::Zone::Abbreviation
            && TimestampParser::isAmbiguous(fields.abbreviation))
            m_ambiguous = fields.abbreviation;
        countZone(fields);
        result.instant = m_clock.toUtc(fields);
        result.joinsPrevious = joins;
        return result;
    }
    // Without timestamps of its own (JSON lines, unrecognised text) a line never continues another.
    const bool canJoin = m_format->kind != LogFormat::Kind::Json && !m_format->timestamps.isEmpty();
    if (p == end || *p == ' ' || *p == '\t' || m_format->kind == LogFormat::Kind::Json) {
        result.joinsPrevious = canJoin;
        return result;
    }
    for (int i = 0; i < m_fallbacks.size(); ++i) {
        if (findTime(*m_fallbacks.at(i), p, end, 64, fields)) {
            result.hasTime = true;
            result.fallbackFormat = i;
            countZone(fields);
            result.instant = m_clock.toUtc(fields);
            result.level = findLevel(*m_fallbacks.at(i), p, end, nullptr);
            return result;
        }
    }
    result.joinsPrevious = canJoin;
    return result;
}

void LineScanner::countZone(const TimestampFields &fields)
{
    if (fields.zone == TimestampFields::Zone::Naive) {
        ++m_naive;
        return;
    }
    ++m_zoned;
    if (m_firstOffset.isEmpty() && fields.zone == TimestampFields::Zone::Offset) {
        const int minutes = fields.offsetSeconds / 60;
        m_firstOffset
            = QString::asprintf("%c%02d:%02d", minutes < 0 ? '-' : '+', qAbs(minutes) / 60, qAbs(minutes) % 60);
    }
}

} // namespace salvage
