// salvage-cli demo: its output contract, the workspace it writes, reuse, rebuild and --stop.
#include "clirun.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "workspace/workspace.h"

#include <QJsonObject>

#include <QJsonArray>

#include <QTemporaryDir>
#include <QTest>
#include <pqxx/nontransaction>

using salvage::PgCluster;
using salvage::PgSession;
using salvage::Workspace;

class TestCliDemo : public QObject
{
    Q_OBJECT
    using Run = salvage::test::CliRun;
    static Run cli(const QStringList &arguments) { return salvage::test::runCli(arguments, 300000); }
    static void mark(const QString &conninfo, const char *statement)
    {
        PgSession session(conninfo, PgSession::Options::writable());
        session.exec(QString::fromLatin1(statement));
    }
    static int marks(const QString &conninfo)
    {
        PgSession session(conninfo, PgSession::Options {});
        return session
            .exec(QStringLiteral("SELECT count(*) FROM pg_tables WHERE tablename = 'tst_cli_demo_mark'"))[0][0]
            .as<int>();
    }

    QTemporaryDir m_dir;

private Q_SLOTS:
    void cleanupTestCase()
    {
        PgCluster(m_dir.path() + QStringLiteral("/pitr")).destroy();
        PgCluster(m_dir.path()).destroy();
    }

    void buildsPrintsThreeLinesAndWritesTheWorkspace()
    {
        const Run run = cli({ QStringLiteral("demo"), QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--seed"),
            QStringLiteral("3") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith("live: "));
        QVERIFY(lines[1].startsWith("backup: "));
        QVERIFY(lines[2].startsWith("backup-pitr: "));

        const Workspace workspace = Workspace::load(m_dir.path() + QStringLiteral("/workspace.salvage"));
        QCOMPARE(workspace.live.conninfo, QString::fromUtf8(lines[0].mid(6)));
        QCOMPARE(workspace.backup.conninfo, QString::fromUtf8(lines[1].mid(8)));
        QCOMPARE(workspace.otherBackups.size(), 1);
        QCOMPARE(workspace.otherBackups[0].conninfo, QString::fromUtf8(lines[2].mid(13)));
        QCOMPARE(workspace.logs.size(), 5);
        for (const auto &source : workspace.logs) {
            QVERIFY2(
                QFile::exists(Workspace::resolve(m_dir.path() + QStringLiteral("/workspace.salvage"), source.path)),
                qPrintable(source.path));
            QVERIFY(!source.format.isEmpty());
        }
        // Rails logs naive local time: its source zone must be given.
        const auto rails = std::find_if(workspace.logs.begin(), workspace.logs.end(),
            [](const auto &s) { return s.path.contains(QLatin1String("production.log")); });
        QCOMPARE(rails->timeZone, QStringLiteral("Europe/Berlin"));

        PgSession live(workspace.live.conninfo, PgSession::Options {});
        QVERIFY(live.exec(QStringLiteral("SELECT count(*) FROM statuses"))[0][0].as<int>() > 10000);
        // The point-in-time BACKUP is live as it was before the merge: every account the merge
        // deleted is there, and so is the morning's activity the nightly backup has not.
        PgSession pitr(workspace.otherBackups[0].conninfo, PgSession::Options {});
        PgSession nightly(workspace.backup.conninfo, PgSession::Options {});
        const auto count = [](PgSession &session, const char *sql) {
            return session.exec(QString::fromLatin1(sql))[0][0].as<qint64>();
        };
        const char *accounts = "SELECT count(*) FROM accounts";
        const char *statuses = "SELECT count(*) FROM statuses";
        QVERIFY(count(pitr, accounts) > count(live, accounts));
        QVERIFY(count(pitr, accounts) > count(nightly, accounts));
        QVERIFY(count(pitr, statuses) > count(nightly, statuses));
        const char *newest = "SELECT extract(epoch FROM max(updated_at))::bigint FROM statuses";
        QVERIFY(count(pitr, newest) < count(live, newest)); // nothing of the merge (12:41) or after

        // The demo's cluster runs without autovacuum (DemoRunner): the build gathers every table's
        // statistics itself, and no vacuum or analysis pass goes over the tables it loads.
        QCOMPARE(live.exec(QStringLiteral("SHOW autovacuum"))[0][0].as<std::string>(), std::string("off"));
        QCOMPARE(count(nightly, "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NULL"), 0);
        QCOMPARE(count(live, "SELECT count(*) FROM pg_stat_user_tables WHERE last_analyze IS NULL"), 0);
    }

    void sameParametersReuseTheDatabases()
    {
        const QString path = m_dir.path() + QStringLiteral("/workspace.salvage");
        Workspace before = Workspace::load(path);
        mark(before.live.conninfo, "CREATE TABLE tst_cli_demo_mark ()");
        // The operator's notes in the workspace survive a second run on the same data.
        before.setSection(QStringLiteral("annotations"),
            QJsonObject { { QStringLiteral("manual"), QJsonArray { QStringLiteral("kept") } } });
        before.save(path, salvage::SafeFileWriter::Existing::Replace);
        const Run run = cli({ QStringLiteral("demo"), QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--seed"),
            QStringLiteral("3") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(marks(before.live.conninfo), 1);
        QCOMPARE(Workspace::load(path).section(QStringLiteral("annotations")),
            before.section(QStringLiteral("annotations")));
    }

    void otherParametersRebuild()
    {
        const Run run = cli({ QStringLiteral("demo"), QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--seed"),
            QStringLiteral("4") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const Workspace workspace = Workspace::load(m_dir.path() + QStringLiteral("/workspace.salvage"));
        QCOMPARE(marks(workspace.live.conninfo), 0);
        QVERIFY(
            workspace.section(QStringLiteral("annotations")).isEmpty()); // new data: marks would point at other events
    }

    void stopStopsTheCluster()
    {
        QVERIFY(PgCluster(m_dir.path()).isRunning());
        const Run run
            = cli({ QStringLiteral("demo"), QStringLiteral("--dir"), m_dir.path(), QStringLiteral("--stop") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.isEmpty());
        QVERIFY(!PgCluster(m_dir.path()).isRunning());
        QVERIFY(!PgCluster(m_dir.path() + QStringLiteral("/pitr")).exists());
    }

    void badUsageExitsTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no dir") << QStringList { QStringLiteral("demo") };
        QTest::newRow("scale zero") << QStringList { QStringLiteral("demo"), QStringLiteral("--dir"),
            QStringLiteral("/tmp/x"), QStringLiteral("--scale"), QStringLiteral("0") };
        QTest::newRow("seed text") << QStringList { QStringLiteral("demo"), QStringLiteral("--dir"),
            QStringLiteral("/tmp/x"), QStringLiteral("--seed"), QStringLiteral("abc") };
    }
    void badUsageExitsTwo()
    {
        QFETCH(QStringList, arguments);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY(run.err.startsWith("salvage-cli: "));
    }
};

QTEST_GUILESS_MAIN(TestCliDemo)
#include "tst_cli_demo.moc"
