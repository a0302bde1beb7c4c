#pragma once

#include "core/safefilewriter.h"
#include "postmortem.h"
#include "reportwriter.h"
#include "timeline/timelinefilter.h"

namespace salvage {

class Annotations;
class JobControl;
class Timeline;

/// What to export from a timeline, and with what around it.
struct TimelineExportRequest
{
    ReportWriter::Format format = ReportWriter::Format::Markdown;
    TimelineFilter filter;
    QString title = QStringLiteral("Incident timeline");
    PostmortemInputs inputs;
};

/// The one postmortem export, shared by `salvage-cli timeline` and the Timeline view: selects the
/// filtered events, puts every marked event under "Key events", and for Markdown and HTML opens
/// with the summary and writes the figures next to the report. Runs off the GUI thread.
class TimelineExport
{
public:
    /// Writes the report to `path` and, for Markdown and HTML, each figure to "<name>-<figure>.svg"
    /// beside it, every file through SafeFileWriter, all opened (an existing one refused unless
    /// `existing` is Replace) and written before any is put in place; the report is put in place
    /// first, so a failure there leaves nothing behind. Returns the files written, the report first.
    /// Throws salvage::Error naming the file, or Cancelled.
    static QStringList toFile(Timeline &timeline, const Annotations &annotations, const TimelineExportRequest &request,
        const QString &path, SafeFileWriter::Existing existing = SafeFileWriter::Existing::Keep,
        JobControl *control = nullptr);
    /// Writes the report alone to `out` (standard output): the summary, without figures.
    static void toDevice(Timeline &timeline, const Annotations &annotations, const TimelineExportRequest &request,
        QIODevice &out, JobControl *control = nullptr);
    /// "report-events.svg" for "/dir/report.html" and "events".
    static QString figureFileName(const QString &reportPath, const QString &figure);

private:
    static void write(const Timeline &timeline, const Annotations &annotations, const TimelineExportRequest &request,
        const std::vector<EventRef> &selection, QIODevice &out, const PostmortemSummary *summary, JobControl *control);
};

} // namespace salvage
