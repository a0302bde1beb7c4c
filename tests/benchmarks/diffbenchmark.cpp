// Salvage's diff against the manual way and the floor (issue 4):
//   (a) manual: every table COPY (SELECT * FROM t ORDER BY pk) TO STDOUT from both sides into
//       files, then GNU diff on each pair;
//   (b) floor: every table's rows hashed once per side, sequentially, with
//       SELECT count(*), sum(hashtext(t::text)) FROM t.
// Target: Salvage at or under the floor; aim 0.4x. Each way prints the 1-minute load average
// before and after it (the machine is shared: compare only figures of the same run), and the
// process's peak RSS after Salvage's diff (the floor runs first and holds next to nothing), and
// the CPU seconds of the servers (when they run on this machine and the user may read
// data_directory) and of this process each way took. The diff
// asks for counts only, as `salvage-cli diff` without --rows; --whole-rows also runs it keeping
// every differing row (the Compare view's way) after it, so both peaks come from one run;
// --spooled-rows the Compare view's way (values spooled), with the time a page of its rows takes
// to show; --spooled-only that way alone, for its own peak.
//
//   diffbenchmark --live CONN --backup CONN
//   diffbenchmark --demo-dir DIR [--scale N]     (builds or reuses salvage-cli demo's databases)
//   … --cache-protocol    (root: cold against cold, then warm against warm, for wall times that
//                          do not follow which way found the page cache warm)

#include "core/error.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "db/sqlident.h"
#include "demo/demoparameters.h"
#include "demo/demorunner.h"
#include "diff/diffrowsmodel.h"
#include "diff/diffrunner.h"
#include "jobs/jobcontrol.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

#include <libpq-fe.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace salvage;
using namespace Qt::StringLiterals;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QString loadAverage()
{
    QFile file(u"/proc/loadavg"_s);
    if (!file.open(QIODevice::ReadOnly))
        return u"?"_s;
    return QString::fromLatin1(file.readAll()).section(u' ', 0, 0);
}

// CPU seconds used so far by the PostgreSQL server whose data directory is `dataDirectory`: the
// postmaster, its children and every child it has reaped (backends and parallel workers that
// finished), read from /proc. Negative when the server is not on this machine or not readable.
double serverCpuSeconds(const QString &dataDirectory)
{
    QFile pidFile(dataDirectory + u"/postmaster.pid"_s);
    if (dataDirectory.isEmpty() || !pidFile.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray postmaster = pidFile.readLine().trimmed();
    const double ticks = double(sysconf(_SC_CLK_TCK));
    // Fields after the command's closing parenthesis: utime is the 12th, then stime, cutime, cstime.
    const auto fields = [](const QString &pid) {
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return QList<QByteArray>();
        const QByteArray line = stat.readAll();
        return line.mid(line.lastIndexOf(')') + 2).split(' ');
    };
    const QList<QByteArray> own = fields(QString::fromLatin1(postmaster));
    if (own.size() < 15)
        return -1;
    double total = own.at(11).toDouble() + own.at(12).toDouble() + own.at(13).toDouble() + own.at(14).toDouble();
    QFile children(u"/proc/%1/task/%1/children"_s.arg(QString::fromLatin1(postmaster)));
    if (children.open(QIODevice::ReadOnly)) {
        for (const QByteArray &child : children.readAll().split(' ')) {
            const QList<QByteArray> theirs
                = child.trimmed().isEmpty() ? QList<QByteArray>() : fields(QString::fromLatin1(child));
            if (theirs.size() >= 13)
                total += theirs.at(11).toDouble() + theirs.at(12).toDouble();
        }
    }
    return total / ticks;
}

double clientCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Both servers' data directories (one when both databases are on one cluster, as in the demo).
QStringList dataDirectories(const QStringList &conninfos)
{
    QStringList directories;
    for (const QString &conninfo : conninfos) {
        try {
            PgSession session(conninfo, PgSession::Options {});
            const QString directory
                = QString::fromStdString(session.exec(u"SELECT current_setting('data_directory')"_s)[0][0].c_str());
            if (!directories.contains(directory))
                directories << directory;
        } catch (const Error &) {
            // not allowed to read it: no server CPU figures
        }
    }
    return directories;
}

double peakRssMb()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0; // kilobytes on Linux
}

// Resident memory now, after handing freed memory back to the system: what a result still holds.
double residentMb()
{
    malloc_trim(0);
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

QStringList g_dataDirectories; // the servers whose CPU each way reports
bool g_holdPartials = false; // --hold-partials

double serversCpu()
{
    double total = 0;
    for (const QString &directory : std::as_const(g_dataDirectories)) {
        const double seconds = serverCpuSeconds(directory);
        if (seconds < 0)
            return -1;
        total += seconds;
    }
    return g_dataDirectories.isEmpty() ? -1 : total;
}

// What one run of a way took: wall seconds and the CPU seconds of the servers (negative when not
// readable) and of this process.
struct Cost
{
    double wall = 0;
    double servers = -1;
    double client = 0;

    double cpu() const { return std::max(0.0, servers) + client; }
};

Cost g_lastCost; // of the last timed() way

// Runs one way, printing the load average around it and the CPU seconds of the servers and of
// this process (the client) it took.
template <typename Way> double timed(const char *name, Way way)
{
    const QString before = loadAverage();
    qInfo("diffbenchmark: %s", name); // separates the ways' timing lines on stderr
    const double serverBefore = serversCpu(), clientBefore = clientCpuSeconds();
    const double seconds = way();
    const double server = serversCpu() - serverBefore, client = clientCpuSeconds() - clientBefore;
    g_lastCost = { seconds, serverBefore < 0 ? -1 : server, client };
    out() << u"  %1: %2 s, load %3 -> %4, CPU: servers %5, client %6 s\n"_s.arg(QString::fromLatin1(name))
                 .arg(seconds, 0, 'f', 2)
                 .arg(before, loadAverage())
                 .arg(serverBefore < 0 ? u"?"_s : QString::number(server, 'f', 2))
                 .arg(client, 0, 'f', 2);
    out().flush();
    return seconds;
}

// Writes back dirty pages and empties the kernel's page cache (root only), so that the next way
// reads every page from the disk. PostgreSQL's shared buffers stay: they are small next to the
// databases (128 MB by default), and the servers are not ours to restart.
void dropPageCache()
{
    ::sync();
    QFile control(u"/proc/sys/vm/drop_caches"_s);
    if (!control.open(QIODevice::WriteOnly) || control.write("3\n") != 2)
        throw Error(u"--cache-protocol needs root: cannot write /proc/sys/vm/drop_caches."_s);
}

// Streams one COPY … TO STDOUT into `path`.
void copyToFile(PgSession &session, const QString &query, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(u"Cannot write %1."_s.arg(path));
    PGresult *result = PQexec(session.handle(), query.toUtf8().constData());
    const bool copying = PQresultStatus(result) == PGRES_COPY_OUT;
    PQclear(result);
    if (!copying)
        throw Error(u"COPY failed: %1"_s.arg(QString::fromUtf8(PQerrorMessage(session.handle()))));
    char *buffer = nullptr;
    int length = 0;
    while ((length = PQgetCopyData(session.handle(), &buffer, 0)) > 0) {
        file.write(buffer, length);
        PQfreemem(buffer);
    }
    while ((result = PQgetResult(session.handle())))
        PQclear(result);
}

double manualWay(const QString &backupConninfo, const QString &liveConninfo, const Schema &schema)
{
    QTemporaryDir dir;
    QElapsedTimer timer;
    timer.start();
    PgSession backup(backupConninfo, PgSession::Options {});
    PgSession live(liveConninfo, PgSession::Options {});
    int differing = 0;
    for (const Table &table : schema.tables) {
        if (table.partitioned)
            continue;
        const QStringList order = table.primaryKey.isEmpty() ? table.columnNames() : table.primaryKey;
        const QString query
            = u"COPY (SELECT * FROM %1 ORDER BY %2) TO STDOUT"_s.arg(table.sqlName(), sql::quoteIdentList(order));
        const QString a = dir.filePath(table.qualifiedName() + u".backup"_s);
        const QString b = dir.filePath(table.qualifiedName() + u".live"_s);
        copyToFile(backup, query, a);
        copyToFile(live, query, b);
        QProcess diff;
        diff.setStandardOutputFile(QProcess::nullDevice());
        diff.start(u"diff"_s, { a, b });
        diff.waitForFinished(-1);
        differing += diff.exitCode() == 1 ? 1 : 0;
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    out() << u"  (manual: %1 tables differ per GNU diff)\n"_s.arg(differing);
    return seconds;
}

double floorWay(const QString &backupConninfo, const QString &liveConninfo, const Schema &schema)
{
    QElapsedTimer timer;
    timer.start();
    for (const QString &conninfo : { backupConninfo, liveConninfo }) {
        PgSession session(conninfo, PgSession::Options {});
        for (const Table &table : schema.tables) {
            if (!table.partitioned)
                session.exec(u"SELECT count(*), sum(hashtext(t::text)) FROM %1 AS t"_s.arg(table.sqlName()));
        }
    }
    return double(timer.nsecsElapsed()) / 1e9;
}

// The Compare view shows a spooled diff's rows a page at a time and reads their values back from the
// spool on the GUI thread (DiffRowsModel): the time every cell of a page of the table with the most
// differing rows takes, at pages spread over it, each page's rows not read before.
void pageReadTimes(const DiffResult &result)
{
    const TableDiff *largest = nullptr;
    for (const TableDiff &table : result.tables)
        if (!largest || table.rows.size() > largest->rows.size())
            largest = &table;
    if (!largest || largest->rows.isEmpty())
        return;
    constexpr int kPageRows = 50, kPages = 40;
    DiffRowsModel model;
    model.setTable(*largest);
    QList<double> times;
    for (int page = 0; page < kPages; ++page) {
        const int first = int(qint64(model.rowCount() - 1) * page / kPages);
        QElapsedTimer timer;
        timer.start();
        for (int row = first; row < std::min(first + kPageRows, model.rowCount()); ++row)
            for (int column = 0; column < model.columnCount(); ++column)
                model.index(row, column).data();
        times << double(timer.nsecsElapsed()) / 1e6;
    }
    std::sort(times.begin(), times.end());
    out() << u"  a page of %1 rows of %2 (%3 rows, %4 columns): median %5 ms, slowest %6 ms of %7 pages\n"_s
                 .arg(kPageRows)
                 .arg(largest->table)
                 .arg(largest->rows.size())
                 .arg(largest->columns.size())
                 .arg(times.at(times.size() / 2), 0, 'f', 2)
                 .arg(times.last(), 0, 'f', 2)
                 .arg(times.size());
}

double salvageWay(const QString &backupConninfo, const QString &liveConninfo, RowRetention retention, qint64 *rows)
{
    const double residentBefore = residentMb();
    QElapsedTimer timer;
    timer.start();
    PgSession backup(backupConninfo, PgSession::Options {});
    PgSession live(liveConninfo, PgSession::Options {});
    JobControl control;
    // The Compare view holds the result so far while the rest is compared (DiffJob::partial).
    DiffResult held;
    const auto hold = [&held](const DiffResult &soFar) { held = soFar; };
    const DiffResult result = DiffRunner::run(
        backup, live, control, {}, g_holdPartials ? DiffRunner::TableSink(hold) : DiffRunner::TableSink(), retention);
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    out() << u"  memory the result holds: %1 MB\n"_s.arg(residentMb() - residentBefore, 0, 'f', 0);
    qint64 differences = 0;
    *rows = 0;
    for (const TableDiff &table : result.tables) {
        differences += table.onlyInBackup + table.onlyInLive + table.changed;
        *rows += table.backupRows + table.liveRows;
    }
    out() << u"  (salvage: %1 tables, %2 differing rows, %3 moves)\n"_s.arg(result.tables.size())
                 .arg(differences)
                 .arg(result.moves().size());
    if (retention == RowRetention::Spooled)
        pageReadTimes(result);
    return seconds;
}

// The floor and Salvage's counts-only diff compared fairly for wall time: cold against cold (the
// page cache emptied before each) and warm against warm (each run twice in a row, the second
// counted). Prints both ratios, wall and CPU, side by side.
void cacheProtocol(const QString &backup, const QString &live, const Schema &schema)
{
    qint64 rows = 0;
    const auto floor = [&] { return floorWay(backup, live, schema); };
    const auto salvage = [&] { return salvageWay(backup, live, RowRetention::Counts, &rows); };
    Cost costs[2][2]; // [cold, warm][floor, salvage]
    dropPageCache();
    timed("floor, cold", floor);
    costs[0][0] = g_lastCost;
    dropPageCache();
    timed("salvage, cold", salvage);
    costs[0][1] = g_lastCost;
    timed("floor, warming", floor);
    timed("floor, warm", floor);
    costs[1][0] = g_lastCost;
    timed("salvage, warming", salvage);
    timed("salvage, warm", salvage);
    costs[1][1] = g_lastCost;
    out() << u"rows compared (both sides): %1; peak RSS: %2 MB\n"_s.arg(rows).arg(peakRssMb(), 0, 'f', 0);
    out() << "cache  floor wall  salvage wall  wall ratio  floor CPU  salvage CPU (servers + client)  CPU ratio\n";
    for (int i = 0; i < 2; ++i) {
        const Cost &f = costs[i][0], &s = costs[i][1];
        out() << u"%1  %2 s  %3 s  %4x  %5 s  %6 s (%7 + %8)  %9x\n"_s.arg(i == 0 ? u"cold "_s : u"warm "_s)
                     .arg(f.wall, 9, 'f', 2)
                     .arg(s.wall, 11, 'f', 2)
                     .arg(s.wall / f.wall, 9, 'f', 2)
                     .arg(f.cpu(), 8, 'f', 2)
                     .arg(s.cpu(), 8, 'f', 2)
                     .arg(s.servers, 0, 'f', 2)
                     .arg(s.client, 0, 'f', 2)
                     .arg(f.servers < 0 ? u"?"_s : QString::number(s.cpu() / f.cpu(), 'f', 2));
    }
    out().flush();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({ u"live"_s, u"live conninfo"_s, u"CONN"_s });
    parser.addOption({ u"backup"_s, u"backup conninfo"_s, u"CONN"_s });
    parser.addOption({ u"demo-dir"_s, u"use (or build) the demo in DIR"_s, u"DIR"_s });
    parser.addOption({ u"scale"_s, u"demo scale"_s, u"N"_s, u"60"_s });
    parser.addOption({ u"repeat"_s, u"runs of each way (best is kept)"_s, u"N"_s, u"1"_s });
    parser.addOption({ u"no-manual"_s, u"skip the manual way (COPY + GNU diff)"_s });
    parser.addOption({ u"hold-partials"_s,
        u"keep a copy of the result after each table while the rest is compared, as the Compare view does"_s });
    parser.addOption({ u"spooled-rows"_s,
        u"also diff keeping every row with its values spooled to disk (the Compare view's way), after the "
        u"counts-only diff"_s });
    parser.addOption({ u"spooled-only"_s,
        u"run only the spooled way (no floor, no counts-only diff): its own peak RSS, in a few minutes"_s });
    parser.addOption({ u"whole-rows"_s,
        u"also diff keeping every row with its values in memory, last (its peak RSS is the highest)"_s });
    parser.addOption({ u"cache-protocol"_s,
        u"only the floor and the counts-only diff, cold against cold (the page cache emptied before each; "
        u"root) then warm against warm (each run twice, the second counted), wall and CPU ratios side by side"_s });
    parser.process(app);
    try {
        QString live = parser.value(u"live"_s);
        QString backup = parser.value(u"backup"_s);
        if (parser.isSet(u"demo-dir"_s)) {
            DemoParameters parameters;
            parameters.scale = parser.value(u"scale"_s).toInt();
            DemoRunner runner(parser.value(u"demo-dir"_s));
            runner.setPointInTimeBackup(false); // the diff needs no WAL archive, nor its disk at scale 300
            const DemoRunner::Result demo = runner.run(parameters);
            live = demo.liveConninfo;
            backup = demo.backupConninfo;
        }
        if (live.isEmpty() || backup.isEmpty()) {
            out() << "diffbenchmark: give --live and --backup, or --demo-dir\n";
            return 2;
        }
        g_dataDirectories = dataDirectories({ backup, live });
        g_holdPartials = parser.isSet(u"hold-partials"_s);
        Schema schema;
        {
            PgSession session(backup, PgSession::Options {});
            schema = SchemaReader::read(session);
        }
        if (parser.isSet(u"cache-protocol"_s)) {
            cacheProtocol(backup, live, schema);
            return 0;
        }
        const int repeat = std::max(1, parser.value(u"repeat"_s).toInt());
        double salvage = 1e300, floor = 1e300, manual = 1e300, spooled = 1e300, whole = 1e300;
        qint64 rows = 0;
        for (int i = 0; i < repeat; ++i) {
            // Interleaved so that cache warmth and machine load hit every way alike.
            const bool spooledOnly = parser.isSet(u"spooled-only"_s);
            if (!spooledOnly) {
                floor = std::min(floor, timed("floor", [&] { return floorWay(backup, live, schema); }));
                salvage = std::min(
                    salvage, timed("salvage", [&] { return salvageWay(backup, live, RowRetention::Counts, &rows); }));
                out() << u"  peak RSS after salvage's diff: %1 MB\n"_s.arg(peakRssMb(), 0, 'f', 0);
            }
            if (spooledOnly || parser.isSet(u"spooled-rows"_s)) {
                spooled = std::min(spooled, timed("salvage, rows kept, values spooled", [&] {
                    return salvageWay(backup, live, RowRetention::Spooled, &rows);
                }));
                out() << u"  peak RSS after it: %1 MB\n"_s.arg(peakRssMb(), 0, 'f', 0);
            }
            if (parser.isSet(u"whole-rows"_s)) {
                whole = std::min(whole,
                    timed("salvage, rows kept", [&] { return salvageWay(backup, live, RowRetention::Whole, &rows); }));
                out() << u"  peak RSS after it: %1 MB\n"_s.arg(peakRssMb(), 0, 'f', 0);
            }
            if (!parser.isSet(u"no-manual"_s))
                manual = std::min(manual, timed("manual", [&] { return manualWay(backup, live, schema); }));
        }
        out() << u"rows compared (both sides): %1\n"_s.arg(rows);
        if (parser.isSet(u"spooled-only"_s)) {
            out() << u"rows kept, spooled  %1 s\n"_s.arg(spooled, 0, 'f', 2);
            return 0;
        }
        out() << u"salvage diff        %1 s\n"_s.arg(salvage, 0, 'f', 2);
        if (parser.isSet(u"spooled-rows"_s))
            out() << u"rows kept, spooled  %1 s   /floor = %2x\n"_s.arg(spooled, 0, 'f', 2)
                         .arg(spooled / floor, 0, 'f', 2);
        if (parser.isSet(u"whole-rows"_s))
            out() << u"rows kept           %1 s   /floor = %2x\n"_s.arg(whole, 0, 'f', 2).arg(whole / floor, 0, 'f', 2);
        out() << u"floor (hashtext)    %1 s   salvage/floor  = %2x (target <= 1.0x, aim 0.4x)\n"_s.arg(floor, 0, 'f', 2)
                     .arg(salvage / floor, 0, 'f', 2);
        if (!parser.isSet(u"no-manual"_s))
            out() << u"manual (COPY+diff)  %1 s   salvage/manual = %2x\n"_s.arg(manual, 0, 'f', 2)
                         .arg(salvage / manual, 0, 'f', 2);
        out().flush();
    } catch (const Error &error) {
        out() << "diffbenchmark: " << error.message() << '\n';
        return 2;
    }
    return 0;
}
