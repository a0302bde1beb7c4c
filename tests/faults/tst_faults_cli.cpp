// Faults around `salvage-cli restore run` on the harness's real cluster: SIGINT/SIGTERM mid-run, a
// second Salvage running the same plan at once, a read-only directory and a full disk for the undo
// script. Each case compares every LIVE table before and after, and the files left behind.
#include "clirun.h"
#include "faultincident.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <csignal>
#include <unistd.h>

using namespace salvage;
using salvage::test::entries;
using salvage::test::FaultIncident;
using salvage::test::Gate;
using salvage::test::TestCluster;

namespace {

/// A `restore run` started and left running, as a second terminal would.
class CliProcess
{
public:
    CliProcess(const QString &live, const QString &script, const QString &undo)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove(QStringLiteral("DISPLAY"));
        m_process.setProcessEnvironment(environment);
        m_process.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"), live,
                QStringLiteral("--script"), script, QStringLiteral("--undo"), undo, QStringLiteral("--lock-timeout"),
                QStringLiteral("60") });
    }
    ~CliProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }
    bool finish() { return m_process.waitForFinished(60000); }
    void signal(int number) { ::kill(pid_t(m_process.processId()), number); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    int exitCode() const { return m_process.exitCode(); }
    QByteArray err() { return m_process.readAllStandardError(); }

private:
    QProcess m_process;
};

/// Mounts a tmpfs with `options` on `directory` for the test's life; false when not permitted.
class TmpfsMount
{
public:
    TmpfsMount(const QString &directory, const QString &options)
        : m_directory(directory)
    {
        QProcess mount;
        mount.start(QStringLiteral("mount"),
            { QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"), options, QStringLiteral("tmpfs"),
                directory });
        m_mounted = mount.waitForFinished() && mount.exitStatus() == QProcess::NormalExit && mount.exitCode() == 0;
        m_error = QString::fromLocal8Bit(mount.readAllStandardError()).trimmed();
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            QProcess::execute(QStringLiteral("umount"), { m_directory });
    }
    bool mounted() const { return m_mounted; }
    QString error() const { return m_error.isEmpty() ? QStringLiteral("mount failed") : m_error; }

private:
    QString m_directory;
    bool m_mounted = false;
    QString m_error;
};

} // namespace

class TestFaultsCli : public QObject
{
    Q_OBJECT

    FaultIncident m_incident;
    QTemporaryDir m_dir;
    QMap<QString, QString> m_before;
    QString m_script;
    QString m_undoDir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init()
    {
        m_incident.build(QStringLiteral("faults_cli"));
        m_before = m_incident.digests();
        m_script = m_dir.filePath(QStringLiteral("plan.sql"));
        QFile file(m_script);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(m_incident.script());
        file.close();
        static int count = 0;
        m_undoDir = m_dir.filePath(QStringLiteral("undo%1").arg(++count));
        QVERIFY(QDir().mkpath(m_undoDir));
    }

    void signalMidRun_data()
    {
        QTest::addColumn<int>("number");
        QTest::newRow("SIGINT") << SIGINT;
        QTest::newRow("SIGTERM") << SIGTERM;
    }

    void signalMidRun()
    {
        QFETCH(int, number);
        const QString undo = m_undoDir + QStringLiteral("/undo.sql");
        Gate gate(m_incident.live());
        CliProcess cli(m_incident.live(), m_script, undo);
        const QString backend = m_incident.waitAtGate(); // the run is mid-INSERT, its undo log open
        QVERIFY(!backend.isEmpty());
        cli.signal(number);
        QVERIFY(cli.finish());
        // The CLI cancels the run (flag and libpq cancel) while it is held mid-statement: it rolls
        // back and exits 2, the gate still held.
        QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
        QCOMPARE(cli.exitCode(), 2);
        const QByteArray err = cli.err();
        QVERIFY2(err.contains(QByteArray("restore run interrupted by signal " + QByteArray::number(number))),
            err.constData());
        gate.release();
        QVERIFY(m_incident.waitGone(backend)); // the server rolls back what the lost client began
        QCOMPARE(m_incident.digests(), m_before);
        QCOMPARE(entries(m_undoDir), QStringList());
    }

    void secondSalvageAtOnce()
    {
        // Both start while the first is held mid-run; the second waits for the first's locks and
        // then must fail cleanly or find nothing to do: never insert the rows twice.
        QMap<QString, QString> expected;
        {
            expected
                = salvage::test::tableDigests(TestCluster::instance().conninfo(QStringLiteral("faults_cli_backup")));
        }
        const QString first = m_undoDir + QStringLiteral("/first.sql");
        const QString second = m_undoDir + QStringLiteral("/second.sql");
        Gate gate(m_incident.live());
        CliProcess one(m_incident.live(), m_script, first);
        QVERIFY(!m_incident.waitAtGate().isEmpty());
        CliProcess two(m_incident.live(), m_script, second);
        QTest::qSleep(1000); // the second reaches the first's locks
        gate.release();
        QVERIFY(one.finish());
        QVERIFY(two.finish());
        const QByteArray secondErr = two.err();
        QCOMPARE(one.exitCode(), 0);
        // The restore brings LIVE back to BACKUP exactly: once, whatever the second did.
        QCOMPARE(m_incident.digests(), expected);
        if (two.exitCode() == 0) {
            QVERIFY(QFile::exists(second));
        } else {
            QCOMPARE(two.exitCode(), 2);
            QVERIFY2(secondErr.startsWith("salvage-cli: restore run failed"), secondErr.constData());
            QVERIFY(!QFile::exists(second));
        }
        QVERIFY(QFile::exists(first));
    }

    void undoDirectoryReadOnly()
    {
        TmpfsMount mount(m_undoDir, QStringLiteral("ro,size=64k"));
        if (!mount.mounted()) {
            if (::geteuid() == 0)
                QSKIP(qPrintable(QStringLiteral(
                    "a read-only tmpfs cannot be mounted (%1), and root writes to a chmod 0555 directory")
                                     .arg(mount.error())));
            QVERIFY(QFile::setPermissions(m_undoDir, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        }
        const salvage::test::CliRun cli = salvage::test::runCli({ QStringLiteral("restore"), QStringLiteral("run"),
            QStringLiteral("--live"), m_incident.live(), QStringLiteral("--script"), m_script, QStringLiteral("--undo"),
            m_undoDir + QStringLiteral("/undo.sql") });
        QCOMPARE(cli.exitCode, 2);
        QVERIFY2(cli.err.contains(QByteArray(m_undoDir.toUtf8() + "/undo.sql")), cli.err.constData());
        QCOMPARE(m_incident.digests(), m_before);
        QCOMPARE(entries(m_undoDir), QStringList());
    }

    void undoDiskFull()
    {
        // The plan's undo script carries 1,000 restored rows (over 100 kB): it cannot fit in 64 kB.
        TmpfsMount mount(m_undoDir, QStringLiteral("size=64k"));
        if (!mount.mounted())
            QSKIP(qPrintable(QStringLiteral("a small tmpfs cannot be mounted: %1").arg(mount.error())));
        const salvage::test::CliRun cli = salvage::test::runCli({ QStringLiteral("restore"), QStringLiteral("run"),
            QStringLiteral("--live"), m_incident.live(), QStringLiteral("--script"), m_script, QStringLiteral("--undo"),
            m_undoDir + QStringLiteral("/undo.sql") });
        QCOMPARE(cli.exitCode, 2);
        QVERIFY2(cli.err.contains("undo script"), cli.err.constData());
        QCOMPARE(m_incident.digests(), m_before);
        QCOMPARE(entries(m_undoDir), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestFaultsCli)
#include "tst_faults_cli.moc"
