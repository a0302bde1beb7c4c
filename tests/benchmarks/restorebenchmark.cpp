// Restore benchmark (issue 5): Salvage plans and runs a restore of ROWS statuses plus their
// accounts, and pg_restore --data-only loads the same rows (a pg_dump -Fc of them) into an empty
// copy of the schema, in one run on one private cluster. Prints both and the ratio (target <= 1.5x).
//   restorebenchmark [ROWS]   (default 1000000)
#include "core/error.h"
#include "core/process.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <cstdio>

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
    const ProcessResult result = runProcess({tool, arguments, QString(), 3600000});
    if (result.exitCode != 0)
        throw Error(QStringLiteral("%1 failed: %2").arg(tool, result.output.trimmed()));
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
        for (const char *name : {"bench_backup", "bench_empty"})
            cluster.createDatabase(QLatin1String(name));
        const QString backup = cluster.conninfo(QStringLiteral("bench_backup"));
        const QString schema = QString::fromUtf8(kSchema);
        exec(backup, schema + QStringLiteral(
            "INSERT INTO accounts (username, display_name) SELECT 'user' || g, 'User ' || g FROM generate_series(1, %1) g;"
            "INSERT INTO statuses (account_id, text) SELECT 1 + g % %1, 'status number ' || g || ' with some text' FROM generate_series(1, %2) g;"
            "UPDATE statuses SET in_reply_to_id = id - 1 WHERE id % 10 = 0; ANALYZE;").arg(accounts).arg(rows));
        // A session (autovacuum, say) still on the template makes CREATE DATABASE fail: end it and retry.
        for (int attempt = 0;; ++attempt) {
            try {
                exec(cluster.conninfo(QStringLiteral("postgres")),
                     QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'bench_backup'"));
                exec(cluster.conninfo(QStringLiteral("postgres")), QStringLiteral("CREATE DATABASE bench_live TEMPLATE bench_backup"));
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
        run(bin + QStringLiteral("/pg_dump"), {QStringLiteral("-Fc"), QStringLiteral("-d"), backup, QStringLiteral("-f"),
                                               dir.filePath(QStringLiteral("rows.dump")), QStringLiteral("--data-only"),
                                               QStringLiteral("-t"), QStringLiteral("accounts"), QStringLiteral("-t"), QStringLiteral("statuses")});
        QElapsedTimer timer;
        timer.start();
        run(bin + QStringLiteral("/pg_restore"), {QStringLiteral("--data-only"), QStringLiteral("-d"),
                                                  cluster.conninfo(QStringLiteral("bench_empty")),
                                                  dir.filePath(QStringLiteral("rows.dump"))});
        const double baseline = seconds(timer);

        timer.restart();
        QByteArray script;
        {
            PgSession liveSession(live, PgSession::Options{true, QStringLiteral("LIVE"), 15});
            PgSession backupSession(backup, PgSession::Options{true, QStringLiteral("BACKUP"), 15});
            RestoreRequest request;
            request.roots << RootSelection::parse(QStringLiteral("accounts MISSING"));
            script = ScriptRenderer::render(RestorePlanner(liveSession, backupSession).plan(request));
        }
        const double planning = seconds(timer);
        timer.restart();
        PgSession runSession(live, PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport report = RestoreExecutor(runSession).run(script, dir.filePath(QStringLiteral("undo.sql")));
        const double running = seconds(timer);
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
        printf("salvage plan + run:            %.2f s  (ratio %.2fx)\n", planning + running, (planning + running) / baseline);
        cluster.destroy();
    } catch (const std::exception &error) {
        fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    return 0;
}
