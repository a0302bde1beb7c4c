#include "clicommand.h"

#include "core/error.h"
#include "core/inputfile.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "diff/backupgain.h"
#include "diff/diffrunner.h"
#include "jobs/jobcontrol.h"
#include "report/timelineexport.h"
#include "report/timelinereport.h"
#include "timeline/annotations.h"
#include "timeline/timeline.h"
#include "timeline/timelineloader.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QTimeZone>

#include <memory>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace salvage::cli {

namespace {

// ISO 8601 with an offset or Z; without one the time is UTC.
qint64 parseInstant(const QString &text, const QString &option)
{
    QString iso = text.trimmed();
    if (iso.size() > 10 && iso.at(10) == u' ')
        iso[10] = u'T';
    QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!time.isValid())
        throw UsageError { u"timeline: %1 \"%2\" is not an ISO 8601 time (e.g. 2024-12-26T20:30:00Z)"_s.arg(
            option, text) };
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeZone(QTimeZone::utc());
    return time.toMSecsSinceEpoch();
}

QList<LogSource> sourcesFrom(const QStringList &logs, const QStringList &zones)
{
    QList<LogSource> sources;
    for (const QString &path : logs)
        sources.append(LogSource { path, {}, {}, {}, 0 });
    for (const QString &assignment : zones) {
        const qsizetype equals = assignment.lastIndexOf(u'=');
        if (equals <= 0 || equals == assignment.size() - 1)
            throw UsageError { u"timeline: --source-tz takes FILE=ZONE, not \"%1\""_s.arg(assignment) };
        const QString file = assignment.left(equals);
        bool matched = false;
        for (LogSource &source : sources) {
            if (source.path == file || QFileInfo(source.path).fileName() == file) {
                source.timeZone = assignment.mid(equals + 1);
                matched = true;
            }
        }
        if (!matched)
            throw UsageError { u"timeline: --source-tz names \"%1\", which is not one of the --log files"_s.arg(file) };
    }
    return sources;
}

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + u" UTC"_s;
}

// Per --key: how many selected events carry it, in which roles and as which table's id.
QString keyLines(const Timeline &timeline, const QStringList &keys, const std::vector<EventRef> &selection)
{
    const QSet<EventRef> selected(selection.begin(), selection.end());
    QString text;
    for (const QString &key : keys) {
        const auto qualified = timeline.correlation().exact(key).empty() ? Timeline::tableKey(key) : std::nullopt;
        const QString value = qualified ? qualified->second : key;
        QMap<QString, qint64> roles;
        qint64 exact = 0, inferred = 0;
        for (const CorrelationLink &link : timeline.keyLinks(key)) {
            if (!selected.contains(link.to))
                continue;
            if (!link.exact) {
                ++inferred;
                continue;
            }
            ++exact;
            QSet<QString> seen;
            for (const LogKey &carried : timeline.event(link.to).keys) {
                const QString table = timeline.tableOf(carried);
                const QString role = table.isEmpty() ? carried.kind : carried.kind + u" of "_s + table;
                if (carried.value == value && !seen.contains(role)) {
                    seen.insert(role);
                    ++roles[role];
                }
            }
        }
        QStringList parts;
        for (auto it = roles.cbegin(); it != roles.cend(); ++it)
            parts << u"%1 %2"_s.arg(it.key(), QString::number(it.value()));
        text += u"key %1: %2 events"_s.arg(key, QString::number(exact));
        if (!parts.isEmpty())
            text += u" (%1)"_s.arg(parts.join(u", "_s));
        if (inferred > 0)
            text += u", %1 inferred"_s.arg(inferred);
        text += u'\n';
    }
    return text;
}

void writeSummary(
    QIODevice &out, const Timeline &timeline, const QStringList &keys, const std::vector<EventRef> &selection)
{
    std::vector<qint64> counts(size_t(timeline.sourceCount()), 0), first(counts.size(), 0), last(counts.size(), 0);
    for (const EventRef &ref : selection) {
        const qint64 at = timeline.instant(ref);
        if (counts[ref.source]++ == 0)
            first[ref.source] = at;
        last[ref.source] = at;
    }
    QString text;
    for (int i = 0; i < timeline.sourceCount(); ++i) {
        const IndexedLog &log = timeline.source(i);
        const LogFormat *format = log.payload() ? log.payload() : log.format();
        QString formatName = format->id;
        if (log.payload())
            formatName += u" in "_s + log.format()->id;
        text += u"%1: %2 events (%3 lines), format %4, %5"_s.arg(log.source().path, QString::number(counts[size_t(i)]),
            QString::number(log.index().lineCount()), formatName, log.timesDescription());
        if (counts[size_t(i)] > 0)
            text += u", %1 .. %2"_s.arg(utc(first[size_t(i)]), utc(last[size_t(i)]));
        const qint64 undated = log.index().count() - log.index().timestampedCount();
        if (undated > 0)
            text += u", %1 without timestamp"_s.arg(undated);
        if (!log.file().damage().isEmpty())
            text += u", "_s + log.file().damage();
        text += u'\n';
    }
    text += keyLines(timeline, keys, selection);
    text += u"total: %1 events"_s.arg(selection.size());
    if (!selection.empty())
        text += u", %1 .. %2"_s.arg(utc(timeline.instant(selection.front())), utc(timeline.instant(selection.back())));
    out.write((text + u'\n').toUtf8());
}

int run(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption({ u"log"_s, u"a log file (repeatable; .gz read transparently)"_s, u"FILE"_s });
    parser.addOption({ u"workspace"_s,
        u"a workspace: its log sources (besides any --log) and its stars, tags, comments and notes"_s, u"FILE"_s });
    parser.addOption({ u"source-tz"_s, u"IANA zone for FILE's naive timestamps (repeatable)"_s, u"FILE=ZONE"_s });
    parser.addOption({ u"from"_s, u"only events at or after TS (ISO 8601; UTC without offset)"_s, u"TS"_s });
    parser.addOption({ u"to"_s, u"only events at or before TS"_s, u"TS"_s });
    parser.addOption(
        { u"key"_s, u"only events carrying VALUE as a key, and inferred links (repeatable)"_s, u"VALUE"_s });
    parser.addOption(
        { u"table"_s, u"read each --key as an id of TABLE (as --key TABLE:VALUE): events whose key is tagged with it"_s,
            u"TABLE"_s });
    parser.addOption(
        { u"db"_s, u"a database whose table names resolve the keys' tables (libpq conninfo or URI)"_s, u"CONN"_s });
    parser.addOption({ u"format"_s, u"markdown, html, csv, jsonl or summary"_s, u"FORMAT"_s, u"summary"_s });
    parser.addOption(
        { u"live"_s, u"with --backup: compare the databases for the postmortem's loss table and moves"_s, u"CONN"_s });
    parser.addOption({ u"backup"_s, u"with --live: the backup to compare with"_s, u"CONN"_s });
    parser.addOption({ u"other-backup"_s,
        u"with --live and --backup: a second backup (e.g. as of just before the incident); the report says "
        "what each recovers"_s,
        u"CONN"_s });
    addOutputOptions(parser);
    parseOrThrow(parser, u"timeline"_s, arguments, true);

    QStringList logs = parser.values(u"log"_s) + parser.positionalArguments(); // "--log a b c"
    // A workspace brings its sources (paths relative to it, as the GUI reads them, so the marks
    // it keeps by "path#offset" find their events) and the operator's annotations.
    QList<LogSource> workspaceSources;
    Annotations annotations;
    TimelineExportRequest request;
    if (parser.isSet(u"workspace"_s)) {
        const QString file = parser.value(u"workspace"_s);
        request.inputs.workspaceDirectory = QFileInfo(file).absolutePath();
        InputFile::require(file, u"the workspace"_s);
        const Workspace workspace = Workspace::load(file);
        workspaceSources = workspace.resolvedLogs(file);
        annotations.loadFrom(workspace);
    }
    for (const QString &log : std::as_const(logs))
        InputFile::require(log, u"the log"_s);
    if (logs.isEmpty() && workspaceSources.isEmpty())
        throw UsageError { u"timeline: give at least one --log FILE, or a --workspace with log sources"_s };
    const QString formatName = parser.value(u"format"_s);
    const auto reportFormat = ReportWriter::formatFromName(formatName);
    if (!reportFormat && formatName != "summary"_L1)
        throw UsageError { u"timeline: --format must be markdown, html, csv, jsonl or summary"_s };
    TimelineFilter filter;
    if (parser.isSet(u"from"_s))
        filter.fromMs = parseInstant(parser.value(u"from"_s), u"--from"_s);
    if (parser.isSet(u"to"_s))
        filter.toMs = parseInstant(parser.value(u"to"_s), u"--to"_s);
    filter.keys = parser.values(u"key"_s);
    if (parser.isSet(u"table"_s)) {
        const QString table = parser.value(u"table"_s).trimmed();
        if (filter.keys.isEmpty() || table.isEmpty() || table.contains(u':'))
            throw UsageError { u"timeline: --table takes a table name and needs at least one --key"_s };
        for (QString &key : filter.keys)
            if (!Timeline::tableKey(key))
                key = table + u':' + key;
    }
    if (parser.isSet(u"live"_s) != parser.isSet(u"backup"_s))
        throw UsageError { u"timeline: --live and --backup go together"_s };
    if (parser.isSet(u"other-backup"_s) && !parser.isSet(u"live"_s))
        throw UsageError { u"timeline: --other-backup needs --live and --backup"_s };

    // The Timeline view's steps, run here one after the other.
    const QList<LogSource> sources = workspaceSources + sourcesFrom(logs, parser.values(u"source-tz"_s));
    JobControl control;
    const auto loaded = TimelineLoader::index(sources, TimelineLoader::Unreadable::Fail, control).timeline;
    Timeline &timeline = *loaded;
    if (parser.isSet(u"db"_s)) {
        PgSession session(parser.value(u"db"_s), PgSession::Options { true, u"Database"_s, 15 });
        QStringList tables;
        for (const Table &table : SchemaReader::read(session).tables)
            tables << table.name;
        timeline.setTableNames(tables);
    }
    // Keys need the key index; reports also show inferred links (nginx ↔ Rails) from it, and a
    // Markdown or HTML summary its spans and levels. A CSV or JSONL event list without keys reads
    // each event's own parse: it needs the pass only when there are links to infer.
    const bool eventList = reportFormat == ReportWriter::Format::Csv || reportFormat == ReportWriter::Format::Jsonl;
    if (!filter.keys.isEmpty() || (reportFormat && (!eventList || timeline.linksRequests())))
        timeline.adopt(TimelineLoader::parse(timeline, control));

    if (!reportFormat) {
        const std::unique_ptr<QIODevice> out = openOutput(parser);
        writeSummary(*out, timeline, filter.keys, timeline.select(filter));
        finishOutput(*out);
        return int(Success);
    }
    request.format = *reportFormat;
    request.filter = filter;
    if (parser.isSet(u"live"_s)) {
        PgSession backup(parser.value(u"backup"_s), PgSession::Options { true, u"BACKUP"_s, 15 });
        PgSession live(parser.value(u"live"_s), PgSession::Options { true, u"LIVE"_s, 15 });
        request.inputs.diff = std::make_shared<const DiffResult>(
            DiffRunner::run(backup, live, control, {}, {}, RowRetention::Spooled)); // keys and times, not values
        if (parser.isSet(u"other-backup"_s)) {
            PgSession other(parser.value(u"other-backup"_s), PgSession::Options { true, u"other BACKUP"_s, 15 });
            auto gain
                = std::make_shared<BackupGain>(BackupGain::compute(*request.inputs.diff, backup, other, live, control));
            gain->firstName = u"--backup"_s;
            gain->secondName = u"--other-backup"_s;
            request.inputs.gain = gain;
        }
    }
    // The same export as the Timeline view's; a file gets its figures next to it.
    const QString output = parser.value(u"output"_s);
    if (output.isEmpty() || output == "-"_L1) {
        const std::unique_ptr<QIODevice> out = openOutput(parser);
        TimelineExport::toDevice(timeline, annotations, request, *out);
        finishOutput(*out);
        return int(Success);
    }
    const bool force = parser.isSet(u"force"_s);
    const bool existed = QFileInfo::exists(output);
    try {
        TimelineExport::toFile(timeline, annotations, request, output,
            force ? SafeFileWriter::Existing::Replace : SafeFileWriter::Existing::Keep);
    } catch (const Cancelled &) {
        throw;
    } catch (const Error &failure) {
        // A file kept because it exists: say how to replace it, as every -o does.
        if (!force && existed)
            throw UsageError { failure.message() + u" (--force replaces it)"_s };
        throw;
    }
    return int(Success);
}

const CliCommand timelineCommand(
    u"timeline"_s, u"merge log files on one UTC time axis; filter by time and key; export"_s, run);

} // namespace

} // namespace salvage::cli
