#include "indexedlog.h"

#include "core/error.h"
#include "eventreader.h"
#include "formatdetector.h"
#include "linescanner.h"
#include "logs/logcategory.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
QTimeZone zoneOf(const QString &name)
{
    if (name.isEmpty())
        return QTimeZone::utc();
    const QTimeZone zone(name.toUtf8());
    if (!zone.isValid())
        throw Error(
            u"\"%1\" is not a time zone this system knows (use an IANA name such as Europe/Berlin)."_s.arg(name));
    return zone;
}
} // namespace

IndexedLog::IndexedLog(const LogSource &source, const FormatRegistry &registry)
    : m_source(source)
    , m_registry(registry)
    , m_file(std::make_unique<LogFile>(source.path))
    , m_clock(zoneOf(source.timeZone), source.clockOffsetMs)
{
    const QDate modified = m_file->lastModified().date();
    if (modified.isValid())
        m_clock.setReferenceDate(modified.year(), modified.month(), modified.day());
}

QString IndexedLog::label() const
{
    return m_source.label.isEmpty() ? QFileInfo(m_source.path).fileName() : m_source.label;
}

QString IndexedLog::zoneDescription() const
{
    if (!m_source.timeZone.isEmpty())
        return m_source.timeZone;
    if (m_ambiguousAbbreviation == 0)
        return u"UTC (default)"_s;
    // CST is UTC+8 in a log written in China: only the source's zone tells, so say what was assumed.
    const int minutes = TimestampParser::abbreviationOffsetMinutes(m_ambiguousAbbreviation);
    return u"UTC (default); %1 read as UTC%2%3:%4 (ambiguous: give the source's zone)"_s
        .arg(QString::fromLatin1(TimestampParser::abbreviationName(m_ambiguousAbbreviation)),
            minutes < 0 ? u"-"_s : u"+"_s)
        .arg(qAbs(minutes) / 60, 2, 10, QChar(u'0'))
        .arg(qAbs(minutes) % 60, 2, 10, QChar(u'0'));
}

QString IndexedLog::timesDescription() const
{
    const QString zoned
        = m_firstOffset.isEmpty() ? u"times carry their zone"_s : u"times carry their offset (%1)"_s.arg(m_firstOffset);
    const QString naive = u"naive times read as "_s + zoneDescription();
    if (m_zonedTimes > 0 && m_naiveTimes == 0)
        return zoned;
    if (m_zonedTimes > 0)
        return u"%1; %L2 %3"_s.arg(zoned).arg(m_naiveTimes).arg(naive);
    return naive;
}

QStringList IndexedLog::caveats() const
{
    QStringList caveats;
    if (m_format && m_format->id == u"plain"_s)
        caveats << u"%1: no known log format, so its lines have no times"_s.arg(label());
    if (m_source.timeZone.isEmpty() && m_ambiguousAbbreviation != 0)
        caveats << u"%1: %2"_s.arg(label(), zoneDescription().section(u"; "_s, 1));
    if (!m_file->damage().isEmpty())
        caveats << u"%1: %2"_s.arg(label(), m_file->damage());
    return caveats;
}

void IndexedLog::build(const std::atomic_bool *cancel)
{
    const QList<LogFormat> &formats = m_registry.formats();
    if (!m_source.format.isEmpty()) {
        const int index = m_registry.indexOf(m_source.format);
        if (index < 0)
            throw Error(u"The log format \"%1\" chosen for %2 is not known."_s.arg(m_source.format, m_source.path));
        m_format = &formats.at(index);
        if (m_format->payloadOnly)
            throw Error(u"The log format \"%1\" chosen for %2 has no time of its own: it is read inside a journald, "
                        u"syslog or docker log, "
                        "so leave the format to detection."_s.arg(m_source.format, m_source.path));
    } else {
        const FormatDetector::Result detected = FormatDetector(m_registry).detect(*m_file);
        if (detected.format >= 0) {
            m_format = &formats.at(detected.format);
            m_payload = detected.payload >= 0 ? &formats.at(detected.payload) : nullptr;
        }
    }
    if (!m_format) {
        // Nothing recognised: index it as plain lines so it still shows, without instants.
        static const LogFormat plain = [] {
            LogFormat f;
            f.id = u"plain"_s;
            f.title = u"Unrecognised text"_s;
            f.patterns.append(QRegularExpression(u"^(?<timestamp>)(?<body>.*)$"_s));
            f.patternGroups.append(f.patterns.first().namedCaptureGroups());
            f.bodyField = u"body"_s;
            return f;
        }();
        m_format = &plain;
    }
    m_fallbacks.clear();
    for (const LogFormat &f : formats)
        if (!f.envelope && !f.payloadOnly && f.kind == LogFormat::Kind::Text && &f != m_format && &f != m_payload)
            m_fallbacks.append(&f);
    LineScanner scanner(m_format, m_payload, m_fallbacks, m_clock);
    m_index.build(*m_file, scanner, cancel);
    m_ambiguousAbbreviation = scanner.ambiguousAbbreviation();
    m_naiveTimes = scanner.naiveTimes();
    m_zonedTimes = scanner.zonedTimes();
    m_firstOffset = scanner.firstOffset();
    const QString format = m_payload ? m_payload->id + u" in "_s + m_format->id : m_format->id;
    qCDebug(lcLogs).noquote() << m_source.path << "read as" << format << m_index.count() << "entries,"
                              << m_index.timestampedCount() << "with a time";
}

QByteArray IndexedLog::entryBytes(qint64 entry) const
{
    const qint64 start = m_index.offset(entry);
    return m_file->read(start, std::min<qint64>(m_index.end(entry) - start, entryLimit));
}

LogEvent IndexedLog::event(qint64 entry, EventParser::Detail detail) const
{
    return parsed(entry, EventParser(m_format, m_payload), entryBytes(entry), detail);
}

std::vector<bool> IndexedLog::entriesContaining(const QByteArray &lowerNeedle, const std::atomic_bool *cancel) const
{
    const qint64 count = m_index.count();
    std::vector<bool> hits(size_t(count), false);
    if (count == 0 || lowerNeedle.isEmpty())
        return hits;
    const qint64 last = m_index.end(count - 1);
    const qint64 overlap = lowerNeedle.size() - 1; // a match may straddle two blocks
    for (qint64 blockStart = m_index.offset(0); blockStart < last; blockStart += blockBytes) {
        if (cancel && cancel->load())
            throw Cancelled();
        const QByteArray block = m_file->read(blockStart, std::min(blockBytes + overlap, last - blockStart)).toLower();
        qint64 entry = 0;
        for (qsizetype at = block.indexOf(lowerNeedle); at >= 0; at = block.indexOf(lowerNeedle, at)) {
            const qint64 where = blockStart + at;
            // The entry holding the match: the last one starting at or before it.
            qint64 low = entry, high = count - 1;
            while (low < high) {
                const qint64 middle = (low + high + 1) / 2;
                if (m_index.offset(middle) <= where)
                    low = middle;
                else
                    high = middle - 1;
            }
            entry = low;
            if (where + lowerNeedle.size() <= m_index.end(entry))
                hits[size_t(entry)] = true;
            // The rest of this entry cannot add anything: go on after it.
            at = std::max<qsizetype>(at + 1, qsizetype(m_index.end(entry) - blockStart));
            if (at >= block.size())
                break;
        }
    }
    return hits;
}

const LogFormat *IndexedLog::lineFormat(qint64 entry) const
{
    const int fallback = m_index.fallbackFormat(entry);
    return fallback >= 0 ? m_fallbacks.at(fallback) : nullptr;
}

LogEvent IndexedLog::parsed(
    qint64 entry, const EventParser &parser, const QByteArray &bytes, EventParser::Detail detail) const
{
    LogEvent event = parser.parse(bytes, lineFormat(entry), detail);
    event.instantMs = m_index.instant(entry);
    event.flags |= m_index.flags(entry);
    event.line = m_index.line(entry);
    if (event.level == LogLevel::Unknown)
        event.level = m_index.level(entry);
    return event;
}

} // namespace salvage
