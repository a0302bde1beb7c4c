// Restore benchmark (issue 5): Salvage plans and runs a restore of ROWS statuses plus their
// accounts, and pg_restore --data-only loads the same rows (a pg_dump -Fc of them) into an empty
// copy of the schema, in one run on one private cluster. Prints both and the ratio (target <= 1.5x).
//   restorebenchmark [ROWS]   (default 1000000)
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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    const qint64 rows = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1000000;
    const qint64 accounts = qMax<qint64>(rows / 50, 1);
    QTemporaryDir dir;
    try {
        PgCluster cluster(dir.filePath(QStringLiteral("cluster")));
        cluster.start();
        const QString bin = PgCluster::findBinDir();
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
                exec(cluster.conninfo(QStringLiteral("postgres")),
                    QStringLiteral(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'bench_backup'"));
                exec(cluster.conninfo(QStringLiteral("postgres")),
                    QStringLiteral("CREATE DATABASE bench_live TEMPLATE bench_backup"));
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
        run(bin + QStringLiteral("/pg_dump"),
            { QStringLiteral("-Fc"), QStringLiteral("-d"), backup, QStringLiteral("-f"),
                dir.filePath(QStringLiteral("rows.dump")), QStringLiteral("--data-only"), QStringLiteral("-t"),
                QStringLiteral("accounts"), QStringLiteral("-t"), QStringLiteral("statuses") });
        const QString dataDir = cluster.dataDir();
        double cpu = clusterCpu(dataDir) + ownCpu();
        const auto cpuSince = [&] {
            const double now = clusterCpu(dataDir) + ownCpu();
            const double used = now - cpu;
            cpu = now;
            return used;
        };
        QElapsedTimer timer;
        timer.start();
        run(bin + QStringLiteral("/pg_restore"),
            { QStringLiteral("--data-only"), QStringLiteral("-d"), cluster.conninfo(QStringLiteral("bench_empty")),
                dir.filePath(QStringLiteral("rows.dump")) });
        const double baseline = seconds(timer);
        const double baselineCpu = cpuSince();

        const QString loadBefore = loadAverage();
        timer.restart();
        QByteArray script;
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
        }
        planPhases.stop();
        const double planning = seconds(timer);
        const double planningCpu = cpuSince();
        timer.restart();
        PhaseTimer runPhases;
        PgSession runSession(live, PgSession::Options::writable(QStringLiteral("LIVE")));
        JobControl runControl(runPhases.sink());
        const ExecutionReport report
            = RestoreExecutor(runSession).run(script, dir.filePath(QStringLiteral("undo.sql")), &runControl);
        const double running = seconds(timer);
        const double runningCpu = cpuSince();
        if (!report.committed)
            throw Error(QStringLiteral("the restore failed: %1").arg(report.error));
        qint64 written = 0;
        for (qint64 count : report.rowsPerTable)
            written += count;

        printf("rows restored:                 %lld (%lld accounts + %lld statuses)\n", written, accounts, rows);
        printf("script size:                   %.1f MB\n", double(script.size()) / 1e6);
        printf("pg_restore --data-only:        %.2f s\n", baseline);
        printf("salvage restore run:           %.2f s  (ratio %.2fx; target <= 1.5x)\n", running, running / baseline);
        printf("salvage plan (closure+compare): %.2f s\n", planning);
        printf("salvage plan + run:            %.2f s  (ratio %.2fx)\n", planning + running,
            (planning + running) / baseline);
        printf("CPU, server + client:          pg_restore %.2f s, run %.2f s (ratio %.2fx), plan %.2f s\n", baselineCpu,
            runningCpu, runningCpu / baselineCpu, planningCpu);
        printf("load average before/after:     %s / %s\n", qPrintable(loadBefore), qPrintable(loadAverage()));
        planPhases.print("plan phases (>= 0.05 s):");
        runPhases.print("run phases (>= 0.05 s):");
        cluster.destroy();
    } catch (const std::exception &error) {
        fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    return 0;
}
