#include "core/error.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "db/schematreemodel.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "testcluster.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

class TestModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void schemaTree()
    {
        TestCluster::instance().createDatabase(QStringLiteral("tst_models"));
        TestCluster::instance().execute(QStringLiteral("tst_models"),
            QStringLiteral("CREATE SCHEMA s2; CREATE TABLE a (id int PRIMARY KEY, name text UNIQUE);"
                           "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a); CREATE TABLE s2.c (x int)"));
        PgSession session(TestCluster::instance().conninfo(QStringLiteral("tst_models")), PgSession::Options {});
        const Schema schema = SchemaReader::read(session);

        SchemaTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSchema(schema);
        QCOMPARE(model.rowCount(), 2); // public, s2
        const QModelIndex publicSchema = model.index(0, 0);
        QCOMPARE(publicSchema.data().toString(), QStringLiteral("public"));
        QCOMPARE(model.rowCount(publicSchema), 2);
        const QModelIndex tableB = model.index(1, 0, publicSchema);
        QCOMPARE(tableB.data().toString(), QStringLiteral("b"));
        QCOMPARE(tableB.data(SchemaTreeModel::QualifiedTableRole).toString(), QStringLiteral("public.b"));
        // id, a_id, one foreign key
        QCOMPARE(model.rowCount(tableB), 3);
        QVERIFY(model.index(2, 1, tableB).data().toString().contains(QStringLiteral("public.a")));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void jobRegistryFollowsAConnection()
    {
        TestCluster::instance().createDatabase(QStringLiteral("tst_models_jobs"));
        JobRegistry registry;
        QAbstractItemModelTester tester(&registry, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Connection connection(Side::Backup);
        registry.track(&connection);
        connection.open(ConnectionProfile { {}, TestCluster::instance().conninfo(QStringLiteral("tst_models_jobs")) });
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Connection::State::Open, 10000);
        QTRY_COMPARE(registry.runningCount(), 0);
        QCOMPARE(registry.rowCount(), 2); // the connect, and the schema read that follows every open

        bool failed = false;
        connection.submit<int>(
            QStringLiteral("sleep"),
            [](PgSession &session, JobControl &control) {
                control.setProgress(1, 4, QStringLiteral("sleeping"));
                session.exec(QStringLiteral("SELECT pg_sleep(20)"));
                return 0;
            },
            this, [](int) {}, [&failed](const QString &, bool cancelled) { failed = cancelled; });
        QCOMPARE(registry.rowCount(), 3);
        QCOMPARE(registry.index(0, JobRegistry::TitleColumn).data().toString(), QStringLiteral("sleep"));
        QCOMPARE(registry.index(0, JobRegistry::SourceColumn).data().toString(), QStringLiteral("BACKUP"));
        QTRY_COMPARE(registry.index(0, JobRegistry::ProgressColumn).data().toString(), QStringLiteral("25%"));
        QVERIFY(registry.index(0, 0).data(JobRegistry::CancellableRole).toBool());
        registry.cancel(0);
        QTRY_VERIFY_WITH_TIMEOUT(failed, 3000);
        QTRY_COMPARE(registry.index(0, JobRegistry::StateColumn).data().toString(), QStringLiteral("cancelled"));
        QCOMPARE(registry.runningCount(), 0);

        const int local = registry.add(QStringLiteral("index logs"), QStringLiteral("logs"));
        registry.setProgress(local, 50, 200);
        QCOMPARE(registry.index(0, JobRegistry::ProgressColumn).data().toString(), QStringLiteral("25%"));
        registry.finish(local, JobOutcome::Failed, QStringLiteral("unreadable file"));
        QCOMPARE(registry.index(0, JobRegistry::StateColumn).data().toString(), QStringLiteral("unreadable file"));
    }

    void backgroundJobsReportAndCancel()
    {
        JobRegistry registry;
        QAbstractItemModelTester tester(&registry, QAbstractItemModelTester::FailureReportingMode::QtTest);
        int value = 0;
        BackgroundJob::start<int>(
            &registry, QStringLiteral("count"), QStringLiteral("logs"),
            [](JobControl &control) {
                control.setProgress(1, 2);
                return 42;
            },
            this, [&value](int result) { value = result; });
        QTRY_COMPARE(value, 42);
        QTRY_COMPARE(registry.runningCount(), 0);

        bool cancelled = false;
        BackgroundJob::start<int>(
            &registry, QStringLiteral("endless"), QStringLiteral("logs"),
            [](JobControl &control) {
                while (true) {
                    control.throwIfCancelled();
                    QThread::msleep(5);
                }
                return 0;
            },
            this, [](int) {}, [&cancelled](const QString &, bool wasCancelled) { cancelled = wasCancelled; });
        QCOMPARE(registry.runningCount(), 1);
        registry.cancel(0);
        QTRY_VERIFY(cancelled);
        QTRY_COMPARE(registry.index(0, JobRegistry::StateColumn).data().toString(), QStringLiteral("cancelled"));

        // Cancel is the job's state, not its message: a failure that reads "Cancelled." failed.
        bool failed = false;
        cancelled = true;
        BackgroundJob::start<int>(
            &registry, QStringLiteral("odd failure"), QStringLiteral("logs"),
            [](JobControl &) -> int { throw Error(QStringLiteral("Cancelled.")); }, this, [](int) {},
            [&failed, &cancelled](const QString &, bool wasCancelled) {
                failed = true;
                cancelled = wasCancelled;
            });
        QTRY_VERIFY(failed);
        QVERIFY(!cancelled);
        QTRY_COMPARE(registry.runningCount(), 0);
        QCOMPARE(registry.index(0, JobRegistry::StateColumn).data().toString(), QStringLiteral("Cancelled."));
        QCOMPARE(registry.index(0, 0).data(JobRegistry::ProgressRole).toInt(), -2); // failed, not done
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
