// A second check of the demo incident (tst_restore_demo stays as it is), for issue 11's "done
// when": the plan's buckets reconcile with its diff table by table, no status edited since the
// backup gets its old text back, the operator's psql run under SET search_path = '' gives the same
// LIVE as Salvage's run, and the undo gives LIVE back exactly.
#include "core/process.h"
#include "db/pgsession.h"
#include "demo/demorunner.h"
#include "livesnapshot.h"
#include "previewrunundo.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "testcluster.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

class TestRestoreDemoProvenance : public QObject
{
    Q_OBJECT

    /// The first value a query returns, "" for NULL or no row.
    static QString value(const QString &conninfo, const QString &sql)
    {
        PgSession session(conninfo, PgSession::Options { true, QStringLiteral("read"), 15 });
        const auto rows = session.exec(sql);
        return rows.empty() || rows[0][0].is_null() ? QString() : QString::fromStdString(rows[0][0].as<std::string>());
    }

private slots:
    void demoBucketsSearchPathAndUndo()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TestCluster &cluster = TestCluster::instance();
        DemoRunner::build(cluster.cluster(), QStringLiteral("tst_demo_prov_backup"),
            QStringLiteral("tst_demo_prov_live"), dir.path(), DemoParameters {});
        const QString live = cluster.conninfo(QStringLiteral("tst_demo_prov_live"));
        const QString backup = cluster.conninfo(QStringLiteral("tst_demo_prov_backup"));
        // An exact copy of LIVE for the psql run.
        const ProcessResult copied = runProcess({ salvage::test::psql(),
            { QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                QStringLiteral("-d"), cluster.conninfo(QStringLiteral("postgres")), QStringLiteral("-c"),
                QStringLiteral("DROP DATABASE IF EXISTS tst_demo_prov_psql"), QStringLiteral("-c"),
                QStringLiteral("CREATE DATABASE tst_demo_prov_psql TEMPLATE tst_demo_prov_live") } });
        QVERIFY2(copied.exitCode == 0, qPrintable(copied.output));
        const QString copy = cluster.conninfo(QStringLiteral("tst_demo_prov_psql"));

        RestoreRequest request;
        request.roots << RootSelection::parse(QStringLiteral("accounts MISSING"));
        RestorePlan plan;
        {
            PgSession liveSession(live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
            PgSession backupSession(backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
            plan = RestorePlanner(liveSession, backupSession).plan(request);
        }
        QVERIFY(plan.rowsToWrite() > 0);

        // Every differing closure row in exactly one bucket, and there are differing rows to account for.
        // Findings are collected so that one run reports them all.
        QStringList problems;
        qint64 differing = 0;
        QStringList tables = plan.differing.keys() + plan.buckets.keys();
        tables.removeDuplicates();
        for (const QString &table : tables) {
            qint64 sum = 0;
            for (qint64 rows : plan.buckets.value(table))
                sum += rows;
            differing += plan.differing.value(table);
            if (sum != plan.differing.value(table))
                problems << QStringLiteral("%1: buckets add up to %2, differing %3")
                                .arg(table)
                                .arg(sum)
                                .arg(plan.differing.value(table));
        }
        if (differing < plan.rowsToWrite())
            problems << QStringLiteral("the plan writes %1 rows but counts %2 differing closure rows")
                            .arg(plan.rowsToWrite())
                            .arg(differing);

        // Statuses edited since the backup: their text before the run, to compare after it.
        const QString editedQuery = QStringLiteral(
            "SELECT coalesce(md5(string_agg(id || ':' || text, '|' ORDER BY id)), '') || ' ' || count(*) "
            "FROM statuses WHERE edited_at IS NOT NULL");
        const QString edited = value(live, editedQuery);
        QVERIFY2(!edited.endsWith(QLatin1String(" 0")), "the demo edits no status: the check would be empty");

        const QByteArray script = ScriptRenderer::render(plan);
        QFile file(dir.filePath(QStringLiteral("psql.sql")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("SET search_path = '';\n") + script);
        file.close();
        const ProcessResult psqlRun = salvage::test::runWithPsql(copy, file.fileName());
        if (psqlRun.exitCode != 0)
            problems << QStringLiteral("psql run under SET search_path = '': %1").arg(psqlRun.output.trimmed());
        salvage::test::previewRunUndo(live, script, dir.filePath(QStringLiteral("undo.sql")), [&] {
            QCOMPARE(value(live, editedQuery), edited);
            if (psqlRun.exitCode == 0 && salvage::test::tableDigests(live) != salvage::test::tableDigests(copy))
                problems << QStringLiteral("the psql run and the Salvage run left different LIVE data");
        });
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestRestoreDemoProvenance)
#include "tst_restore_demo_provenance.moc"
