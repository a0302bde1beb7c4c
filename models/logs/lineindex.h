#pragma once

#include "deltacolumn.h"
#include "loglevel.h"

#include <QHash>

#include <atomic>
#include <vector>

namespace salvage {

class LogFile;
class LineScanner;

/// The index of one log file, built once in a single streaming pass: where each entry starts
/// (an entry is a line plus the lines joined to it), its UTC instant, level and flags. Columns
/// are stored apart (about 20 bytes an entry); the text stays in the file.
class LineIndex
{
public:
    enum Flag : quint8 {
        NoTimestamp = 1, ///< no timestamp found: inherits the previous entry's instant
        Multiline = 2, ///< has continuation lines
        LongLine = 4, ///< a line longer than the index reads; shown cut
        Truncated = 8, ///< the file ends inside this entry (no final newline)
        Fallback = 16, ///< parsed with another format than the file's
    };

    /// Reads `file` through `scanner`; `cancel` (optional) stops early when set.
    void build(const LogFile &file, LineScanner &scanner, const std::atomic_bool *cancel = nullptr);

    qint64 count() const { return qint64(m_levels.size()); }
    qint64 offset(qint64 entry) const { return m_offsets[size_t(entry)]; }
    /// End (exclusive) of the entry's bytes, trailing newline included.
    qint64 end(qint64 entry) const { return entry + 1 < count() ? m_offsets[size_t(entry + 1)] : m_fileSize; }
    qint64 instant(qint64 entry) const { return m_instants[size_t(entry)]; }
    LogLevel level(qint64 entry) const { return LogLevel(m_levels[size_t(entry)]); }
    void setLevel(qint64 entry, LogLevel level) { m_levels[size_t(entry)] = quint8(level); }
    quint8 flags(qint64 entry) const { return m_flags[size_t(entry)]; }
    /// 1-based line number where the entry starts.
    qint64 line(qint64 entry) const;
    /// Index into the scanner's fallback formats, or -1 for the file's own format.
    int fallbackFormat(qint64 entry) const { return m_fallback.value(entry, -1); }

    bool isSorted() const { return m_sorted; }
    qint64 lineCount() const { return m_lineCount; }
    qint64 timestampedCount() const { return m_timestamped; }
    /// Approximate heap bytes held by the index.
    qint64 memoryBytes() const;

    /// Longest stretch of a line the index looks at; longer lines are flagged LongLine.
    static constexpr qint64 prefixBytes = 4096;

private:
    void addLine(qint64 offset, const char *p, const char *end, LineScanner &scanner, quint8 extraFlags);
    void finish();

    /// While building, 8 bytes an entry; finish() packs them into m_offsets and m_instants.
    std::vector<qint64> m_buildingOffsets;
    std::vector<qint64> m_buildingInstants;
    DeltaColumn m_offsets;
    DeltaColumn m_instants;
    std::vector<quint32> m_lines; ///< per entry while building; after it only when m_lineSteps would not be small
    /// (first entry, line - entry from there on): a file with one entry per line needs one step.
    std::vector<std::pair<qint64, qint64>> m_lineSteps;
    std::vector<quint8> m_levels;
    std::vector<quint8> m_flags;
    QHash<qint64, int> m_fallback;
    qint64 m_fileSize = 0;
    qint64 m_lineCount = 0;
    qint64 m_timestamped = 0;
    bool m_sorted = true;
};

} // namespace salvage
