// Faults injected into a restore run on the harness's real cluster: the connection dropped at every
// stage (before BEGIN, while the undo log is set up, mid-INSERT, mid-COPY, while the undo script is
// written, before COMMIT, during COMMIT, after COMMIT) and cancel at several points. Each case
// compares every LIVE table before and after, and the files left where the undo script was asked for.
#include "core/error.h"
#include "faultincident.h"
#include "jobs/jobcontrol.h"
#include "restore/restoreexecutor.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <thread>

using namespace salvage;
using salvage::test::entries;
using salvage::test::FaultIncident;
using salvage::test::Gate;
using salvage::test::TestCluster;

namespace {

/// An edited script that COPYs 3,000 statuses straight into LIVE, the gate in the middle of them.
QByteArray copyScript()
{
    QByteArray script = "COPY statuses (id, account_id, body) FROM STDIN;\n";
    for (int id = 5001; id <= 8000; ++id)
        script += QByteArray::number(id) + "\t1\t"
            + (id == 6500 ? QByteArray("gate") : "copied " + QByteArray::number(id)) + "\n";
    return script + "\\.\n";
}

} // namespace

class TestFaultsRun : public QObject
{
    Q_OBJECT

    FaultIncident m_incident;
    QTemporaryDir m_dir;
    QMap<QString, QString> m_before;
    QString m_undoDir;
    QString m_undo;

    /// Runs `script`, a failure before the run's transaction (thrown) reported like one inside it.
    ExecutionReport run(RestoreExecutor &executor, const QByteArray &script, JobControl *control)
    {
        try {
            return executor.run(script, m_undo, control);
        } catch (const std::exception &error) {
            ExecutionReport report;
            report.error = QString::fromUtf8(error.what());
            return report;
        }
    }

    /// LIVE exactly as before, and nothing where the undo script was asked for (no partial file).
    void checkUntouched(const ExecutionReport &report)
    {
        QVERIFY(!report.committed);
        QVERIFY(!report.error.isEmpty());
        QCOMPARE(m_incident.digests(), m_before);
        QCOMPARE(entries(m_undoDir), QStringList());
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init()
    {
        m_incident.build(QStringLiteral("faults_run"));
        m_before = m_incident.digests();
        static int count = 0;
        m_undoDir = m_dir.filePath(QString::number(++count));
        QVERIFY(QDir().mkpath(m_undoDir));
        m_undo = m_undoDir + QStringLiteral("/undo.sql");
    }

    void connectionDropped_data()
    {
        QTest::addColumn<QString>("stage"); // a progress status, or how the fault is injected
        QTest::addColumn<bool>("copy");
        QTest::newRow("before BEGIN") << QStringLiteral("before BEGIN") << false;
        QTest::newRow("undo log set up") << QStringLiteral("preparing the undo log") << false;
        QTest::newRow("mid-INSERT") << QStringLiteral("gate") << false;
        QTest::newRow("mid-COPY") << QStringLiteral("gate") << true;
        QTest::newRow("undo script written") << QStringLiteral("writing the undo script") << false;
        QTest::newRow("undo log removed") << QStringLiteral("removing the undo log") << false;
        QTest::newRow("before COMMIT") << QStringLiteral("committing") << false;
    }

    void connectionDropped()
    {
        QFETCH(QString, stage);
        QFETCH(bool, copy);
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        bool dropped = false;
        JobControl control([&](qint64, qint64, const QString &status) {
            if (status == stage && !dropped) {
                dropped = true;
                m_incident.terminateLiveSessions();
            }
        });
        ExecutionReport report;
        if (stage == QLatin1String("before BEGIN")) {
            m_incident.terminateLiveSessions();
            dropped = true;
            report = run(executor, m_incident.script(), &control);
        } else if (stage == QLatin1String("gate")) {
            Gate gate(m_incident.live());
            std::thread killer([&] {
                const QString pid = m_incident.waitAtGate();
                dropped = !pid.isEmpty();
                if (dropped)
                    m_incident.terminateLiveSessions(pid);
            });
            report = run(executor, copy ? copyScript() : m_incident.script(), &control);
            killer.join();
        } else {
            report = run(executor, m_incident.script(), &control);
        }
        QVERIFY(dropped);
        checkUntouched(report);
    }

    void connectionLostDuringCommit()
    {
        // COMMIT is durable on the server, but the reply never reaches Salvage: the server is told to
        // wait for a synchronous standby that does not exist, and the backend is terminated while
        // it waits. Salvage must not take it for a rollback and delete the undo script.
        PgSession admin = FaultIncident::admin();
        const auto standby = [&](const QString &names) {
            admin.exec(names.isEmpty()
                    ? QStringLiteral("ALTER SYSTEM RESET synchronous_standby_names")
                    : QStringLiteral("ALTER SYSTEM SET synchronous_standby_names = '%1'").arg(names));
            admin.exec(QStringLiteral("SELECT pg_reload_conf()"));
            QTest::qSleep(500); // the checkpointer publishes it to the backends
        };
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        session.exec(QStringLiteral("SET synchronous_commit = on")); // the test cluster runs with it off
        RestoreExecutor executor(session);
        // The terminating session is a psql of its own, started as COMMIT is about to be sent: it
        // waits until the run's backend waits for the standby.
        QProcess killer;
        JobControl control([&](qint64, qint64, const QString &status) {
            if (status != QLatin1String("committing"))
                return;
            standby(QStringLiteral("salvage_fault_nobody"));
            killer.start(salvage::test::psql(),
                { QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-d"),
                    TestCluster::instance().conninfo(QStringLiteral("postgres")), QStringLiteral("-c"),
                    QStringLiteral(
                        "DO $$ BEGIN FOR i IN 1..300 LOOP PERFORM pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = '%1' AND wait_event = 'SyncRep'; EXIT WHEN FOUND; PERFORM pg_sleep(0.1); END "
                        "LOOP; END $$")
                        .arg(m_incident.liveDatabase()),
                    // The terminated backend, its commit durable, waits for the standby again as it
                    // exits (dropping its temporary tables): lift the wait.
                    QStringLiteral("-c"), QStringLiteral("ALTER SYSTEM RESET synchronous_standby_names"),
                    QStringLiteral("-c"), QStringLiteral("SELECT pg_reload_conf()") });
        });
        const ExecutionReport report = run(executor, m_incident.script(), &control);
        killer.waitForFinished(60000);
        standby(QString());

        // Salvage asks the server on a new connection: the run committed, and says so.
        QVERIFY2(report.committed, qPrintable(report.error));
        QVERIFY(report.error.isEmpty());
        QVERIFY(m_incident.restored());
        // The undo script is there, whole, and gives LIVE back.
        QCOMPARE(entries(m_undoDir), QStringList { QStringLiteral("undo.sql") });
        QFile undo(m_undo);
        QVERIFY(undo.open(QIODevice::ReadOnly));
        QVERIFY(undo.readAll().endsWith("COMMIT;\n"));
        const ProcessResult undone = salvage::test::runWithPsql(m_incident.live(), m_undo);
        QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
        QCOMPARE(m_incident.digests(), m_before);
    }

    void connectionDroppedAfterCommit()
    {
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport report = RestoreExecutor(session).run(m_incident.script(), m_undo);
        QVERIFY2(report.committed, qPrintable(report.error));
        m_incident.terminateLiveSessions();
        QVERIFY(m_incident.restored());
        QCOMPARE(entries(m_undoDir), QStringList { QStringLiteral("undo.sql") });
        const ProcessResult undone = salvage::test::runWithPsql(m_incident.live(), m_undo);
        QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
        QCOMPARE(m_incident.digests(), m_before);
    }

    void cancelled_data()
    {
        QTest::addColumn<QString>("stage");
        QTest::newRow("before the first statement") << QStringLiteral("preparing the undo log");
        QTest::newRow("during a statement") << QStringLiteral("gate");
        QTest::newRow("while the undo script is written") << QStringLiteral("writing the undo script");
    }

    void cancelled()
    {
        QFETCH(QString, stage);
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        JobControl control([&](qint64, qint64, const QString &status) {
            if (status == stage)
                control.requestCancel();
        });
        ExecutionReport report;
        if (stage == QLatin1String("gate")) {
            // As the GUI cancels: the flag, and libpq's cancel request for the statement running.
            Gate gate(m_incident.live());
            std::thread canceller([&] {
                m_incident.waitAtGate();
                control.requestCancel();
                session.cancel();
            });
            report = run(executor, m_incident.script(), &control);
            canceller.join();
        } else {
            report = run(executor, m_incident.script(), &control);
        }
        QVERIFY(control.isCancelled());
        checkUntouched(report);
    }
};

QTEST_GUILESS_MAIN(TestFaultsRun)
#include "tst_faults_run.moc"
