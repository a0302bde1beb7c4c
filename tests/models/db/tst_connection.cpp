#include "core/error.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "testcluster.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <pqxx/transaction>

using namespace salvage;
using salvage::test::TestCluster;

class TestConnection : public QObject
{
    Q_OBJECT
private:
    QString m_conninfo;

    struct Outcome
    {
        bool done = false;
        bool ok = false;
        bool cancelled = false;
        QString message;
        QString value;
    };

    static std::shared_ptr<Outcome> runQuery(Connection &connection, QObject *context, const QString &sql)
    {
        auto outcome = std::make_shared<Outcome>();
        connection.submit<QString>(
            QStringLiteral("query"),
            [sql](PgSession &session, JobControl &) {
                const pqxx::result result = session.exec(sql);
                return result.empty() ? QString() : QString::fromStdString(result[0][0].c_str());
            },
            context,
            [outcome](QString value) {
                outcome->done = outcome->ok = true;
                outcome->value = value;
            },
            [outcome](const QString &message, bool cancelled) {
                outcome->done = true;
                outcome->message = message;
                outcome->cancelled = cancelled;
            });
        return outcome;
    }

    void openOrFail(Connection &connection)
    {
        QSignalSpy spy(&connection, &Connection::stateChanged);
        connection.open(ConnectionProfile { QStringLiteral("test"), m_conninfo });
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Connection::State::Open, 15000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_conninfo = TestCluster::instance().createDatabase(QStringLiteral("tst_connection"));
        TestCluster::instance().execute(
            QStringLiteral("tst_connection"), QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text)"));
    }

    void openRunsJobsOffTheCallingThread()
    {
        Connection connection(Side::Backup);
        openOrFail(connection);
        QVERIFY(!connection.serverVersion().isEmpty());
        QThread *jobThread = nullptr;
        Schema schema;
        bool delivered = false;
        connection.submit<Schema>(
            QStringLiteral("read schema"),
            [&jobThread](PgSession &session, JobControl &control) {
                jobThread = QThread::currentThread();
                return SchemaReader::read(session, &control);
            },
            this,
            [&](Schema value) {
                schema = value;
                delivered = true;
            });
        QTRY_VERIFY_WITH_TIMEOUT(delivered, 10000);
        QVERIFY(jobThread != QThread::currentThread());
        QVERIFY(schema.findTable(QStringLiteral("t")));
    }

    void sessionSettingsArePinned()
    {
        Connection connection(Side::Live);
        openOrFail(connection);
        auto outcome = runQuery(connection, this,
            QStringLiteral(
                "SELECT current_setting('TimeZone') || ' ' || current_setting('DateStyle') || ' ' || "
                "current_setting('IntervalStyle') || ' ' || current_setting('extra_float_digits') || ' ' || "
                "current_setting('bytea_output') || ' ' || current_setting('default_transaction_read_only')"));
        QTRY_VERIFY_WITH_TIMEOUT(outcome->done, 10000);
        QVERIFY2(outcome->ok, qPrintable(outcome->message));
        QCOMPARE(outcome->value, QStringLiteral("UTC ISO, YMD iso_8601 3 hex on"));
    }

    void writesOnLiveFailWithAClearMessage()
    {
        Connection connection(Side::Live);
        openOrFail(connection);
        auto outcome = runQuery(connection, this, QStringLiteral("INSERT INTO t VALUES (1, 'x') RETURNING id"));
        QTRY_VERIFY_WITH_TIMEOUT(outcome->done, 10000);
        QVERIFY(!outcome->ok);
        QVERIFY2(outcome->message.contains(QStringLiteral("read-only")), qPrintable(outcome->message));
        QVERIFY(outcome->message.startsWith(QStringLiteral("LIVE")));
        // Even an explicit read-write transaction is refused... by default_transaction_read_only being on,
        // a plain transaction cannot write either.
        auto second = runQuery(connection, this, QStringLiteral("BEGIN; DELETE FROM t; COMMIT"));
        QTRY_VERIFY_WITH_TIMEOUT(second->done, 10000);
        QVERIFY(!second->ok);
        QCOMPARE(connection.state(), Connection::State::Open);
    }

    void cancelStopsALongQueryWithinASecond()
    {
        Connection connection(Side::Backup);
        openOrFail(connection);
        QSignalSpy queued(&connection, &Connection::jobQueued);
        auto outcome = runQuery(connection, this, QStringLiteral("SELECT pg_sleep(30)"));
        QTest::qWait(300); // let it reach the server
        QElapsedTimer timer;
        timer.start();
        connection.cancel(queued.last().at(0).toULongLong());
        QTRY_VERIFY_WITH_TIMEOUT(outcome->done, 5000);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(outcome->cancelled);
        // The session is still usable afterwards.
        auto next = runQuery(connection, this, QStringLiteral("SELECT 42"));
        QTRY_VERIFY_WITH_TIMEOUT(next->done, 5000);
        QCOMPARE(next->value, QStringLiteral("42"));
    }

    void cancelDropsQueuedJobs()
    {
        Connection connection(Side::Backup);
        openOrFail(connection);
        auto first = runQuery(connection, this, QStringLiteral("SELECT pg_sleep(0.3)"));
        auto second = runQuery(connection, this, QStringLiteral("SELECT 1"));
        connection.cancelAll();
        QTRY_VERIFY_WITH_TIMEOUT(first->done && second->done, 5000);
        QVERIFY(second->cancelled);
    }

    void resultsForAGoneContextAreDropped()
    {
        Connection connection(Side::Backup);
        openOrFail(connection);
        auto *context = new QObject;
        auto outcome = runQuery(connection, context, QStringLiteral("SELECT pg_sleep(0.2)"));
        delete context;
        QSignalSpy finished(&connection, &Connection::jobFinished);
        QVERIFY(finished.wait(5000));
        QTest::qWait(50);
        QVERIFY(!outcome->done);
    }

    void errorsPeopleMeet_data()
    {
        QTest::addColumn<QString>("conninfo");
        QTest::addColumn<QString>("expected");
        const PgCluster &cluster = TestCluster::instance().cluster();
        QTest::newRow("unknown database")
            << cluster.conninfo(QStringLiteral("no_such_db")) << QStringLiteral("does not exist");
        QTest::newRow("server down") << QStringLiteral("host=/nonexistent/socket/dir port=1 user=x dbname=y")
                                     << QStringLiteral("not running or not reachable");
        QTest::newRow("ssl required")
            << QStringLiteral("host=127.0.0.1 port=%1 user=salvage dbname=postgres sslmode=require").arg(cluster.port())
            << QStringLiteral("SSL");
        QTest::newRow("bad conninfo") << QStringLiteral("host=x nonsense_key=1") << QStringLiteral("not valid");
    }

    void errorsPeopleMeet()
    {
        QFETCH(QString, conninfo);
        QFETCH(QString, expected);
        Connection connection(Side::Live);
        connection.open(ConnectionProfile { {}, conninfo });
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Connection::State::Failed, 20000);
        QVERIFY2(connection.lastError().contains(expected), qPrintable(connection.lastError()));
        QVERIFY(connection.lastError().startsWith(QStringLiteral("LIVE")));
        QVERIFY(!connection.lastError().contains(QLatin1Char('\n')));
    }

    void wrongPassword()
    {
        // A role that must log in with a password, reached over TCP where scram is enforced.
        TestCluster::instance().execute(QStringLiteral("tst_connection"),
            QStringLiteral("DROP ROLE IF EXISTS pw_user; CREATE ROLE pw_user LOGIN PASSWORD 'right'"));
        PgSession admin(m_conninfo, PgSession::Options::writable());
        admin.exec(QStringLiteral("ALTER SYSTEM SET password_encryption = 'scram-sha-256'"));
        const PgCluster &cluster = TestCluster::instance().cluster();
        QFile hba(cluster.dataDir() + QStringLiteral("/pg_hba.conf"));
        QVERIFY(hba.open(QIODevice::ReadOnly));
        const QByteArray original = hba.readAll();
        hba.close();
        if (!original.startsWith("host all pw_user")) {
            QVERIFY(hba.open(QIODevice::WriteOnly | QIODevice::Truncate));
            hba.write("host all pw_user 127.0.0.1/32 scram-sha-256\n" + original);
            hba.close();
        }
        admin.exec(QStringLiteral("SELECT pg_reload_conf()"));
        QTest::qWait(200);

        Connection connection(Side::Backup);
        connection.open(ConnectionProfile { {},
                            QStringLiteral("host=127.0.0.1 port=%1 user=pw_user dbname=postgres").arg(cluster.port()) },
            QStringLiteral("wrong"));
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Connection::State::Failed, 15000);
        QVERIFY2(connection.lastError().contains(QStringLiteral("wrong user name or password")),
            qPrintable(connection.lastError()));

        connection.open(
            ConnectionProfile { {}, QStringLiteral("postgresql://pw_user@127.0.0.1:%1/postgres").arg(cluster.port()) },
            QStringLiteral("right"));
        QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Connection::State::Open, 15000);
    }

    void libpqConventionsApply()
    {
        // ~/.pgpass (PGPASSFILE), service files (PGSERVICEFILE) and PG* variables are libpq's own:
        // a profile that names none of the details still reaches the database.
        const PgCluster &cluster = TestCluster::instance().cluster();
        QTemporaryDir dir;
        QFile pgpass(dir.filePath(QStringLiteral("pgpass")));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        pgpass.write(QStringLiteral("127.0.0.1:%1:*:pw_user:right\n").arg(cluster.port()).toUtf8());
        pgpass.close();
        pgpass.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QFile services(dir.filePath(QStringLiteral("services")));
        QVERIFY(services.open(QIODevice::WriteOnly));
        services.write(QStringLiteral("[incident]\nhost=127.0.0.1\nport=%1\nuser=pw_user\ndbname=postgres\n")
                           .arg(cluster.port())
                           .toUtf8());
        services.close();
        qputenv("PGPASSFILE", pgpass.fileName().toUtf8());
        qputenv("PGSERVICEFILE", services.fileName().toUtf8());

        Connection viaService(Side::Backup);
        viaService.open(ConnectionProfile { {}, QStringLiteral("service=incident") });
        QTRY_COMPARE_WITH_TIMEOUT(viaService.state(), Connection::State::Open, 15000);

        qputenv("PGHOST", "127.0.0.1");
        qputenv("PGPORT", QByteArray::number(cluster.port()));
        qputenv("PGUSER", "pw_user");
        Connection viaEnvironment(Side::Backup);
        viaEnvironment.open(ConnectionProfile { {}, QStringLiteral("dbname=postgres") });
        QTRY_COMPARE_WITH_TIMEOUT(viaEnvironment.state(), Connection::State::Open, 15000);
        QCOMPARE(
            viaEnvironment.profile().summary(), QStringLiteral("pw_user@127.0.0.1:%1/postgres").arg(cluster.port()));
        for (const char *name : { "PGPASSFILE", "PGSERVICEFILE", "PGHOST", "PGPORT", "PGUSER" })
            qunsetenv(name);
    }

    void droppedConnectionIsReported()
    {
        Connection connection(Side::Live);
        openOrFail(connection);
        auto pid = runQuery(connection, this, QStringLiteral("SELECT pg_backend_pid()"));
        QTRY_VERIFY_WITH_TIMEOUT(pid->done, 5000);
        PgSession killer(m_conninfo, PgSession::Options::writable());
        killer.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid->value.toInt()));
        QTest::qWait(100);
        auto after = runQuery(connection, this, QStringLiteral("SELECT 1"));
        QTRY_VERIFY_WITH_TIMEOUT(after->done, 5000);
        QVERIFY(!after->ok);
        QVERIFY2(after->message.contains(QStringLiteral("connection")), qPrintable(after->message));
        QCOMPARE(connection.state(), Connection::State::Failed);
        // And it can be opened again.
        openOrFail(connection);
    }

    void destroyedSessionsCloseTheirConnections()
    {
        PgSession observer(m_conninfo, PgSession::Options {});
        auto others = [&]() {
            return observer
                .exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = 'tst_connection' "
                                     "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"))[0][0]
                .as<int>();
        };
        const int before = others();
        for (int i = 0; i < 5; ++i)
            PgSession session(m_conninfo, PgSession::Options {});
        // Backends of earlier tests may still be exiting: the count must fall back to at most what it was.
        QTRY_VERIFY_WITH_TIMEOUT(others() <= before, 5000);
    }

    void generationDropsStaleResults()
    {
        Generation generation;
        const quint64 first = generation.next();
        const quint64 second = generation.next();
        QVERIFY(!generation.isCurrent(first));
        QVERIFY(generation.isCurrent(second));
    }
};

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
