// A 200 MB nginx combined log read by Salvage and by Debian's lnav, each in a child process, with
// wall time, CPU time, peak RSS and the load average side by side in one run (issue 14: ≥ 3× lnav's
// speed end to end at ≤ 0.3× its memory; the JSONL export in no more than lnav's time):
//   index               Salvage's index            vs lnav -n -c 'SELECT count(*)'
//   index + parse       index and the parse pass   vs lnav reading every event's fields
//                       (every event parsed, UTC instants, keys, spans, levels)
//   export, JSONL       salvage-cli timeline --format jsonl -o   vs lnav ':write-jsonlines-to' of every row
// With --queries the parse child also times the queries the Timeline view makes on every
// event: a viewport select, the swimlanes, the histogram, a key filter and a text search.
// Usage: logindexbenchmark [--mb N] [--queries] [--no-export] [FILE]
//        logindexbenchmark [--mb N] --generate FILE   writes the generated log (200 MB) to FILE
//        logindexbenchmark --dump FILE...   the parse pass's whole result as text, in an order that does
//                                           not depend on threads: to compare two builds byte for byte
//        logindexbenchmark --paths FILE [whole|bytes]   the parse pass's reading of every entry, on one thread,
//                                           by a whole Keys parse and from the bytes (EventParser::keysOf), each
//                                           timed in CPU; one of them alone for callgrind
#include "logs/eventreader.h"
#include "logs/indexedlog.h"
#include "timeline/timeline.h"
#include "timeline/timelinelanes.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <cstdio>
#include <ctime>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace salvage;
using namespace Qt::StringLiterals;

namespace {

struct Measure
{
    double seconds = 0;
    double cpuSeconds = 0; ///< user + system
    long peakKb = 0;
    int status = -1;
    QByteArray load; ///< /proc/loadavg's 1-minute figure when the measure started
};

QByteArray loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    return file.open(QIODevice::ReadOnly) ? file.readAll().split(' ').value(0) : QByteArray("?");
}

void generate(const QString &path, qint64 megabytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    static const char *paths[]
        = { "/inbox", "/api/v1/timelines/home", "/users/alice/statuses/1133", "/api/v1/accounts/9001/statuses",
              "/.well-known/webfinger", "/api/v1/notifications", "/oauth/token", "/api/v2/search" };
    static const char *methods[] = { "GET", "GET", "GET", "POST" };
    static const int statuses[] = { 200, 200, 200, 200, 202, 301, 404, 502 };
    static const char *months[]
        = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    QByteArray block;
    block.reserve(1 << 20);
    qint64 written = 0;
    quint64 seed = 42;
    qint64 second = 0;
    char line[512];
    while (written < megabytes * 1024 * 1024) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const unsigned r = unsigned(seed >> 33);
        second += (r % 3 == 0) ? 1 : 0;
        const qint64 day = second / 86400, s = second % 86400;
        const int n = std::snprintf(line, sizeof line,
            "%u.%u.%u.%u - - [%02d/%s/2024:%02d:%02d:%02d +0000] \"%s %s?page=%u HTTP/1.1\" %d %u \"-\" \"Mozilla/5.0 "
            "(X11; Linux x86_64) Mastodon/4.2.%u\"\n",
            10 + r % 200, (r >> 3) % 256, (r >> 7) % 256, (r >> 11) % 256, int(1 + day % 28), months[(day / 28) % 12],
            int(s / 3600), int(s / 60 % 60), int(s % 60), methods[r % 4], paths[(r >> 5) % 8], r % 1000,
            statuses[(r >> 9) % 8], r % 50000, r % 9);
        block.append(line, n);
        if (block.size() > (1 << 20) - 512) {
            file.write(block);
            written += block.size();
            block.clear();
        }
    }
    file.write(block);
}

Measure measure(const QString &program, const QStringList &arguments, const QString &home)
{
    const QByteArray load = loadAverage();
    QElapsedTimer timer;
    timer.start();
    std::fflush(stdout); // else the child flushes our buffer a second time
    const pid_t pid = fork();
    if (pid == 0) {
        if (!home.isEmpty())
            setenv("HOME", home.toLocal8Bit().constData(), 1);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        std::vector<QByteArray> storage { program.toLocal8Bit() };
        for (const QString &a : arguments)
            storage.push_back(a.toLocal8Bit());
        std::vector<char *> argv;
        for (QByteArray &s : storage)
            argv.push_back(s.data());
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    Measure m;
    struct rusage usage
    {
    };
    wait4(pid, &m.status, 0, &usage);
    m.seconds = double(timer.nsecsElapsed()) / 1e9;
    m.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m.peakKb = usage.ru_maxrss;
    m.load = load;
    if (!WIFEXITED(m.status) || WEXITSTATUS(m.status) != 0)
        std::printf("  (%s exited with status %d)\n", qPrintable(program), m.status);
    return m;
}

double msSince(QElapsedTimer &timer)
{
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    return ms;
}

// The view's queries over every event, each timed (best of 5: the machine is shared).
void timeQueries(Timeline &timeline)
{
    const MergedOrder &all = timeline.merged();
    const qint64 first = timeline.instant(all.front()), last = timeline.instant(all.back());
    auto best = [](const std::function<void()> &query) {
        double fastest = 1e30;
        for (int run = 0; run < 5; ++run) {
            QElapsedTimer timer;
            timer.start();
            query();
            fastest = std::min(fastest, double(timer.nsecsElapsed()) / 1e6);
        }
        return fastest;
    };
    TimelineFilter viewport;
    viewport.fromMs = first + (last - first) / 2;
    viewport.toMs = viewport.fromMs + (last - first) / 100;
    size_t rows = 0;
    const double selectMs = best([&] { rows = timeline.select(viewport).size(); });
    std::vector<TimelineLane> lanes;
    const std::vector<EventRef> rowsOfAll = all.toVector();
    const double lanesMs = best([&] { lanes = timelineLanes(timeline, rowsOfAll, {}, {}); });
    const double histogramMs = best([&] { histogram(lanes, first, last, 1600); });
    const double zoomedMs = best([&] {
        std::vector<qint64> counts(1600, 0);
        addBinCounts(lanes.front().instants, viewport.fromMs, viewport.toMs, counts);
    });
    const LogEvent sample = timeline.event(all[all.size() / 2]);
    TimelineFilter keyed;
    if (!sample.keys.isEmpty())
        keyed.keys = { sample.keys.first().value };
    size_t keyRows = 0;
    const double keyMs = best([&] { keyRows = timeline.select(keyed).size(); });
    TimelineFilter searched;
    searched.search = u"statuses/1133?page=42 "_s;
    size_t searchRows = 0;
    const double searchMs = best([&] { searchRows = timeline.select(searched).size(); });
    std::fprintf(stderr,
        "  queries on %zu events (best of 5):\n"
        "    viewport select (1%% of the span, %zu rows): %8.2f ms\n"
        "    swimlanes of every event:               %8.2f ms\n"
        "    histogram, 1600 bins over everything:   %8.2f ms\n"
        "    one lane, 1600 bins over the viewport:  %8.3f ms\n"
        "    key filter %s (%zu rows): %8.2f ms\n"
        "    text search \"%s\" in every raw line (%zu rows): %8.2f ms\n",
        all.size(), rows, selectMs, lanesMs, histogramMs, zoomedMs, qPrintable(keyed.keys.value(0, u"(none)"_s)),
        keyRows, keyMs, qPrintable(searched.search), searchRows, searchMs);
}

// Child mode: index (and optionally parse) one file, print what was found.
int indexOnly(const QString &path, bool parse, bool queries)
{
    QElapsedTimer timer;
    timer.start();
    Timeline timeline;
    timeline.setSources({ LogSource { path, {}, {}, {}, 0 } });
    timeline.build();
    const double indexMs = msSince(timer);
    std::fprintf(stderr, "  salvage: %lld entries, format %s, index %.1f MB, built in %.0f ms\n",
        qint64(timeline.merged().size()), qPrintable(timeline.source(0).format()->id),
        double(timeline.source(0).index().memoryBytes()) / 1e6, indexMs);
    if (parse && !timeline.merged().empty()) {
        timeline.buildCorrelation();
        const double parseMs = msSince(timer);
        std::fprintf(stderr,
            "  parse pass: %.0f ms (%.0f events/s), correlation index %.1f MB for %lld tokens, %lld spans\n", parseMs,
            double(timeline.merged().size()) / (parseMs / 1000.0), double(timeline.correlation().memoryBytes()) / 1e6,
            qint64(timeline.correlation().tokenCount()), qint64(timeline.spans().size()));
        if (queries)
            timeQueries(timeline);
    }
    return timeline.merged().empty() ? 1 : 0;
}

// The parse pass over `paths` as one timeline, printed whole: every token with its kinds and
// events, levels and sub-lanes per event, spans, inferred links and table tags.
int dump(const QStringList &paths)
{
    QList<LogSource> sources;
    for (const QString &path : paths)
        sources.append(LogSource { path, {}, {}, {}, 0 });
    Timeline timeline;
    timeline.setSources(sources);
    timeline.build();
    timeline.buildCorrelation();
    QTextStream out(stdout);
    const CorrelationIndex &index = timeline.correlation();
    QStringList tokens;
    for (quint32 t = 0; t < quint32(index.tokenCount()); ++t)
        tokens.append(index.tokenValue(t));
    tokens.sort();
    for (const QString &token : std::as_const(tokens)) {
        out << "token " << QString(token).replace(QChar(0x1f), u'|') << " kinds " << index.kindsOf(token).join(u',')
            << " events";
        for (const EventRef &ref : index.exact(token))
            out << ' ' << ref.source << ':' << ref.entry;
        out << '\n';
    }
    for (const EventRef ref : timeline.merged()) {
        QList<EventRef> inferred = index.inferred(ref);
        std::sort(inferred.begin(), inferred.end());
        out << "event " << ref.source << ':' << ref.entry << " level " << int(timeline.level(ref)) << " lane "
            << timeline.subLane(ref) << " inferred";
        for (const EventRef &other : inferred)
            out << ' ' << other.source << ':' << other.entry;
        out << '\n';
    }
    for (int s = 0; s < timeline.sourceCount(); ++s)
        out << "lanes " << s << ' ' << timeline.subLanes(s).join(u',') << '\n';
    for (const Span &span : timeline.spans())
        out << "span " << span.id << ' ' << span.label << ' ' << span.source << ' ' << span.startMs << ' ' << span.endMs
            << ' ' << span.failed << span.open << span.fromElapsed << '\n';
    QStringList tags = index.tags().values();
    tags.sort();
    out << "tags " << tags.join(u',') << '\n';
    return 0;
}

// Thread CPU seconds.
double threadCpu()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// The parse pass's reading of every entry of `path` into a correlation index, on this thread: by a
// whole Keys parse of each (as before EventParser::keysOf) and from the bytes where keysOf applies.
int comparePaths(const QString &path, const QString &only)
{
    Timeline timeline;
    timeline.setSources({ LogSource { path, {}, {}, {}, 0 } });
    timeline.build();
    const IndexedLog &log = timeline.source(0);
    const LogFormat &format = log.payload() ? *log.payload() : *log.format();
    for (const bool whole : { true, false }) {
        if (!only.isEmpty() && (only == "whole"_L1) != whole)
            continue;
        const double start = threadCpu();
        EventReader reader(log);
        CorrelationIndex index;
        qint64 fromBytes = 0;
        for (qint64 entry = 0; entry < log.index().count(); ++entry) {
            const LogEvent *event = nullptr;
            index.add(EventRef { 0, quint32(entry) },
                reader.keys(entry, whole, {}, format.requestPathField, format.requestStatusField, &event));
            fromBytes += event ? 0 : 1;
        }
        index.finish();
        std::fprintf(stderr, "  %s: %.3f s CPU, %lld tokens, %lld of %lld entries read from their bytes\n",
            whole ? "whole Keys parse" : "from the bytes  ", threadCpu() - start, qint64(index.tokenCount()), fromBytes,
            log.index().count());
    }
    return 0;
}

// One row of the table: Salvage next to lnav, speed and memory as ratios.
void row(const char *what, const Measure &ours, const Measure &theirs)
{
    std::printf("| %s | %.2f s (CPU %.2f s), %.0f MB | %.2f s (CPU %.2f s), %.0f MB | %.2f× the speed (CPU %.2f×), "
                "%.2f× the memory | %s, %s |\n",
        what, ours.seconds, ours.cpuSeconds, ours.peakKb / 1024.0, theirs.seconds, theirs.cpuSeconds,
        theirs.peakKb / 1024.0, theirs.seconds / ours.seconds, theirs.cpuSeconds / ours.cpuSeconds,
        double(ours.peakKb) / double(theirs.peakKb), ours.load.constData(), theirs.load.constData());
}

qint64 lineCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    qint64 lines = 0;
    while (!file.atEnd())
        lines += file.read(1 << 20).count('\n');
    return lines;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    const bool parse = args.removeAll(u"--parse"_s) > 0;
    const bool queries = args.removeAll(u"--queries"_s) > 0;
    const bool exportToo = args.removeAll(u"--no-export"_s) == 0;
    if (args.size() >= 2 && args.first() == "--paths"_L1)
        return comparePaths(args.at(1), args.value(2));
    if (args.size() >= 2 && args.first() == "--dump"_L1)
        return dump(args.mid(1));
    if (args.size() == 2 && args.first() == "--index-only"_L1)
        return indexOnly(args.at(1), parse, queries);
    qint64 megabytes = 200;
    if (const qsizetype at = args.indexOf(u"--mb"_s); at >= 0 && at + 1 < args.size()) {
        megabytes = args.at(at + 1).toLongLong();
        args.remove(at, 2);
    }
    if (args.size() == 2 && args.first() == "--generate"_L1) {
        generate(args.at(1), megabytes);
        return 0;
    }
    QTemporaryDir work;
    QString file = args.value(0);
    if (file.isEmpty()) {
        file = work.filePath(u"access.log"_s);
        std::printf("generating %lld MB nginx combined log…\n", megabytes);
        generate(file, megabytes);
    }
    const double mb = double(QFileInfo(file).size()) / (1024.0 * 1024.0);
    std::printf("file: %s (%.0f MB, %lld lines), %d cores\n", qPrintable(file), mb, lineCount(file),
        QThread::idealThreadCount());
    // Warm the page cache so every run reads from memory.
    measure(u"cat"_s, { file }, {});

    const Measure index = measure(app.applicationFilePath(), { u"--index-only"_s, file }, {});
    QStringList parseArguments { u"--index-only"_s, file, u"--parse"_s };
    if (queries)
        parseArguments << u"--queries"_s;
    const Measure parsed = measure(app.applicationFilePath(), parseArguments, {});
    Measure exported;
    const QString ourExport = work.filePath(u"salvage.jsonl"_s);
    if (exportToo)
        exported = measure(QStringLiteral(SALVAGE_CLI),
            { u"timeline"_s, u"--log"_s, file, u"--format"_s, u"jsonl"_s, u"-o"_s, ourExport }, {});

    const QString lnav = QStandardPaths::findExecutable(u"lnav"_s);
    if (lnav.isEmpty()) {
        std::printf("salvage: index %.2f s, index+parse %.2f s, export %.2f s; lnav: not installed (apt-get install "
                    "-y lnav)\n",
            index.seconds, parsed.seconds, exported.seconds);
        return 0;
    }
    QDir(work.path()).mkpath(u"home"_s);
    const QString home = work.filePath(u"home"_s);
    const Measure counted = measure(lnav, { u"-n"_s, u"-c"_s, u";SELECT count(*) FROM access_log"_s, file }, home);
    // Every event's fields read (the parse lnav does for a row), its time and the keys' fields.
    const Measure fields = measure(lnav,
        { u"-n"_s, u"-c"_s,
            u";SELECT count(*), max(log_time), count(c_ip), count(cs_uri_stem), count(sc_status) FROM access_log"_s,
            file },
        home);
    Measure theirExport;
    const QString lnavExport = work.filePath(u"lnav.jsonl"_s);
    if (exportToo)
        theirExport = measure(lnav,
            { u"-n"_s, u"-c"_s, u";SELECT * FROM access_log"_s, u"-c"_s, u":write-jsonlines-to "_s + lnavExport, file },
            home);

    std::printf("\n| what | Salvage | lnav | ratio | load (Salvage, lnav) |\n|---|---|---|---|---|\n");
    row("index", index, counted);
    row("index + parse (every event parsed, UTC, keys)", parsed, fields);
    if (exportToo) {
        row("export, full JSONL", exported, theirExport);
        std::printf("export lines: salvage %lld, lnav %lld\n", lineCount(ourExport), lineCount(lnavExport));
    }
    std::printf("targets: index + parse ≥ 3× lnav's speed at ≤ 0.3× its memory; export ≥ 1× its speed\n");
    return 0;
}
