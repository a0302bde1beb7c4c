#include "core/error.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

class TestPgCluster : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lifecycle()
    {
        QTemporaryDir dir;
        PgCluster cluster(dir.path());
        QVERIFY(!cluster.exists());
        QVERIFY(!cluster.isRunning());
        cluster.start();
        QVERIFY(cluster.exists());
        QVERIFY(cluster.isRunning());
        QVERIFY(cluster.port() > 0);
        cluster.createDatabase(QStringLiteral("Odd Name"));
        {
            PgSession session(cluster.conninfo(QStringLiteral("Odd Name")), PgSession::Options {});
            QCOMPARE(QString::fromStdString(session.exec(QStringLiteral("SELECT current_database()"))[0][0].c_str()),
                QStringLiteral("Odd Name"));
            // Never the OS superuser: the server runs unprivileged.
            const pqxx::result user = session.exec(QStringLiteral("SELECT current_user"));
            QCOMPARE(QString::fromStdString(user[0][0].c_str()), cluster.superuser());
        }
        // A second object over the same directory reuses the running server.
        PgCluster again(dir.path());
        QVERIFY(again.isRunning());
        const int port = again.port();
        again.start();
        QCOMPARE(again.port(), port);
        cluster.stop();
        QVERIFY(!cluster.isRunning());
        // It restarts with its data.
        cluster.start();
        PgSession session(cluster.conninfo(QStringLiteral("Odd Name")), PgSession::Options {});
        QVERIFY(session.backendPid() > 0);
        const QString data = cluster.dataDir();
        // As root the data sits in a directory of the cluster's own, where the demo also keeps its
        // WAL archive and base backup: destroying the cluster leaves none of it behind.
        const QString besideData = QFileInfo(data).absolutePath() + QStringLiteral("/wal-archive");
        const bool relocated = QFileInfo(data).absolutePath() != dir.path();
        if (relocated)
            QVERIFY(QDir().mkpath(besideData));
        cluster.destroy();
        QVERIFY(!QFileInfo::exists(data));
        QVERIFY(!QFileInfo::exists(besideData));
    }

    void aClusterWhoseDataWasDeletedStartsAfresh()
    {
        // As root the data sits behind a link; deleting the data leaves the link dangling.
        QTemporaryDir dir;
        PgCluster cluster(dir.path());
        cluster.start();
        const QString data = cluster.dataDir();
        cluster.stop();
        QDir(data).removeRecursively();
        PgCluster again(dir.path());
        QVERIFY(!again.exists());
        again.start();
        QVERIFY(again.isRunning());
        PgSession session(again.conninfo(QStringLiteral("postgres")), PgSession::Options {});
        QVERIFY(session.backendPid() > 0);
        again.destroy();
    }

    void aLockFileLeftByADeadServerIsNotARunningOne()
    {
        // What a crash leaves: postmaster.pid naming a process that is gone. And one naming a
        // live process that is not ours (pid 1): running, as pg_ctl status would say.
        QTemporaryDir dir;
        PgCluster cluster(dir.path());
        cluster.start();
        cluster.stop();
        QProcess gone;
        gone.start(QStringLiteral("true"), {});
        QVERIFY(gone.waitForStarted());
        const qint64 gonePid = gone.processId();
        QVERIFY(gone.waitForFinished());
        const QString lockFile = cluster.dataDir() + QStringLiteral("/postmaster.pid");
        const auto writeLock = [&](qint64 pid) {
            QFile lock(lockFile);
            QVERIFY(lock.open(QIODevice::WriteOnly | QIODevice::Truncate));
            lock.write(QByteArray::number(pid) + '\n' + cluster.dataDir().toUtf8() + "\n0\n5432\n/tmp\n");
        };
        writeLock(gonePid);
        QVERIFY(!cluster.isRunning());
        writeLock(1);
        QVERIFY(cluster.isRunning());
        writeLock(gonePid);
        const QFileInfo tmp(QStringLiteral("/tmp"));
        const auto tmpPermissions = tmp.permissions();
        const uint tmpOwner = tmp.ownerId();
        cluster.start(); // the server replaces a stale lock file itself
        QVERIFY(cluster.isRunning());
        // The dead server's socket directory (/tmp here) was not taken over for the new one.
        QVERIFY(cluster.conninfo(QStringLiteral("postgres")).contains(QLatin1String("/tmp/salvage-"))
            || !cluster.conninfo(QStringLiteral("postgres")).contains(QLatin1String("host=/tmp ")));
        QFileInfo tmpAfter(QStringLiteral("/tmp"));
        QCOMPARE(tmpAfter.permissions(), tmpPermissions);
        QCOMPARE(tmpAfter.ownerId(), tmpOwner);
        PgSession session(cluster.conninfo(QStringLiteral("postgres")), PgSession::Options {});
        QVERIFY(session.backendPid() > 0);
        cluster.destroy();
    }

    void missingBinariesGiveAClearError()
    {
        QTemporaryDir dir;
        PgCluster cluster(dir.path(), PgCluster::Settings { QStringLiteral("/nonexistent/bin") });
        try {
            cluster.start();
            QFAIL("start() should have failed");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("initdb")), qPrintable(error.message()));
        }
        cluster.destroy();
    }
};

QTEST_GUILESS_MAIN(TestPgCluster)
#include "tst_pgcluster.moc"
