// Files salvage-cli writes and reads, through the real executable: an existing file is kept unless
// --force, a special file is never opened, a write error (full disk, /dev/full) exits 2 with the
// path and the system's reason, bad numbers and secrets in conninfo are handled.
#include "clirun.h"
#include "db/pgcluster.h"
#include "testcluster.h"
#include "testfiles.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/stat.h>

using salvage::test::CliRun;
using salvage::test::fileContents;
using salvage::test::putFile;
using salvage::test::TestCluster;

class TestCliFiles : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_log;
    QString m_live;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    static CliRun cli(const QStringList &arguments) { return salvage::test::runCli(arguments, 20000); }
    QStringList leftovers() const
    {
        return QDir(m_dir.path()).entryList({ QStringLiteral("*salvage-tmp*") }, QDir::Files | QDir::Hidden);
    }
    /// salvage-cli with its stdout in `stdoutFile` and, when `maxFileSize` > 0, a file-size limit
    /// (a full disk as the process sees it: write() fails with EFBIG).
    static CliRun cliWith(const QStringList &arguments, const QString &stdoutFile, rlim_t maxFileSize = 0)
    {
        QProcess process;
        if (!stdoutFile.isEmpty())
            process.setStandardOutputFile(stdoutFile);
        process.setChildProcessModifier([maxFileSize]() {
            if (maxFileSize > 0) {
                std::signal(SIGXFSZ, SIG_IGN);
                const struct rlimit limit = { maxFileSize, maxFileSize };
                ::setrlimit(RLIMIT_FSIZE, &limit);
            }
        });
        process.start(QStringLiteral(SALVAGE_CLI), arguments);
        process.waitForFinished(20000);
        return { process.exitCode(), {}, process.readAllStandardError() };
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QByteArray log;
        for (int i = 0; i < 3000; ++i)
            log += QStringLiteral(
                "2024-12-26 20:%1:%2 host app[1]: event number %3 with some words to make it longer\n")
                       .arg(i / 60 % 60, 2, 10, QLatin1Char('0'))
                       .arg(i % 60, 2, 10, QLatin1Char('0'))
                       .arg(i)
                       .toUtf8();
        m_log = path(QStringLiteral("app.log"));
        putFile(m_log, log);
        m_live = TestCluster::instance().createDatabase(QStringLiteral("tst_cli_files"));
        TestCluster::instance().execute(QStringLiteral("tst_cli_files"),
            QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a');"));
    }

    void anExistingOutputIsKeptUnlessForced()
    {
        const QString out = path(QStringLiteral("timeline.csv"));
        putFile(out, "precious");
        CliRun run = cli({ QStringLiteral("timeline"), QStringLiteral("--log"), m_log, QStringLiteral("--format"),
            QStringLiteral("csv"), QStringLiteral("-o"), out });
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("already exists") && run.err.contains("--force"), run.err.constData());
        QCOMPARE(fileContents(out), QByteArray("precious"));
        run = cli({ QStringLiteral("timeline"), QStringLiteral("--log"), m_log, QStringLiteral("--format"),
            QStringLiteral("csv"), QStringLiteral("-o"), out, QStringLiteral("--force") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(fileContents(out).contains("event number 2999"));
        QVERIFY(leftovers().isEmpty());
    }

    void aDeviceIsNeverAnOutput()
    {
        const CliRun run = cli({ QStringLiteral("timeline"), QStringLiteral("--log"), m_log, QStringLiteral("-o"),
            QStringLiteral("/dev/null"), QStringLiteral("--force") });
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("/dev/null") && run.err.contains("not a regular file"), run.err.constData());
    }

    void aFullDiskIsAnErrorAndLeavesNoFile()
    {
        const QString out = path(QStringLiteral("full.md"));
        const CliRun run
            = cliWith({ QStringLiteral("timeline"), QStringLiteral("--log"), m_log, QStringLiteral("--format"),
                          QStringLiteral("markdown"), QStringLiteral("-o"), out },
                QString(), 16 * 1024);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(out.toUtf8()) && run.err.contains("File too large"), run.err.constData());
        QVERIFY(!run.err.contains("Unknown error"));
        QVERIFY(!QFile::exists(out));
        QVERIFY(leftovers().isEmpty());
    }

    void aFullStdoutIsAnError()
    {
        const CliRun run = cliWith({ QStringLiteral("timeline"), QStringLiteral("--log"), m_log,
                                       QStringLiteral("--format"), QStringLiteral("csv") },
            QStringLiteral("/dev/full"));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(
            run.err.contains("standard output") && run.err.contains("No space left on device"), run.err.constData());
    }

    void aDiffToAFullStdoutIsAnError()
    {
        const CliRun run
            = cliWith({ QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"), m_live },
                QStringLiteral("/dev/full"));
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("No space left on device"), run.err.constData());
    }

    void inputThatIsNoRegularFileIsRefusedAtOnce_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("reason");
        QVERIFY(::mkfifo(QFile::encodeName(path(QStringLiteral("fifo"))).constData(), 0600) == 0);
        const QString fifo = path(QStringLiteral("fifo"));
        QTest::newRow("log /dev/zero") << QStringList { QStringLiteral("timeline"), QStringLiteral("--log"),
            QStringLiteral("/dev/zero") }
                                       << QByteArray("device");
        QTest::newRow("log fifo") << QStringList { QStringLiteral("timeline"), QStringLiteral("--log"), fifo }
                                  << QByteArray("FIFO");
        QTest::newRow("log directory") << QStringList { QStringLiteral("timeline"), QStringLiteral("--log"),
            m_dir.path() } << QByteArray("directory");
        QTest::newRow("workspace fifo") << QStringList { QStringLiteral("timeline"), QStringLiteral("--workspace"),
            fifo } << QByteArray("FIFO");
        QTest::newRow("script fifo") << QStringList { QStringLiteral("restore"), QStringLiteral("preview"),
            QStringLiteral("--live"), QStringLiteral("host=/nonexistent"), QStringLiteral("--script"), fifo }
                                     << QByteArray("FIFO");
        QTest::newRow("script /dev/zero") << QStringList { QStringLiteral("restore"), QStringLiteral("preview"),
            QStringLiteral("--live"), QStringLiteral("host=/nonexistent"), QStringLiteral("--script"),
            QStringLiteral("/dev/zero") } << QByteArray("device");
        QTest::newRow("dump fifo") << QStringList { QStringLiteral("load-dump"), QStringLiteral("--dump"), fifo,
            QStringLiteral("--dir"), path(QStringLiteral("cluster")) }
                                   << QByteArray("FIFO");
        QTest::newRow("dump /dev/zero") << QStringList { QStringLiteral("load-dump"), QStringLiteral("--dump"),
            QStringLiteral("/dev/zero"), QStringLiteral("--dir"), path(QStringLiteral("cluster")) }
                                        << QByteArray("device");
        QTest::newRow("dump missing") << QStringList { QStringLiteral("load-dump"), QStringLiteral("--dump"),
            path(QStringLiteral("nope.dump")), QStringLiteral("--dir"), path(QStringLiteral("cluster")) }
                                      << QByteArray("does not exist");
    }

    void inputThatIsNoRegularFileIsRefusedAtOnce()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, reason);
        QElapsedTimer clock;
        clock.start();
        const CliRun run = cli(arguments);
        QVERIFY2(clock.elapsed() < 10000, "it must not hang");
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(reason), run.err.constData());
        QVERIFY2(!run.err.contains("not a pg_dump archive"), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1); // one line
    }

    void numbersThatDoNotParseAreRefused_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QByteArray>("option");
        putFile(path(QStringLiteral("empty.sql")), "SELECT 1;\n");
        QTest::newRow("lock-timeout abc") << QStringList { QStringLiteral("restore"), QStringLiteral("preview"),
            QStringLiteral("--live"), m_live, QStringLiteral("--script"), path(QStringLiteral("empty.sql")),
            QStringLiteral("--lock-timeout"), QStringLiteral("abc") }
                                          << QByteArray("--lock-timeout");
        QTest::newRow("lock-timeout 0 (forever)") << QStringList { QStringLiteral("restore"), QStringLiteral("run"),
            QStringLiteral("--live"), m_live, QStringLiteral("--script"), path(QStringLiteral("empty.sql")),
            QStringLiteral("--undo"), path(QStringLiteral("u.sql")), QStringLiteral("--lock-timeout"),
            QStringLiteral("0") } << QByteArray("--lock-timeout");
        QTest::newRow("depth x") << QStringList { QStringLiteral("graph"), QStringLiteral("--db"), m_live,
            QStringLiteral("--root"), QStringLiteral("t:1"), QStringLiteral("--depth"), QStringLiteral("x") }
                                 << QByteArray("--depth");
        QTest::newRow("fanout 1e3") << QStringList { QStringLiteral("graph"), QStringLiteral("--db"), m_live,
            QStringLiteral("--root"), QStringLiteral("t:1"), QStringLiteral("--fanout"), QStringLiteral("1e3") }
                                    << QByteArray("--fanout");
        QTest::newRow("scale -1") << QStringList { QStringLiteral("demo"), QStringLiteral("--dir"),
            path(QStringLiteral("demo")), QStringLiteral("--scale"), QStringLiteral("-1") }
                                  << QByteArray("--scale");
        QTest::newRow("seed 12abc") << QStringList { QStringLiteral("demo"), QStringLiteral("--dir"),
            path(QStringLiteral("demo")), QStringLiteral("--seed"), QStringLiteral("12abc") }
                                    << QByteArray("--seed");
    }

    void numbersThatDoNotParseAreRefused()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QByteArray, option);
        const CliRun run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(option) && run.err.contains("whole number"), run.err.constData());
        QCOMPARE(run.err.count('\n'), 1);
        QVERIFY(!QFile::exists(path(QStringLiteral("u.sql"))));
    }

    void anExistingUndoFileIsNeverTouched()
    {
        putFile(path(QStringLiteral("restore.sql")), "UPDATE t SET v = 'b' WHERE id = 1;\n");
        const QString undo = path(QStringLiteral("undo.sql"));
        putFile(undo, "precious");
        const QStringList arguments { QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"),
            m_live, QStringLiteral("--script"), path(QStringLiteral("restore.sql")), QStringLiteral("--undo"), undo };
        CliRun run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("already exists"), run.err.constData());
        QCOMPARE(fileContents(undo), QByteArray("precious"));
        QVERIFY(!run.err.contains("line 0"));
        QVERIFY(leftovers().isEmpty());
        // A device as the undo file: refused, and the device is still there.
        run = cli({ QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"), m_live,
            QStringLiteral("--script"), path(QStringLiteral("restore.sql")), QStringLiteral("--undo"),
            QStringLiteral("/dev/null"), QStringLiteral("--force") });
        QCOMPARE(run.exitCode, 2);
        struct stat status = {};
        QVERIFY(::stat("/dev/null", &status) == 0 && S_ISCHR(status.st_mode));
        // LIVE was not written by either.
        run = cli({ QStringLiteral("graph"), QStringLiteral("--db"), m_live, QStringLiteral("--root"),
            QStringLiteral("t:1") });
        QVERIFY2(run.out.contains("\"a\""), run.out.constData());
        // With --force the run replaces it with a whole undo script.
        run = cli(arguments + QStringList { QStringLiteral("--force") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(fileContents(undo).startsWith("-- Salvage undo script"));
        QVERIFY(fileContents(undo).endsWith("COMMIT;\n"));
        QVERIFY(leftovers().isEmpty());
    }

    void aPasswordIsNeverEchoed_data()
    {
        QTest::addColumn<QString>("conninfo");
        QTest::newRow("unparsable key/value") << QStringLiteral("host=/nonexistent password=hunter2 bogus");
        QTest::newRow("unparsable quoted") << QStringLiteral("host=/nonexistent password='hunter2 x");
        QTest::newRow("unparsable URI") << QStringLiteral("postgresql://bob:hunter2@[bad");
        QTest::newRow("URI query") << QStringLiteral("postgres://bob@/db?host=/nonexistent&password=hunter2&x");
        // libpq quotes the token it cannot decode: here the password itself.
        QTest::newRow("bad escape in a URI password")
            << QStringLiteral("postgresql://bob:hunter2%zz@/db?host=/nonexistent");
        QTest::newRow("failing connection") << QStringLiteral("postgresql://bob:hunter2@/db?host=/nonexistent&port=1");
    }

    void aPasswordIsNeverEchoed()
    {
        QFETCH(QString, conninfo);
        for (const QStringList &arguments :
            { QStringList { QStringLiteral("schema"), QStringLiteral("--db"), conninfo },
                QStringList { QStringLiteral("diff"), QStringLiteral("--live"), conninfo, QStringLiteral("--backup"),
                    conninfo } }) {
            const CliRun run = cli(arguments);
            QCOMPARE(run.exitCode, 2);
            QVERIFY2(!run.err.isEmpty(), "it says why");
            QVERIFY2(!run.err.contains("hunter2") && !run.out.contains("hunter2"), run.err.constData());
        }
    }

    void aFullDiskWhileWritingTheUndoScriptRollsBack()
    {
        // The undo script cannot be written (a file-size limit stands in for a full disk): the run
        // rolls back, leaves no undo file and no temporary file, and names no "line 0".
        putFile(path(QStringLiteral("touch.sql")), "UPDATE t SET v = 'changed' WHERE id = 1;\n");
        const QString undo = path(QStringLiteral("full-undo.sql"));
        const CliRun run = cliWith(
            { QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"), m_live,
                QStringLiteral("--script"), path(QStringLiteral("touch.sql")), QStringLiteral("--undo"), undo },
            QString(), 64);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(!run.err.contains("line 0"), run.err.constData());
        QVERIFY2(run.err.contains(undo.toUtf8()) && run.err.contains("File too large"), run.err.constData());
        QVERIFY(!QFile::exists(undo));
        QVERIFY(leftovers().isEmpty());
        const CliRun graph = cli({ QStringLiteral("graph"), QStringLiteral("--db"), m_live, QStringLiteral("--root"),
            QStringLiteral("t:1") });
        QVERIFY2(!graph.out.contains("changed"), graph.out.constData());
    }

    void loadDumpStdoutCarriesOnlyItsResult()
    {
        // A whole script loads: stdout is exactly the conninfo line, server notices never reach it.
        const QByteArray script
            = "-- PostgreSQL database dump\nDROP TABLE IF EXISTS not_there;\nCREATE TABLE t (id int);\n"
              "DO $$ BEGIN RAISE NOTICE 'chatty server'; END $$;\n"
              "COPY t (id) FROM stdin;\n1\n2\n\\.\n-- PostgreSQL database dump complete\n";
        putFile(path(QStringLiteral("small.sql")), script);
        CliRun run = cli({ QStringLiteral("load-dump"), QStringLiteral("--dump"), path(QStringLiteral("small.sql")),
            QStringLiteral("--dir"), path(QStringLiteral("cluster")) });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out.count('\n'), 1);
        QVERIFY2(run.out.startsWith("backup: ") && !run.out.contains("NOTICE"), run.out.constData());
        // Cut short: exit 2, nothing on stdout, the reason on stderr.
        putFile(path(QStringLiteral("small-cut.sql")), script.left(script.indexOf("2\n")));
        run = cli({ QStringLiteral("load-dump"), QStringLiteral("--dump"), path(QStringLiteral("small-cut.sql")),
            QStringLiteral("--dir"), path(QStringLiteral("cluster")) });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.contains("cut short"), run.err.constData());
    }

    void aRealFullDiskIsAnError()
    {
        // A 64 KiB tmpfs that fills up (needs root; skipped elsewhere): ENOSPC, not EFBIG.
        const QString mountPoint = path(QStringLiteral("tiny"));
        QVERIFY(QDir().mkpath(mountPoint));
        if (QProcess::execute(QStringLiteral("mount"),
                { QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"), QStringLiteral("size=64k"),
                    QStringLiteral("tmpfs"), mountPoint })
            != 0)
            QSKIP("cannot mount a tmpfs here (not root?)");
        const auto unmount = qScopeGuard([&] { QProcess::execute(QStringLiteral("umount"), { mountPoint }); });
        QByteArray log;
        for (int i = 0; i < 20000; ++i)
            log += QStringLiteral("2024-12-26 20:%1:%2 host app[1]: event number %3\n")
                       .arg(i / 60 % 60, 2, 10, QLatin1Char('0'))
                       .arg(i % 60, 2, 10, QLatin1Char('0'))
                       .arg(i)
                       .toUtf8();
        putFile(path(QStringLiteral("big.log")), log);
        const QString out = mountPoint + QStringLiteral("/timeline.md");
        CliRun run = cli({ QStringLiteral("timeline"), QStringLiteral("--log"), path(QStringLiteral("big.log")),
            QStringLiteral("--format"), QStringLiteral("markdown"), QStringLiteral("-o"), out });
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(out.toUtf8()) && run.err.contains("No space left on device"), run.err.constData());
        QVERIFY(QDir(mountPoint).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());

        // The undo script of a run that does not fit (2000 pre-images of 1000 bytes): rolled back,
        // nothing left on the disk, LIVE unchanged.
        TestCluster::instance().execute(QStringLiteral("tst_cli_files"),
            QStringLiteral("INSERT INTO t SELECT g, repeat('w', 1000) FROM generate_series(1000, 2999) g"));
        putFile(path(QStringLiteral("wide.sql")), "UPDATE t SET v = 'narrow' WHERE id >= 1000;\n");
        run = cli({ QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"), m_live,
            QStringLiteral("--script"), path(QStringLiteral("wide.sql")), QStringLiteral("--undo"),
            mountPoint + QStringLiteral("/undo.sql") });
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("No space left on device") && !run.err.contains("line 0"), run.err.constData());
        QVERIFY(QDir(mountPoint).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).isEmpty());
        const CliRun graph = cli({ QStringLiteral("graph"), QStringLiteral("--db"), m_live, QStringLiteral("--root"),
            QStringLiteral("t:1000") });
        QVERIFY2(graph.out.contains("wwww") && !graph.out.contains("narrow"), graph.out.left(400).constData());
    }

    void serverNoticesNeverReachStdout()
    {
        putFile(path(QStringLiteral("notice.sql")),
            "DO $$ BEGIN RAISE NOTICE 'chatty server'; END $$;\nUPDATE t SET v = v WHERE id = 1;\n");
        const CliRun run = cli({ QStringLiteral("restore"), QStringLiteral("preview"), QStringLiteral("--live"), m_live,
            QStringLiteral("--script"), path(QStringLiteral("notice.sql")) });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(!run.out.contains("chatty") && !run.out.contains("NOTICE"), run.out.constData());
    }

    void cleanupTestCase()
    {
        salvage::PgCluster(path(QStringLiteral("cluster"))).destroy(); // the scratch cluster load-dump started
    }
};

QTEST_GUILESS_MAIN(TestCliFiles)
#include "tst_cli_files.moc"
