#pragma once

#include "eventparser.h"
#include "formatregistry.h"
#include "lineindex.h"
#include "logfile.h"
#include "sourceclock.h"
#include "workspace/workspace.h"

#include <atomic>
#include <functional>
#include <memory>

namespace salvage {

/// One log source ready to read: the open file, its detected (or chosen) format, its clock and
/// its index. Events are parsed on demand from the index, never kept.
class IndexedLog
{
public:
    /// Opens the file and resolves the zone; throws salvage::Error (unreadable file, unknown
    /// format id, unknown time zone).
    IndexedLog(const LogSource &source, const FormatRegistry &registry);

    /// Detects the format (unless the source names one) and builds the index.
    void build(const std::atomic_bool *cancel = nullptr);

    const LogSource &source() const { return m_source; }
    /// Lane name: the source's label, else the file name.
    QString label() const;
    const LogFile &file() const { return *m_file; }
    const LineIndex &index() const { return m_index; }
    LineIndex &index() { return m_index; }
    const LogFormat *format() const { return m_format; }
    const LogFormat *payload() const { return m_payload; }
    const SourceClock &clock() const { return m_clock; }
    /// "Europe/Berlin" or "UTC (default)": how naive timestamps of this source were read; without a
    /// zone, also how an ambiguous abbreviation was read ("CST read as UTC-06:00").
    QString zoneDescription() const;
    /// How this source's times were read, for a report: "times carry their offset (+02:00)" when
    /// every timestamp had one (naive does not describe them), "naive times read as Europe/Berlin"
    /// when none had, and both halves when the log mixes them.
    QString timesDescription() const;
    /// What an operator must know before trusting this source's times, in one sentence each:
    /// unrecognised format (no instants), an ambiguous zone abbreviation read without a zone,
    /// damage (a truncated .gz). Empty when nothing is wrong.
    QStringList caveats() const;

    QByteArray entryBytes(qint64 entry) const;
    /// Per entry: whether its raw bytes contain `lowerNeedle` (ASCII case ignored; pass it
    /// lower-cased). Reads the file in large blocks and searches each once, rather than one
    /// read per entry: the text search over a million events.
    std::vector<bool> entriesContaining(const QByteArray &lowerNeedle, const std::atomic_bool *cancel = nullptr) const;
    LogEvent event(qint64 entry, EventParser::Detail detail = EventParser::Detail::Full) const;

private:
    friend class EventReader;
    /// Entries are parsed up to this many bytes (long lines are cut); files are read in blocks.
    static constexpr qint64 entryLimit = 64 * 1024 + 1;
    static constexpr qint64 blockBytes = 1 << 20;

    /// The format an entry was indexed with when not the file's (per-line fallback), else nullptr.
    const LogFormat *lineFormat(qint64 entry) const;
    LogEvent parsed(qint64 entry, const EventParser &parser, const QByteArray &bytes, EventParser::Detail detail) const;

    LogSource m_source;
    const FormatRegistry &m_registry;
    std::unique_ptr<LogFile> m_file;
    SourceClock m_clock;
    const LogFormat *m_format = nullptr;
    const LogFormat *m_payload = nullptr;
    QList<const LogFormat *> m_fallbacks;
    LineIndex m_index;
    quint8 m_ambiguousAbbreviation = 0;
    qint64 m_naiveTimes = 0;
    qint64 m_zonedTimes = 0;
    QString m_firstOffset;
};

} // namespace salvage
