// The restore engine end to end on a Mastodon-shaped incident: plan, preview, run, undo by psql, failure paths.
#include "core/error.h"
#include "core/process.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "jobs/jobcontrol.h"
#include "livesnapshot.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/restoreverifier.h"
#include "restore/scriptrenderer.h"
#include "testcluster.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace salvage;
using salvage::test::TestCluster;

namespace {

const QString kBackup = QStringLiteral("tst_restore_backup");
const QString kLive = QStringLiteral("tst_restore_live");

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(RESTORE_FIXTURES "/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return file.readAll();
}

} // namespace

class TestRestore : public QObject
{
    Q_OBJECT

    QString m_liveConn;
    QString m_backupConn;
    QTemporaryDir m_dir;

    QMap<QString, QString> snapshot() { return salvage::test::tableDigests(m_liveConn); }

    QString value(const QString &sql)
    {
        PgSession session(m_liveConn, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const auto rows = session.exec(sql);
        return rows.empty() || rows[0][0].is_null() ? QString() : QString::fromStdString(rows[0][0].as<std::string>());
    }

    void buildIncident()
    {
        TestCluster &cluster = TestCluster::instance();
        m_backupConn = cluster.createDatabase(kBackup);
        cluster.execute(kBackup, QString::fromUtf8(fixture("incident_backup.sql")));
        PgSession admin(
            cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("admin")));
        admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(kLive));
        // The fixture's session may still be leaving the server: a template needs it gone.
        for (int attempt = 0;; ++attempt) {
            try {
                // An autovacuum worker may have started on the fresh database.
                admin.exec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1'")
                               .arg(kBackup));
                admin.exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2").arg(kLive, kBackup));
                break;
            } catch (const std::exception &) {
                if (attempt > 5)
                    throw;
                QTest::qSleep(100);
            }
        }
        m_liveConn = cluster.conninfo(kLive);
        cluster.execute(kLive, QString::fromUtf8(fixture("incident_live.sql")));
    }

    QByteArray planScript(RestorePlan *out = nullptr, const QHash<QString, RestorePolicy> &policies = {})
    {
        PgSession live(m_liveConn, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        PgSession backup(m_backupConn, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        RestoreRequest request;
        request.roots << RootSelection::parse(QStringLiteral("accounts WHERE id BETWEEN 3 AND 8"));
        request.policies = policies;
        const RestorePlan plan = RestorePlanner(live, backup).plan(request);
        if (out)
            *out = plan;
        return ScriptRenderer::render(plan);
    }

    void verifyRestored()
    {
        // Victims back with original ids and profiles, users, identities, settings.
        QCOMPARE(value(QStringLiteral("SELECT string_agg(id || ':' || username || ':' || display_name, ',' ORDER BY "
                                      "id) FROM accounts WHERE id BETWEEN 3 AND 8")),
            QStringLiteral(
                "3:o'brien:Tab\there, "
                "back\\slash,4:dora:Line\nbreak,5:eve_ée:Eve,6:frank:Frank,7:grace:Grace,8:heidi:\\N literal"));
        QCOMPARE(value(QStringLiteral(
                     "SELECT count(*) FROM users WHERE account_id BETWEEN 3 AND 8 AND id = account_id AND email = "
                     "(SELECT username FROM accounts a WHERE a.id = account_id) || '@mail.example'")),
            QStringLiteral("6"));
        QCOMPARE(
            value(QStringLiteral("SELECT count(*) FROM identities WHERE user_id IN (3, 4, 7)")), QStringLiteral("3"));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM web_settings WHERE user_id BETWEEN 3 AND 8")),
            QStringLiteral("6"));
        // The recreated account is folded into the original: its rows now belong to id 7, no duplicate.
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM accounts WHERE id = 20")), QStringLiteral("0"));
        QCOMPARE(value(QStringLiteral("SELECT account_id FROM statuses WHERE id = 103")), QStringLiteral("7"));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM follows WHERE account_id = 7 AND target_account_id = 2")),
            QStringLiteral("1"));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM follows GROUP BY account_id, "
                                      "target_account_id HAVING count(*) > 1) d")),
            QStringLiteral("0"));
        // Statuses point at their owners again; newer text kept; deleted on purpose stays deleted (and its reblog).
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM statuses WHERE id <= 60 AND account_id <> 1 + id % 10")),
            QStringLiteral("0"));
        QCOMPARE(
            value(QStringLiteral("SELECT text FROM statuses WHERE id = 4")), QStringLiteral("edited after the backup"));
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM statuses WHERE id IN (11, 20, 61)")), QStringLiteral("0"));
        QCOMPARE(value(QStringLiteral(
                     "SELECT account_id || ':' || coalesce(in_reply_to_id::text, 'null') FROM statuses WHERE id = 62")),
            QStringLiteral("6:null"));
        // Rows written after the backup are still there, untouched (101's owner is unknown: it stays where it is).
        QCOMPARE(value(QStringLiteral("SELECT string_agg(id || ':' || account_id, ',' ORDER BY id) FROM statuses WHERE "
                                      "id IN (100, 101, 102)")),
            QStringLiteral("100:1,101:9,102:11"));
        QCOMPARE(value(QStringLiteral(
                     "SELECT count(*) FROM follows WHERE (account_id, target_account_id) IN ((11, 1), (1, 11))")),
            QStringLiteral("2"));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init() { buildIncident(); }

    void planPreviewRunUndo()
    {
        RestorePlan plan;
        const QByteArray script = planScript(&plan);
        QCOMPARE(script, planScript()); // deterministic
        QCOMPARE(plan.counts.value(QStringLiteral("public.accounts")).value(RowAction::Recreate), 1);
        QCOMPARE(plan.counts.value(QStringLiteral("public.accounts")).value(RowAction::Insert), 5);
        QVERIFY(std::any_of(plan.unrestorable.cbegin(), plan.unrestorable.cend(),
            [](const PlanListing &l) { return l.key == QLatin1String("61") && l.action == RowAction::Cascade; }));
        QVERIFY(std::any_of(plan.unrestorable.cbegin(), plan.unrestorable.cend(),
            [](const PlanListing &l) { return l.key == QLatin1String("101") && l.action == RowAction::UnknownOwner; }));
        QVERIFY(std::any_of(plan.collisions.cbegin(), plan.collisions.cend(), [](const PlanListing &l) {
            return l.table == QLatin1String("public.follows") && l.action == RowAction::Skipped;
        }));
        // account_stats keeps counters 1:1 with accounts: statuses_count is recomputed; followers_count fits the
        // follows of either column alike (the fixture's follows are symmetric): named in a warning.
        QVERIFY(std::any_of(plan.steps.cbegin(), plan.steps.cend(), [](const PlanStep &step) {
            return step.kind == PlanStep::Kind::RecomputeCounter && step.table == QLatin1String("public.account_stats")
                && step.column == QLatin1String("statuses_count");
        }));
        QVERIFY(!plan.warnings.filter(QStringLiteral("public.account_stats.followers_count looks like a counter cache"))
                     .isEmpty());

        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        const ExecutionReport preview = executor.preview(script);
        QVERIFY2(preview.error.isEmpty(), qPrintable(preview.error));
        QCOMPARE(preview.rowsPerTable.value(QStringLiteral("public.accounts")), 6);
        for (const StatementOutcome &outcome : preview.statements)
            if (outcome.expectedRows >= 0)
                QCOMPARE(outcome.rows, outcome.expectedRows);
        QCOMPARE(snapshot(), before);

        const QString undo = m_dir.filePath(QStringLiteral("undo.sql"));
        const ExecutionReport run = executor.run(script, undo);
        QVERIFY2(run.committed, qPrintable(run.error));
        verifyRestored();
        // The sentence the incident's timeline keeps: rows summed over the tables, and the undo script.
        qint64 touched = 0;
        for (qint64 rows : run.rowsPerTable)
            touched += rows;
        QCOMPARE(run.timelineNote(QStringLiteral("Restore run"), QStringLiteral("LIVE (db)"), undo),
            QStringLiteral("Restore run committed on LIVE (db): %L1 rows in %2 table(s); undo script %3")
                .arg(touched)
                .arg(run.rowsPerTable.size())
                .arg(undo));
        QVERIFY(touched >= 6);
        {
            PgSession live(m_liveConn, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
            PgSession backup(m_backupConn, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
            RestoreRequest request;
            request.roots << RootSelection::parse(QStringLiteral("accounts WHERE id BETWEEN 3 AND 8"));
            const Verification verification = RestoreVerifier::verify(live, backup, request);
            QVERIFY2(verification.isComplete(), qPrintable(verification.summary()));
            QVERIFY(std::any_of(verification.explained.cbegin(), verification.explained.cend(),
                [](const PlanListing &l) { return l.key == QLatin1String("61"); }));
        }

        const ProcessResult undone = salvage::test::runWithPsql(m_liveConn, undo);
        QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
        QCOMPARE(snapshot(), before);
    }

    void policies_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("graceStatusesOwner"); // owner of grace's backup statuses after the run
        QTest::addColumn<QString>("accountsBack");
        QTest::newRow("keep-live") << QStringLiteral("keep-live") << QStringLiteral("20")
                                   << QStringLiteral("3,4,5,6,8,20");
        QTest::newRow("skip") << QStringLiteral("skip") << QStringLiteral("9") << QStringLiteral("3,4,5,6,8,20");
    }
    void policies()
    {
        QFETCH(QString, policy);
        QFETCH(QString, graceStatusesOwner);
        QFETCH(QString, accountsBack);
        RestorePolicy chosen;
        QVERIFY(parseRestorePolicy(policy, &chosen));
        const QByteArray script = planScript(nullptr, { { QStringLiteral("accounts"), chosen } });
        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        const QString undo
            = m_dir.filePath(QStringLiteral("undo-policy-%1.sql").arg(policy)); // one per data row: never replaced
        const ExecutionReport run = RestoreExecutor(session).run(script, undo);
        QVERIFY2(run.committed, qPrintable(run.error));
        QCOMPARE(value(QStringLiteral(
                     "SELECT string_agg(id::text, ',' ORDER BY id) FROM accounts WHERE id BETWEEN 3 AND 8 OR id = 20")),
            accountsBack);
        QCOMPARE(value(QStringLiteral(
                     "SELECT string_agg(DISTINCT account_id::text, ',') FROM statuses WHERE id <= 60 AND id % 10 = 6")),
            graceStatusesOwner);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM follows GROUP BY account_id, "
                                      "target_account_id HAVING count(*) > 1) d")),
            QStringLiteral("0"));
        QCOMPARE(
            value(QStringLiteral(
                "SELECT count(*) FROM statuses WHERE id <= 60 AND id % 10 NOT IN (6) AND account_id <> 1 + id % 10")),
            QStringLiteral("0"));
        const ProcessResult undone = salvage::test::runWithPsql(m_liveConn, undo);
        QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
        QCOMPARE(snapshot(), before);
    }

    void psqlRunsThePlan()
    {
        const QString path = m_dir.filePath(QStringLiteral("plan.sql"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(planScript());
        file.close();
        const ProcessResult result = salvage::test::runWithPsql(m_liveConn, path);
        QVERIFY2(result.exitCode == 0, qPrintable(result.output));
        verifyRestored();
    }

    void failureLeavesLiveAsItWas_data()
    {
        QTest::addColumn<QString>("failure");
        QTest::newRow("cancel") << QStringLiteral("cancel");
        QTest::newRow("killed backend") << QStringLiteral("kill");
        QTest::newRow("undo unwritable") << QStringLiteral("undo");
        QTest::newRow("failing statement") << QStringLiteral("statement");
    }
    void failureLeavesLiveAsItWas()
    {
        QFETCH(QString, failure);
        QByteArray script = planScript();
        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        PgSession killer(TestCluster::instance().conninfo(QStringLiteral("postgres")),
            PgSession::Options::writable(QStringLiteral("admin")));
        const int pid = session.backendPid();
        JobControl control([&](qint64 done, qint64, const QString &) {
            if (done != 12)
                return;
            if (failure == QLatin1String("cancel"))
                control.requestCancel();
            else if (failure == QLatin1String("kill"))
                killer.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid));
        });
        if (failure == QLatin1String("statement"))
            script.replace("COMMIT;\n", "SELECT 1/0;\nCOMMIT;\n");
        const QString undo = failure == QLatin1String("undo") ? QStringLiteral("/nonexistent-dir/undo.sql")
                                                              : m_dir.filePath(QStringLiteral("undo-failed.sql"));
        RestoreExecutor executor(session);
        bool failed = false;
        try {
            const ExecutionReport report = executor.run(script, undo, &control);
            failed = !report.committed && !report.error.isEmpty();
        } catch (const Error &) {
            failed = true;
        }
        QVERIFY(failed);
        QCOMPARE(snapshot(), before);
        QVERIFY(!QFile::exists(undo));
    }

    void rowInsertedAfterThePlanStopsTheRun()
    {
        // The application re-creates a row the plan inserts, between plan and run. Every identity the
        // plan writes is an insert, so they go straight into the table: the COPY meets the key LIVE
        // gained, the run stops, nothing is written, and the error names the table and the key.
        const QByteArray script = planScript();
        QVERIFY(script.contains(
            "\nCOPY \"public\".\"identities\" (\"id\", \"user_id\", \"provider\", \"uid\") FROM STDIN;\n"));
        PgSession backup(m_backupConn, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        const auto taken = backup.exec(QStringLiteral("SELECT min(id) FROM identities WHERE user_id IN (3, 4, 7)"));
        const QString id = QString::fromStdString(taken[0][0].as<std::string>());
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM identities WHERE id = %1").arg(id)), QStringLiteral("0"));
        {
            PgSession writer(m_liveConn, PgSession::Options::writable(QStringLiteral("writer")));
            writer.exec(QStringLiteral(
                "INSERT INTO identities (id, user_id, provider, uid) VALUES (%1, NULL, 'concurrent', 'x')")
                            .arg(id));
        }
        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        const QString undo = m_dir.filePath(QStringLiteral("undo-conflict.sql"));
        const ExecutionReport run = RestoreExecutor(session).run(script, undo);
        QVERIFY(!run.committed);
        QVERIFY2(
            run.error.contains(QLatin1String("the rows of public.identities could not go in")), qPrintable(run.error));
        QVERIFY2(run.error.contains(QLatin1String("Key (id)=(%1) already exists").arg(id)), qPrintable(run.error));
        QCOMPARE(snapshot(), before);
        QVERIFY(!QFile::exists(undo));
        // psql stops there too, and its transaction writes nothing.
        QFile file(m_dir.filePath(QStringLiteral("conflict.sql")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(script);
        file.close();
        QVERIFY(salvage::test::runWithPsql(m_liveConn, file.fileName()).exitCode != 0);
        QCOMPARE(snapshot(), before);
    }

    void keyTakenInAStagedTableStopsTheRun()
    {
        // Accounts are staged (one is recreated): the script's check finds the key an inserted
        // account needs taken since the plan and stops before anything is written.
        const QByteArray script = planScript();
        QVERIFY(script.contains("\nINSERT INTO \"public\".\"accounts\""));
        {
            PgSession writer(m_liveConn, PgSession::Options::writable(QStringLiteral("writer")));
            writer.exec(QStringLiteral("INSERT INTO accounts (id, username) VALUES (3, 'concurrent')"));
        }
        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        const QString undo = m_dir.filePath(QStringLiteral("undo-staged-conflict.sql"));
        const ExecutionReport run = RestoreExecutor(session).run(script, undo);
        QVERIFY(!run.committed);
        QVERIFY2(
            run.error.contains(QLatin1String("LIVE changed since the plan was made: public.accounts (backup keys 3)")),
            qPrintable(run.error));
        QCOMPARE(snapshot(), before);
        QVERIFY(!QFile::exists(undo));
    }

    void directCopyIsCountedAndUndone()
    {
        // Rows COPYed straight into a table count as the table's, in the preview and the run, and
        // the undo script (run by Salvage) takes them back: LIVE as it was.
        const QByteArray script = planScript();
        QVERIFY(script.contains("\nCOPY \"public\".\"web_settings\" (\"id\", \"user_id\", \"data\") FROM STDIN;\n"));
        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        const ExecutionReport preview = executor.preview(script);
        QVERIFY2(preview.error.isEmpty(), qPrintable(preview.error));
        QCOMPARE(preview.rowsPerTable.value(QStringLiteral("public.identities")), 3);
        QCOMPARE(preview.rowsPerTable.value(QStringLiteral("public.web_settings")), 6);
        const auto copied = std::find_if(preview.statements.cbegin(), preview.statements.cend(),
            [](const StatementOutcome &outcome) { return outcome.table == QLatin1String("public.identities"); });
        QVERIFY(copied != preview.statements.cend());
        QCOMPARE(copied->expectedRows, 3);
        QCOMPARE(copied->rows, 3);
        QCOMPARE(snapshot(), before);

        const QString undo = m_dir.filePath(QStringLiteral("undo-direct.sql"));
        const ExecutionReport run = executor.run(script, undo);
        QVERIFY2(run.committed, qPrintable(run.error));
        QCOMPARE(run.rowsPerTable.value(QStringLiteral("public.identities")), 3);
        verifyRestored();
        QFile undoFile(undo);
        QVERIFY(undoFile.open(QIODevice::ReadOnly));
        const QByteArray undoScript = undoFile.readAll();
        PgSession undoSession(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport undone
            = RestoreExecutor(undoSession).run(undoScript, m_dir.filePath(QStringLiteral("redo-direct.sql")));
        QVERIFY2(undone.committed, qPrintable(undone.error));
        QCOMPARE(snapshot(), before);
    }

    void tablesWithRulesOrRowSecurityAreInsertedNotCopied()
    {
        // PostgreSQL applies neither rules nor row-level security to COPY FROM as it does to an
        // INSERT: such tables keep their staged INSERT, whose rule then does its part.
        {
            PgSession writer(m_liveConn, PgSession::Options::writable(QStringLiteral("writer")));
            writer.exec(QStringLiteral("CREATE TABLE settings_audit (settings_id bigint)"));
            writer.exec(QStringLiteral("CREATE RULE audited AS ON INSERT TO web_settings DO ALSO "
                                       "INSERT INTO settings_audit VALUES (NEW.id)"));
            writer.exec(QStringLiteral("ALTER TABLE identities ENABLE ROW LEVEL SECURITY"));
        }
        const QByteArray script = planScript();
        QVERIFY(!script.contains("COPY \"public\".\"web_settings\""));
        QVERIFY(!script.contains("COPY \"public\".\"identities\""));
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport run
            = RestoreExecutor(session).run(script, m_dir.filePath(QStringLiteral("undo-rules.sql")));
        QVERIFY2(run.committed, qPrintable(run.error));
        QCOMPARE(run.rowsPerTable.value(QStringLiteral("public.web_settings")), 6);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM settings_audit")), QStringLiteral("6"));
    }

    void rowChangedAfterThePlanStopsTheRun()
    {
        // A status the plan puts back is edited between plan and run: the run stops, LIVE unchanged.
        const QByteArray script = planScript();
        {
            PgSession writer(m_liveConn, PgSession::Options::writable(QStringLiteral("writer")));
            writer.exec(QStringLiteral("UPDATE statuses SET text = 'edited between plan and run' WHERE id = 3"));
        }
        const auto before = snapshot();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport run
            = RestoreExecutor(session).run(script, m_dir.filePath(QStringLiteral("undo-changed.sql")));
        QVERIFY(!run.committed);
        QVERIFY2(run.error.contains(QLatin1String("public.statuses (backup keys 3)")), qPrintable(run.error));
        QCOMPARE(snapshot(), before);
    }

    void concurrentWriterIsNotLost()
    {
        const QByteArray script = planScript();
        PgSession session(m_liveConn, PgSession::Options::writable(QStringLiteral("LIVE")));
        std::thread writer;
        std::atomic<bool> wrote { false };
        JobControl control([&](qint64 done, qint64, const QString &) {
            if (done != 10 || writer.joinable())
                return;
            writer = std::thread([&] {
                PgSession other(m_liveConn, PgSession::Options::writable(QStringLiteral("writer")));
                other.exec(QStringLiteral("INSERT INTO follows (account_id, target_account_id) VALUES (10, 11)"));
                wrote = true;
            });
        });
        const ExecutionReport report
            = RestoreExecutor(session).run(script, m_dir.filePath(QStringLiteral("undo2.sql")), &control);
        QVERIFY2(report.committed, qPrintable(report.error));
        writer.join();
        QVERIFY(wrote);
        verifyRestored();
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM follows WHERE account_id = 10 AND target_account_id = 11")),
            QStringLiteral("1"));
    }
};

QTEST_GUILESS_MAIN(TestRestore)
#include "tst_restore.moc"
