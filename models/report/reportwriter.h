#pragma once

#include "postmortem.h"
#include "reportentry.h"

#include <QIODevice>

#include <optional>

namespace salvage {

/// Streams a postmortem: Markdown (a UTC table, starred and manual events first), HTML, CSV
/// and JSONL in Timesketch's import shape (message, datetime with offset, timestamp_desc, tag,
/// comment). Rows are written as they come, so exports of millions of events stay small in memory.
class ReportWriter
{
public:
    enum class Format { Markdown, Html, Csv, Jsonl };

    /// "markdown", "html", "csv", "jsonl"; nullopt otherwise.
    static std::optional<Format> formatFromName(const QString &name);

    ReportWriter(QIODevice *out, Format format, QString title);

    /// Writes the header; `highlights` (starred and manual) open Markdown and HTML reports,
    /// `notes` are lines about the sources (files, zones) printed under the title.
    void begin(const QList<ReportEntry> &highlights, const QStringList &notes);
    /// A one-page summary (what happened, when, how far, what was restored; the loss table and
    /// the figures written) that Markdown and HTML put first, after the title. Call before begin().
    void setSummary(PostmortemSummary summary) { m_summary = std::move(summary); }
    void add(const ReportEntry &entry);
    /// Ends the report and writes what is still buffered (rows go out in blocks of about 1 MB).
    void finish();

    /// "2024-12-26T20:30:54.058+00:00"
    static QString isoUtc(qint64 ms);

private:
    void write(const QString &text);
    void jsonLine(const ReportEntry &entry);
    void flushIfFull();
    void flush();
    void tableRow(const ReportEntry &entry);
    void writeSummary();
    /// The table "Recoverable from FIRST vs SECOND", per table and in all.
    void writeGain(const BackupGain &gain);

    QIODevice *m_out;
    Format m_format;
    QString m_title;
    std::optional<PostmortemSummary> m_summary;
    QByteArray m_buffer;
};

} // namespace salvage
