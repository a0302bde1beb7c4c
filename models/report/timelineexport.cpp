#include "timelineexport.h"

#include "core/error.h"
#include "jobs/jobcontrol.h"
#include "postmortemfigures.h"
#include "timelinereport.h"

#include <QDir>
#include <QFileInfo>

#include <memory>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

bool hasSummary(ReportWriter::Format format)
{
    return format == ReportWriter::Format::Markdown || format == ReportWriter::Format::Html;
}

std::unique_ptr<SafeFileWriter> openWriter(const QString &path, SafeFileWriter::Existing existing)
{
    auto file = std::make_unique<SafeFileWriter>(path, existing);
    if (!file->open(QIODevice::WriteOnly))
        throw Error(file->errorString());
    return file;
}

} // namespace

QString TimelineExport::figureFileName(const QString &reportPath, const QString &figure)
{
    return QFileInfo(reportPath).completeBaseName() + u'-' + figure + u".svg"_s;
}

void TimelineExport::write(const Timeline &timeline, const Annotations &annotations,
    const TimelineExportRequest &request, const std::vector<EventRef> &selection, QIODevice &out,
    const PostmortemSummary *summary, JobControl *control)
{
    QSet<EventRef> inferred;
    timeline.keyed(request.filter.keys, &inferred);
    TimelineReport report(timeline, &annotations);
    report.setInferred(std::move(inferred));
    ReportWriter writer(&out, request.format, request.title);
    if (summary)
        writer.setSummary(*summary);
    report.write(writer, selection, report.sourceNotes(), control);
}

void TimelineExport::toDevice(Timeline &timeline, const Annotations &annotations, const TimelineExportRequest &request,
    QIODevice &out, JobControl *control)
{
    // Selected once: a text search reads every file.
    const std::vector<EventRef> selection = timeline.select(request.filter);
    std::optional<PostmortemSummary> summary;
    if (hasSummary(request.format))
        summary = PostmortemSummarizer(timeline, annotations, request.inputs).summarize(selection);
    write(timeline, annotations, request, selection, out, summary ? &*summary : nullptr, control);
}

QStringList TimelineExport::toFile(Timeline &timeline, const Annotations &annotations,
    const TimelineExportRequest &request, const QString &path, SafeFileWriter::Existing existing, JobControl *control)
{
    // Every file is opened first, so that one that exists stops the export before anything lands.
    const std::unique_ptr<SafeFileWriter> report = openWriter(path, existing);
    QStringList written { path };
    const std::vector<EventRef> selection = timeline.select(request.filter);
    std::optional<PostmortemSummary> summary;
    std::vector<std::unique_ptr<SafeFileWriter>> figures;
    if (hasSummary(request.format)) {
        summary = PostmortemSummarizer(timeline, annotations, request.inputs).summarize(selection);
        if (control)
            control->throwIfCancelled();
        PostmortemFigures::addAll(timeline, request.inputs, *summary);
        const QDir directory = QFileInfo(path).absoluteDir();
        for (PostmortemFigure &figure : summary->figures) {
            figure.fileName = figureFileName(path, figure.name);
            const QString figurePath = directory.filePath(figure.fileName);
            figures.push_back(openWriter(figurePath, existing));
            figures.back()->write(figure.svg);
            written.append(figurePath);
        }
    }
    write(timeline, annotations, request, selection, *report, summary ? &*summary : nullptr, control);
    // The report first: when it fails (a full disk) nothing is put in place, the figures' temporary
    // files go with their writers.
    if (!report->commit())
        throw Error(report->errorString());
    for (const std::unique_ptr<SafeFileWriter> &figure : figures)
        if (!figure->commit())
            throw Error(figure->errorString() + u" (the report %1 was written without it)"_s.arg(path));
    return written;
}

} // namespace salvage
