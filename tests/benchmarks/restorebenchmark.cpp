// Restore benchmark (issues 5 and 14): Salvage plans and runs a restore of ROWS statuses plus their
// accounts, and pg_restore --data-only loads the same rows (a pg_dump -Fc of them) into an empty
// copy of the schema, at each size in one run on one private cluster. Prints plan, run and
// plan + run next to pg_restore, with the load average (targets: run <= 1.5x pg_restore,
// plan + run <= 2x, plan <= 0.5x the run).
//   restorebenchmark [ROWS ...]   (default 100000 300000 1000000)
// RESTOREBENCH_OUT=DIR keeps each size's plan (counts, buckets, notes, listings), script and undo
// script there, to compare two builds' outputs.
#include "core/error.h"
#include "core/process.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "jobs/jobcontrol.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>

using namespace salvage;

namespace {

const char *const kSchema = R"(
CREATE TABLE accounts (id bigserial PRIMARY KEY, username text NOT NULL, domain text, display_name text,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE UNIQUE INDEX accounts_lower ON accounts (lower(username), coalesce(lower(domain), ''));
CREATE TABLE statuses (id bigserial PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  text text NOT NULL, in_reply_to_id bigint REFERENCES statuses ON DELETE SET NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX statuses_account ON statuses (account_id);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id);
)";

void exec(const QString &conninfo, const QString &sql)
{
    PgSession session(conninfo, PgSession::Options::writable(QStringLiteral("bench")));
    session.exec(sql);
}

double seconds(const QElapsedTimer &timer)
{
    return double(timer.nsecsElapsed()) / 1e9;
}

void run(const QString &tool, const QStringList &arguments)
{
    const ProcessResult result = runProcess({ tool, arguments, QString(), 3600000 });
    if (result.exitCode != 0)
        throw Error(QStringLiteral("%1 failed: %2").arg(tool, result.output.trimmed()));
}

/// Times the phases a job reports through its progress status: each status starts a phase that
/// ends at the next one; repeated statuses add up.
class PhaseTimer
{
public:
    PhaseTimer() { m_timer.start(); }
    JobControl::ProgressSink sink()
    {
        return [this](qint64, qint64, const QString &status) { enter(status); };
    }
    void enter(const QString &status)
    {
        close();
        m_current = status.isEmpty() ? QStringLiteral("(no status)") : status.left(70);
    }
    void stop()
    {
        close();
        m_current.clear();
    }
    void print(const char *title)
    {
        stop();
        printf("%s\n", title);
        for (const auto &[label, nanoseconds] : std::as_const(m_phases))
            if (nanoseconds >= 50'000'000)
                printf("  %7.2f s  %s\n", double(nanoseconds) / 1e9, qPrintable(label));
    }

private:
    void close()
    {
        const qint64 now = m_timer.nsecsElapsed();
        if (!m_current.isEmpty()) {
            auto found = std::find_if(
                m_phases.begin(), m_phases.end(), [&](const auto &phase) { return phase.first == m_current; });
            if (found == m_phases.end())
                m_phases.append({ m_current, now - m_since });
            else
                found->second += now - m_since;
        }
        m_since = now;
    }

    QElapsedTimer m_timer;
    QString m_current;
    qint64 m_since = 0;
    QList<QPair<QString, qint64>> m_phases;
};

/// utime + stime (+ cutime + cstime) of a process, in seconds.
double processCpu(const QString &pid, bool children)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = file.readAll();
    // Fields after the ")" that ends the command name: state is field 3, utime 14 ... cstime 17.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    double ticks = fields.value(11).toDouble() + fields.value(12).toDouble();
    if (children)
        ticks += fields.value(13).toDouble() + fields.value(14).toDouble();
    return ticks / double(sysconf(_SC_CLK_TCK));
}

/// CPU the cluster used so far: the postmaster with its reaped children, plus the children still running.
/// Less sensitive to other people's load on the machine than wall time.
double clusterCpu(const QString &dataDir)
{
    QFile pidFile(dataDir + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return 0;
    const QString postmaster = QString::fromLatin1(pidFile.readLine()).trimmed();
    double total = processCpu(postmaster, true);
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile status(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!entry.front().isDigit() || !status.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = status.readAll();
        if (text.mid(text.lastIndexOf(')') + 2).split(' ').value(1) == postmaster.toLatin1())
            total += processCpu(entry, false);
    }
    return total;
}

/// CPU of this process and its reaped children (pg_restore), in seconds.
double ownCpu()
{
    rusage self {};
    rusage children {};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(self.ru_utime) + seconds(self.ru_stime) + seconds(children.ru_utime) + seconds(children.ru_stime);
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).section(QLatin1Char(' '), 0, 2)
                                          : QStringLiteral("?");
}

/// What a plan says apart from its script, one fact a line.
QByteArray planText(const RestorePlan &plan)
{
    QStringList lines { plan.summary(), QStringLiteral("closure rows: %1").arg(plan.closureRows) };
    lines << QStringLiteral("order: ") + plan.tableOrder.join(QStringLiteral(", "));
    for (auto table = plan.counts.cbegin(); table != plan.counts.cend(); ++table)
        for (auto count = table->cbegin(); count != table->cend(); ++count)
            lines << QStringLiteral("count %1 %2: %3").arg(table.key(), rowActionName(count.key())).arg(count.value());
    for (auto table = plan.buckets.cbegin(); table != plan.buckets.cend(); ++table)
        for (auto count = table->cbegin(); count != table->cend(); ++count)
            lines << QStringLiteral("bucket %1 %2: %3")
                         .arg(table.key(), restoreBucketName(count.key()))
                         .arg(count.value());
    for (auto table = plan.differing.cbegin(); table != plan.differing.cend(); ++table)
        lines << QStringLiteral("differing %1: %2").arg(table.key()).arg(table.value());
    const auto list = [&lines](const char *kind, const QList<PlanListing> &listings) {
        for (const PlanListing &l : listings)
            lines << QStringLiteral("%1 %2 (%3) %4: %5 [%6]")
                         .arg(QLatin1String(kind), l.table, l.key, rowActionName(l.action), l.reason, l.dependantTable);
    };
    list("collision", plan.collisions);
    list("unrestorable", plan.unrestorable);
    list("deleted-since", plan.deletedSince);
    for (const QString &line : plan.warnings)
        lines << QStringLiteral("warning ") + line;
    for (const QString &line : plan.life)
        lines << QStringLiteral("life ") + line;
    return lines.join(QLatin1Char('\n')).toUtf8() + '\n';
}

void keep(const QString &name, const QByteArray &bytes)
{
    const QString dir = qEnvironmentVariable("RESTOREBENCH_OUT");
    if (dir.isEmpty())
        return;
    QFile file(QDir(dir).filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        throw Error(QStringLiteral("Cannot write %1.").arg(file.fileName()));
}

/// One size's figures, all from the same run.
struct Figures
{
    qint64 rows = 0; ///< rows restored (accounts + statuses)
    double scriptMb = 0;
    double baseline = 0; ///< pg_restore --data-only, wall
    double planning = 0;
    double running = 0;
    double baselineCpu = 0;
    double planningCpu = 0;
    double runningCpu = 0;
    double planningClientCpu = 0; ///< of planningCpu, the client's (Salvage) share
    double runningClientCpu = 0;
    QString loadBefore;
    QString loadAfter;
};

/// Plans and runs the restore of `rows` statuses (and their accounts) next to pg_restore of the
/// same rows, in fresh databases of `cluster` (dropped afterwards).
Figures measure(PgCluster &cluster, const QTemporaryDir &dir, qint64 rows)
{
    const qint64 accounts = qMax<qint64>(rows / 50, 1);
    const QString bin = PgCluster::findBinDir();
    const QString postgres = cluster.conninfo(QStringLiteral("postgres"));
    for (const char *name : { "bench_backup", "bench_empty" })
        cluster.createDatabase(QLatin1String(name));
    const QString backup = cluster.conninfo(QStringLiteral("bench_backup"));
    const QString schema = QString::fromUtf8(kSchema);
    exec(backup,
        schema
            + QStringLiteral("INSERT INTO accounts (username, display_name) SELECT 'user' || g, 'User ' || g FROM "
                             "generate_series(1, %1) g;"
                             "INSERT INTO statuses (account_id, text) SELECT 1 + g % %1, 'status number ' || g || "
                             "' with some text' FROM generate_series(1, %2) g;"
                             "UPDATE statuses SET in_reply_to_id = id - 1 WHERE id % 10 = 0; ANALYZE;")
                  .arg(accounts)
                  .arg(rows));
    // A session (autovacuum, say) still on the template makes CREATE DATABASE fail: end it and retry.
    for (int attempt = 0;; ++attempt) {
        try {
            exec(postgres,
                QStringLiteral(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'bench_backup'"));
            exec(postgres, QStringLiteral("DROP DATABASE IF EXISTS bench_live"));
            exec(postgres, QStringLiteral("CREATE DATABASE bench_live TEMPLATE bench_backup"));
            break;
        } catch (const std::exception &) {
            if (attempt > 5)
                throw;
        }
    }
    const QString live = cluster.conninfo(QStringLiteral("bench_live"));
    // The incident: every account (and by cascade every status) is gone from live.
    exec(live, QStringLiteral("DELETE FROM accounts"));
    exec(live, QStringLiteral("VACUUM ANALYZE"));

    // Baseline: every row of the backup is a lost row here: dump them, restore data-only into an empty copy.
    exec(cluster.conninfo(QStringLiteral("bench_empty")), schema);
    const QString dump = dir.filePath(QStringLiteral("rows.dump"));
    QFile::remove(dump);
    run(bin + QStringLiteral("/pg_dump"),
        { QStringLiteral("-Fc"), QStringLiteral("-d"), backup, QStringLiteral("-f"), dump,
            QStringLiteral("--data-only"), QStringLiteral("-t"), QStringLiteral("accounts"), QStringLiteral("-t"),
            QStringLiteral("statuses") });
    const QString dataDir = cluster.dataDir();
    double cpu = clusterCpu(dataDir) + ownCpu();
    double client = ownCpu(); // this process (and pg_restore), apart from the cluster
    double clientUsed = 0;
    const auto cpuSince = [&] {
        const double now = clusterCpu(dataDir) + ownCpu();
        const double used = now - cpu;
        cpu = now;
        clientUsed = ownCpu() - client;
        client += clientUsed;
        return used;
    };
    Figures figures;
    figures.loadBefore = loadAverage();
    QElapsedTimer timer;
    timer.start();
    run(bin + QStringLiteral("/pg_restore"),
        { QStringLiteral("--data-only"), QStringLiteral("-d"), cluster.conninfo(QStringLiteral("bench_empty")), dump });
    figures.baseline = seconds(timer);
    figures.baselineCpu = cpuSince();

    timer.restart();
    QByteArray script;
    QByteArray planned;
    PhaseTimer planPhases;
    {
        PgSession liveSession(live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        PgSession backupSession(backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        RestoreRequest request;
        request.roots << RootSelection::parse(QStringLiteral("accounts MISSING"));
        JobControl control(planPhases.sink());
        const RestorePlan plan = RestorePlanner(liveSession, backupSession).plan(request, &control);
        planPhases.enter(QStringLiteral("rendering the script"));
        script = ScriptRenderer::render(plan);
        if (qEnvironmentVariableIsSet("RESTOREBENCH_OUT"))
            planned = planText(plan);
    }
    planPhases.stop();
    figures.planning = seconds(timer);
    figures.planningCpu = cpuSince();
    figures.planningClientCpu = clientUsed;
    timer.restart();
    PhaseTimer runPhases;
    ExecutionReport report;
    {
        PgSession runSession(live, PgSession::Options::writable(QStringLiteral("LIVE")));
        JobControl runControl(runPhases.sink());
        report = RestoreExecutor(runSession).run(script, dir.filePath(QStringLiteral("undo.sql")), &runControl);
    }
    figures.running = seconds(timer);
    figures.runningCpu = cpuSince();
    figures.runningClientCpu = clientUsed;
    figures.loadAfter = loadAverage();
    if (!report.committed)
        throw Error(QStringLiteral("the restore failed: %1").arg(report.error));
    for (qint64 count : std::as_const(report.rowsPerTable))
        figures.rows += count;
    figures.scriptMb = double(script.size()) / 1e6;
    keep(QStringLiteral("plan-%1.txt").arg(rows), planned);
    keep(QStringLiteral("script-%1.sql").arg(rows), script);
    if (QFile undo(dir.filePath(QStringLiteral("undo.sql"))); undo.open(QIODevice::ReadOnly))
        keep(QStringLiteral("undo-%1.sql").arg(rows), undo.readAll());
    QFile::remove(dir.filePath(QStringLiteral("undo.sql")));

    printf("\n%lld rows restored (%lld accounts + %lld statuses), script %.1f MB\n", figures.rows, accounts, rows,
        figures.scriptMb);
    printf("  pg_restore --data-only %.2f s; plan %.2f s; run %.2f s (CPU, server + client: %.2f / %.2f / %.2f s)\n",
        figures.baseline, figures.planning, figures.running, figures.baselineCpu, figures.planningCpu,
        figures.runningCpu);
    printf("  of which the client (Salvage): plan %.2f s, run %.2f s\n", figures.planningClientCpu,
        figures.runningClientCpu);
    planPhases.print("  plan phases (>= 0.05 s):");
    runPhases.print("  run phases (>= 0.05 s):");
    fflush(stdout);
    for (const char *name : { "bench_live", "bench_backup", "bench_empty" })
        exec(postgres, QStringLiteral("DROP DATABASE %1").arg(QLatin1String(name)));
    return figures;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QList<qint64> sizes;
    for (int i = 1; i < argc; ++i)
        sizes << QByteArray(argv[i]).toLongLong();
    if (sizes.isEmpty())
        sizes = { 100000, 300000, 1000000 };
    QTemporaryDir dir;
    try {
        PgCluster cluster(dir.filePath(QStringLiteral("cluster")));
        cluster.start();
        QList<Figures> all;
        for (qint64 rows : std::as_const(sizes))
            all << measure(cluster, dir, rows);
        // Targets (issue 14): run <= 1.5x pg_restore, plan + run <= 2x, plan <= 0.5x the run.
        printf("\n%10s %8s %8s %8s %11s %9s %12s %9s  %s\n", "rows", "plan s", "run s", "pg_rst s", "run/pg_rst",
            "plan/run", "plan+run/pg", "CPU run/pg", "load before / after");
        for (const Figures &f : std::as_const(all))
            printf("%10lld %8.2f %8.2f %8.2f %10.2fx %8.2fx %11.2fx %9.2fx  %s / %s\n", f.rows, f.planning, f.running,
                f.baseline, f.running / f.baseline, f.planning / f.running, (f.planning + f.running) / f.baseline,
                f.runningCpu / f.baselineCpu, qPrintable(f.loadBefore), qPrintable(f.loadAfter));
        printf("targets: run/pg_restore <= 1.5x, plan/run <= 0.5x, (plan+run)/pg_restore <= 2x\n");
        if (const QString keep = qEnvironmentVariable("RESTOREBENCH_LOG"); !keep.isEmpty()) { // with PGOPTIONS, say
            const QFileInfo inBase(cluster.logFile());
            QFile::copy(
                inBase.size() > 0 ? inBase.filePath() : cluster.dataDir() + QStringLiteral("/postgresql.log"), keep);
        }
        cluster.destroy();
    } catch (const std::exception &error) {
        fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    return 0;
}
