#pragma once

#include "logformat.h"
#include "sourceclock.h"

#include <QHash>

namespace salvage {

/// Classifies one line from its raw bytes, fast enough for the index: its instant, its level,
/// and whether it starts an entry or continues the previous one (multi-line joins: PostgreSQL
/// DETAIL/STATEMENT/HINT, backtraces, quoted CSV newlines). Never builds strings.
class LineScanner
{
public:
    struct Result
    {
        bool hasTime = false;
        bool joinsPrevious = false;
        qint64 instant = 0;
        LogLevel level = LogLevel::Unknown;
        int fallbackFormat = -1; ///< index into the fallback list when the locked format did not fit
    };

    /// `format` is the file's locked format (an envelope when `payload` is set); `fallbacks` are
    /// tried, per line, when the locked format finds no timestamp in a line that is not indented.
    LineScanner(
        const LogFormat *format, const LogFormat *payload, QList<const LogFormat *> fallbacks, SourceClock clock);

    /// Classifies the line [p, end); `lineEnd` (when the caller cut the line short for speed) is
    /// its real end, read only to follow CSV quoting across lines.
    Result scan(const char *p, const char *end, const char *lineEnd = nullptr);
    const QList<const LogFormat *> &fallbacks() const { return m_fallbacks; }
    /// The first ambiguous zone abbreviation (CST, IST…) seen, or 0 (TimestampParser::abbreviationName).
    quint8 ambiguousAbbreviation() const { return m_ambiguous; }
    /// Timestamps read so far that carried no zone (read in the source's zone) and that carried
    /// their own (an offset, an abbreviation, an epoch): whether "naive" describes the source.
    qint64 naiveTimes() const { return m_naive; }
    qint64 zonedTimes() const { return m_zoned; }
    /// The first offset written in the log ("+02:00"), empty when none was seen.
    const QString &firstOffset() const { return m_firstOffset; }

private:
    bool findTime(const LogFormat &format, const char *p, const char *end, int window, TimestampFields &out) const;
    LogLevel findLevel(const LogFormat &format, const char *p, const char *end, bool *joins);
    /// Follows CSV quoting over the whole line; true when the line continues the previous record.
    bool continuesCsvRecord(const char *p, const char *end, const char *lineEnd);
    LogLevel jsonLevel(const LogFormat &format, const char *p, const char *end);

    const LogFormat *m_format;
    const LogFormat *m_payload;
    QList<const LogFormat *> m_fallbacks;
    SourceClock m_clock;
    QHash<QByteArray, LogLevel> m_levelCache; ///< level-field values seen, for regex level maps
    bool m_inQuotes = false; ///< CSV: the previous line ended inside a quoted field
    bool m_partial = false; ///< JSON with partial lines: the previous line's body had no final newline
    quint8 m_ambiguous = 0;
    qint64 m_naive = 0;
    qint64 m_zoned = 0;
    QString m_firstOffset;
    void countZone(const TimestampFields &fields);
};

/// The value bytes of `"field":` in a JSON line (string contents or a bare scalar), or an empty view.
QByteArrayView jsonFieldBytes(const char *p, const char *end, const QByteArray &quotedKey);

} // namespace salvage
