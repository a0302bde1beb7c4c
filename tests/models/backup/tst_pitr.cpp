// Point-in-time recovery on real clusters: a source cluster archives its WAL into a directory, a
// base backup is taken, rows are written in three phases separated by recorded instants, and
// recovery to each instant must hold exactly the rows committed before it.
#include "backup/bootstrapsuperuser.h"
#include "backup/pitrevents.h"
#include "backup/pitrrecovery.h"
#include "backup/pitrsource.h"
#include "core/error.h"
#include "core/process.h"
#include "db/pgcluster.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <libpq-fe.h>

using namespace salvage;

namespace {

QString queryValue(const QString &conninfo, const QString &sql)
{
    PGconn *connection = PQconnectdb(conninfo.toUtf8().constData());
    if (PQstatus(connection) != CONNECTION_OK) {
        const QString error = QString::fromUtf8(PQerrorMessage(connection));
        PQfinish(connection);
        throw Error(error);
    }
    PGresult *result = PQexec(connection, sql.toUtf8().constData());
    const ExecStatusType status = PQresultStatus(result);
    QString value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0)
        value = QString::fromUtf8(PQgetvalue(result, 0, 0));
    const QString error = QString::fromUtf8(PQresultErrorMessage(result));
    PQclear(result);
    PQfinish(connection);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        throw Error(error);
    return value;
}

QString serverUser()
{
    return runningAsRoot() ? QStringLiteral("postgres") : QString();
}

/// A directory the server's user can write (under /root it could not).
QString reachableDir(const QString &path)
{
    QDir().mkpath(path);
    if (runningAsRoot())
        runProcess({ QStringLiteral("chown"), { QStringLiteral("postgres:postgres"), path } });
    return path;
}

bool anyServerOn(const QString &dir)
{
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"),
        { QStringLiteral("-f"), QStringLiteral("postgres -D .*") + QFileInfo(dir).fileName() });
    pgrep.waitForFinished();
    return !pgrep.readAllStandardOutput().trimmed().isEmpty();
}

} // namespace

class TestPitr : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<PgCluster> m_source;
    QString m_work; ///< where the server's user can write: archive, base backups
    QString m_archive;
    QString m_base;
    QString m_baseTar;
    QString m_t0, m_t1, m_t2; ///< instants between the phases, as the server printed them
    QString m_lastSegment;
    QString m_pgBackRest; ///< the program, when installed
    QString m_repo;
    QString m_barman; ///< the program, when installed
    QString m_barmanConfig;

    /// Runs Barman; an empty string when it succeeded, otherwise what went wrong. A call that has not
    /// finished after timeoutSeconds is stopped: the test fails with that, before QtTest's watchdog
    /// (QTEST_FUNCTION_TIMEOUT, tests/models/backup/CMakeLists.txt) would abort it without a reason.
    QString barmanFailure(const QStringList &arguments, int timeoutSeconds = 60)
    {
        const ProcessResult result = runProcess({ m_barman,
            QStringList { QStringLiteral("-c"), m_barmanConfig } + arguments, serverUser(), timeoutSeconds * 1000 });
        if (result.exitCode == 0)
            return {};
        const QString how = result.started && result.exitCode == -1
            ? QStringLiteral("did not finish within %1 s").arg(timeoutSeconds)
            : QStringLiteral("failed");
        return QStringLiteral("barman %1 %2: %3").arg(arguments.join(QLatin1Char(' ')), how, result.output);
    }

    /// Runs a recovery; its salvage::Error becomes the test's failure message (the reason, not
    /// "unhandled exception"). The caller returns when QTest::currentTestFailed().
    static PitrRecovery::Result run(
        PitrRecovery::Result (*how)(const PitrRecovery::Request &, JobControl &), const PitrRecovery::Request &request)
    {
        JobControl control;
        try {
            return how(request, control);
        } catch (const Error &error) {
            QTest::qFail(error.what(), __FILE__, __LINE__);
        }
        return {};
    }

    QString source(const QString &sql) { return queryValue(m_source->conninfo(QStringLiteral("shop")), sql); }

    PitrRecovery::Result recoverTo(const QString &time, const QString &name, const QString &base = {})
    {
        PitrRecovery::Request request;
        request.source = std::make_shared<ArchiveDirectorySource>(base.isEmpty() ? m_base : base, m_archive);
        request.target = PitrTarget::time(time);
        request.clusterDir = m_tmp.filePath(name);
        request.database = QStringLiteral("shop");
        JobControl control;
        return PitrRecovery::recover(request, control);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_source = std::make_unique<PgCluster>(m_tmp.filePath(QStringLiteral("source")));
        m_source->initialize();
        m_work = reachableDir(QFileInfo(m_source->dataDir()).absolutePath() + QStringLiteral("/work"));
        m_archive = reachableDir(m_work + QStringLiteral("/archive"));
        QFile conf(m_source->dataDir() + QStringLiteral("/postgresql.conf"));
        QVERIFY(conf.open(QIODevice::Append));
        // With pgBackRest installed, the same WAL also goes into a pgBackRest repository.
        m_pgBackRest = QStandardPaths::findExecutable(QStringLiteral("pgbackrest"));
        m_repo = reachableDir(m_work + QStringLiteral("/pgbackrest"));
        const QString pgBackRestOptions = QStringLiteral("--stanza=salvage --repo1-path=%1 --pg1-path=%2 "
                                                         "--log-level-file=off --log-level-console=warn")
                                              .arg(m_repo, m_source->dataDir());
        const QString push = m_pgBackRest.isEmpty()
            ? QString()
            : QStringLiteral(" && %1 %2 archive-push %p").arg(m_pgBackRest, pgBackRestOptions);
        // With Barman installed, a Barman server "salvage" of its own (local, no ssh): the archive
        // command also copies into its incoming directory, `barman archive-wal` files the segments.
        m_barman = QStandardPaths::findExecutable(QStringLiteral("barman"));
        QString toBarman;
        if (!m_barman.isEmpty()) {
            const QString home = reachableDir(m_work + QStringLiteral("/barman"));
            const QString incoming = reachableDir(home + QStringLiteral("/salvage/incoming"));
            reachableDir(home + QStringLiteral("/salvage"));
            toBarman = QStringLiteral("cp %p %1/%f && ").arg(incoming);
        }
        conf.write(QStringLiteral("archive_mode = on\narchive_command = '%3cp %p %1/%f%2'\n")
                       .arg(m_archive, push, toBarman)
                       .toUtf8());
        conf.close();
        m_source->start();
        if (!m_barman.isEmpty()) { // the port is known once the server runs
            m_barmanConfig = m_work + QStringLiteral("/barman.conf");
            QFile barmanConf(m_barmanConfig);
            QVERIFY(barmanConf.open(QIODevice::WriteOnly));
            const QString connection = QStringLiteral("host=%1 port=%2 user=%3 dbname=postgres")
                                           .arg(m_source->socketDir())
                                           .arg(m_source->port())
                                           .arg(m_source->superuser());
            barmanConf.write(QStringLiteral("[barman]\nbarman_home = %1\nbarman_user = %2\nlog_file = %1/barman.log\n"
                                            "log_level = INFO\n[salvage]\ndescription = Salvage's test source\n"
                                            "conninfo = %3\nstreaming_conninfo = %3\nbackup_method = postgres\n"
                                            "archiver = on\npath_prefix = %4\n")
                                 .arg(m_work + QStringLiteral("/barman"),
                                     serverUser().isEmpty() ? qEnvironmentVariable("USER") : serverUser(), connection,
                                     PgCluster::findBinDir())
                                 .toUtf8());
            QVERIFY(barmanConf.flush());
        }
        const QStringList pgBackRestConnection { QStringLiteral("--stanza=salvage"),
            QStringLiteral("--repo1-path=") + m_repo, QStringLiteral("--pg1-path=") + m_source->dataDir(),
            QStringLiteral("--pg1-socket-path=") + m_source->socketDir(),
            QStringLiteral("--pg1-port=") + QString::number(m_source->port()),
            QStringLiteral("--pg1-user=") + m_source->superuser(), QStringLiteral("--log-level-file=off") };
        if (!m_pgBackRest.isEmpty()) {
            const ProcessResult created = runProcess(
                { m_pgBackRest, pgBackRestConnection + QStringList { QStringLiteral("stanza-create") }, serverUser() });
            QVERIFY2(created.exitCode == 0, qPrintable(created.output));
        }
        m_source->createDatabase(QStringLiteral("shop"));
        source(QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, phase int NOT NULL)"));
        source(QStringLiteral("INSERT INTO items SELECT g, 0 FROM generate_series(1, 100) g"));

        const QStringList connection { QStringLiteral("-h"), m_source->socketDir(), QStringLiteral("-p"),
            QString::number(m_source->port()), QStringLiteral("-U"), m_source->superuser(), QStringLiteral("-c"),
            QStringLiteral("fast") };
        const QString bin = PgCluster::findBinDir();
        m_base = m_work + QStringLiteral("/base");
        ProcessResult plain = runProcess({ bin + QStringLiteral("/pg_basebackup"),
            QStringList {
                QStringLiteral("-D"), m_base, QStringLiteral("-Fp"), QStringLiteral("-X"), QStringLiteral("none") }
                + connection,
            serverUser() });
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.output));
        const QString tarDir = m_work + QStringLiteral("/basetar");
        ProcessResult tar = runProcess({ bin + QStringLiteral("/pg_basebackup"),
            QStringList {
                QStringLiteral("-D"), tarDir, QStringLiteral("-Ft"), QStringLiteral("-X"), QStringLiteral("none") }
                + connection,
            serverUser() });
        QVERIFY2(tar.exitCode == 0, qPrintable(tar.output));
        m_baseTar = tarDir + QStringLiteral("/base.tar");
        if (!m_barman.isEmpty()) {
            // Not `barman backup --wait`: Barman takes the backup's end from pg_current_wal_lsn() after
            // pg_basebackup, whose pg_backup_stop() has just switched segments. On an idle server that
            // is the first byte of a new, empty segment, which PostgreSQL 17 names as that segment
            // (PostgreSQL 15 named the one before, already archived); Barman's own pg_switch_wal()
            // does nothing on an empty segment, so --wait (no timeout by default) waits forever.
            // switch-wal --force checkpoints first, so its switch closes the segment the backup ends in.
            const QStringList switchWal { QStringLiteral("switch-wal"), QStringLiteral("--force"),
                QStringLiteral("--archive"), QStringLiteral("--archive-timeout"), QStringLiteral("45"),
                QStringLiteral("salvage") };
            QString failure = barmanFailure(switchWal);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            failure = barmanFailure({ QStringLiteral("backup"), QStringLiteral("salvage") }, 240);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            failure = barmanFailure(switchWal);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            // WAITING_FOR_WALS becomes DONE once Barman finds the backup's WAL (`barman cron` would).
            failure = barmanFailure(
                { QStringLiteral("check-backup"), QStringLiteral("salvage"), QStringLiteral("latest") });
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            const ProcessResult listed = runProcess({ m_barman,
                { QStringLiteral("-c"), m_barmanConfig, QStringLiteral("-f"), QStringLiteral("json"),
                    QStringLiteral("list-backups"), QStringLiteral("salvage") },
                serverUser(), 60000 });
            QVERIFY2(listed.output.contains(QStringLiteral("\"status\": \"DONE\"")), qPrintable(listed.output));
        }
        if (!m_pgBackRest.isEmpty()) {
            const ProcessResult backup = runProcess({ m_pgBackRest,
                pgBackRestConnection
                    + QStringList { QStringLiteral("--type=full"), QStringLiteral("--start-fast"),
                        QStringLiteral("backup") },
                serverUser(), 300000 });
            QVERIFY2(backup.exitCode == 0,
                qPrintable(QStringLiteral("pgbackrest backup did not succeed within 300 s: ") + backup.output));
        }
        // pgBackRest and Barman keep a backup's stop time in whole seconds and pick one that stopped
        // before the target: the phases begin in a later second.
        QThread::msleep(1100);

        // Three phases; each instant is read after the phase's commit and before the next one's.
        QThread::msleep(50);
        m_t0 = source(QStringLiteral("SELECT clock_timestamp()::text"));
        QThread::msleep(50);
        source(QStringLiteral("INSERT INTO items SELECT g, 1 FROM generate_series(101, 150) g"));
        QThread::msleep(50);
        m_t1 = source(QStringLiteral("SELECT clock_timestamp()::text"));
        QThread::msleep(50);
        source(QStringLiteral("INSERT INTO items SELECT g, 2 FROM generate_series(151, 170) g"));
        QThread::msleep(50);
        m_t2 = source(QStringLiteral("SELECT clock_timestamp()::text"));
        QThread::msleep(50);
        source(QStringLiteral("INSERT INTO items SELECT g, 3 FROM generate_series(171, 175) g"));
        m_lastSegment = source(QStringLiteral("SELECT pg_walfile_name(pg_switch_wal())"));
        for (int wait = 0; wait < 300 && !QFileInfo::exists(m_archive + QLatin1Char('/') + m_lastSegment); ++wait)
            QThread::msleep(100);
        QVERIFY2(QFileInfo::exists(m_archive + QLatin1Char('/') + m_lastSegment), "the last segment was not archived");
        if (!m_barman.isEmpty()) { // what `barman cron` does every minute
            const QString failure = barmanFailure({ QStringLiteral("archive-wal"), QStringLiteral("salvage") });
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
        }
    }

    void cleanupTestCase()
    {
        if (m_source)
            m_source->destroy();
    }

    void recoversExactlyTheRowsCommittedBeforeEachInstant_data()
    {
        QTest::addColumn<int>("instant");
        QTest::addColumn<QString>("phases");
        QTest::newRow("before phase 1") << 0 << "0:100";
        QTest::newRow("after phase 1") << 1 << "0:100,1:50";
        QTest::newRow("after phase 2") << 2 << "0:100,1:50,2:20";
    }
    void recoversExactlyTheRowsCommittedBeforeEachInstant()
    {
        QFETCH(int, instant);
        QFETCH(QString, phases);
        const QString time = QList<QString> { m_t0, m_t1, m_t2 }.at(instant);
        const QString dir = QStringLiteral("pitr%1").arg(instant);
        const PitrRecovery::Result result = recoverTo(time, dir);
        QCOMPARE(result.database, QStringLiteral("shop"));
        QVERIFY2(
            result.stoppedAt.contains(QStringLiteral("recovery stopping before commit")), qPrintable(result.stoppedAt));
        // On the timeline: the base backup began before the instant, and replay stopped at the
        // first commit after it (the next phase's).
        const QDateTime target = PitrTarget::time(time).instant;
        QVERIFY(result.baseBackupStarted.isValid() && result.baseBackupStarted <= target);
        QVERIFY2(result.stoppedAtTime > target && result.stoppedAtTime < target.addSecs(10),
            qPrintable(result.stoppedAtTime.toString(Qt::ISODateWithMs)));
        const QList<Annotations::ManualEvent> events = PitrEvents::of(result, PitrTarget::time(time));
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).instantMs, result.stoppedAtTime.toMSecsSinceEpoch());
        QVERIFY(events.at(1).id.startsWith(PitrEvents::idPrefix));
        QCOMPARE(queryValue(result.conninfo,
                     QStringLiteral("SELECT string_agg(phase || ':' || n, ',' ORDER BY phase) FROM (SELECT phase, "
                                    "count(*) n FROM items GROUP BY phase) p")),
            phases);
        // The recovered server must not archive into the operator's archive.
        QCOMPARE(queryValue(result.conninfo, QStringLiteral("SHOW archive_mode")), QStringLiteral("off"));
        // Salvage's role was added while the promoted server ran: no stop and restart after replay.
        QFile log(PgCluster(m_tmp.filePath(dir)).prepareServerLog());
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray lines = log.readAll();
        QVERIFY2(lines.contains("database system is ready to accept connections"), lines.right(2000).constData());
        QVERIFY2(!lines.contains("database system is shut down"), lines.right(2000).constData());
        PgCluster(m_tmp.filePath(dir)).destroy();
    }

    void recoversFromATarBaseBackup()
    {
        const PitrRecovery::Result result = recoverTo(m_t1, QStringLiteral("pitrtar"), m_baseTar);
        QCOMPARE(queryValue(result.conninfo, QStringLiteral("SELECT count(*) FROM items")), QStringLiteral("150"));
        PgCluster(m_tmp.filePath(QStringLiteral("pitrtar"))).destroy();
    }

    void recoversFromAPgBackRestStanza()
    {
        if (m_pgBackRest.isEmpty())
            QSKIP("pgBackRest is not installed (Debian package pgbackrest; installer/install-deps.sh installs it)");
        PitrRecovery::Request request;
        try {
            request.source = std::make_shared<PgBackRestSource>(QStringLiteral("salvage"), m_repo);
        } catch (const Error &error) {
            QFAIL(error.what());
        }
        request.target = PitrTarget::time(m_t1);
        request.clusterDir = m_tmp.filePath(QStringLiteral("pgbackrest"));
        request.database = QStringLiteral("shop");
        const PitrRecovery::Result result = run(&PitrRecovery::recover, request);
        if (QTest::currentTestFailed())
            return;
        QVERIFY(result.segmentsReplayed > 0);
        QCOMPARE(queryValue(result.conninfo, QStringLiteral("SELECT count(*) FROM items")), QStringLiteral("150"));
        PgCluster(request.clusterDir).destroy();
        QVERIFY_THROWS_EXCEPTION(Error, PgBackRestSource(QStringLiteral("nosuchstanza"), m_repo));
    }

    void recoversFromABarmanServer()
    {
        if (m_barman.isEmpty())
            QSKIP("Barman is not installed (Debian package barman; installer/install-deps.sh installs it)");
        // Through the CLI: --barman makes a BarmanSource, PitrRecovery replays with `barman get-wal`
        // (each Barman call starts Python: one recovery here, the refusals are checked below).
        QProcess cli;
        cli.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("backup"), QStringLiteral("pitr"), QStringLiteral("--barman"), QStringLiteral("salvage"),
                QStringLiteral("--barman-config"), m_barmanConfig, QStringLiteral("--target-time"), m_t1,
                QStringLiteral("--database"), QStringLiteral("shop"), QStringLiteral("--dir"),
                m_tmp.filePath(QStringLiteral("barman")) });
        QVERIFY2(cli.waitForFinished(240000), "salvage-cli did not finish within 240 s");
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0, qPrintable(err));
        const QRegularExpressionMatch replayed
            = QRegularExpression(QStringLiteral("replayed (\\d+) WAL segments; recovery stopping before commit"))
                  .match(err);
        QVERIFY2(replayed.hasMatch() && replayed.captured(1).toInt() > 0, qPrintable(err));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY(out.startsWith(QStringLiteral("backup: ")));
        const QString conninfo = out.mid(8).trimmed();
        QCOMPARE(queryValue(conninfo,
                     QStringLiteral("SELECT string_agg(phase || ':' || n, ',' ORDER BY phase) FROM (SELECT phase, "
                                    "count(*) n FROM items GROUP BY phase) p")),
            QStringLiteral("0:100,1:50"));
        QCOMPARE(queryValue(conninfo, QStringLiteral("SHOW archive_mode")), QStringLiteral("off"));
        PgCluster(m_tmp.filePath(QStringLiteral("barman"))).destroy();
    }

    void aBarmanSourceThatCannotServeSaysWhy()
    {
        if (m_barman.isEmpty())
            QSKIP("Barman is not installed (Debian package barman; installer/install-deps.sh installs it)");
        const auto refusal = [](const std::function<void()> &attempt) {
            try {
                attempt();
            } catch (const Error &error) {
                return QString::fromUtf8(error.what());
            }
            return QString();
        };
        QString why = refusal([&] { BarmanSource(QStringLiteral("nosuchserver"), m_barmanConfig); });
        QVERIFY2(why.contains(QStringLiteral("Unknown server")), qPrintable(why));
        why = refusal([&] { BarmanSource(QStringLiteral("salvage"), m_work + QStringLiteral("/missing.conf")); });
        QVERIFY2(why.contains(QStringLiteral("cannot be read")), qPrintable(why));
        // Debian's own configuration runs Barman as "barman": as root, the server (postgres) could
        // fetch WAL only through sudo.
        if (runningAsRoot() && QStandardPaths::findExecutable(QStringLiteral("sudo")).isEmpty()
            && QFileInfo::exists(QStringLiteral("/etc/barman.conf"))) {
            why = refusal([&] { BarmanSource(QStringLiteral("salvage"), QStringLiteral("/etc/barman.conf")); });
            QVERIFY2(why.contains(QStringLiteral("install sudo")), qPrintable(why));
        }
        const BarmanSource barmanSource(QStringLiteral("salvage"), m_barmanConfig);
        why = refusal([&] { barmanSource.backupFor(PitrTarget::time(QStringLiteral("2001-01-01 00:00:00+00"))); });
        QVERIFY2(why.contains(QStringLiteral("no backup that ended before")), qPrintable(why));
        // Nothing is placed for a target no backup precedes.
        const QString dir = reachableDir(m_work + QStringLiteral("/barman-early"));
        JobControl control;
        why = refusal(
            [&] { barmanSource.placeBase(dir, PitrTarget::time(QStringLiteral("2001-01-01 00:00:00+00")), control); });
        QVERIFY(!why.isEmpty());
        QVERIFY(QDir(dir).isEmpty());
        // A WAL segment Barman does not hold.
        BaseBackup::Label label;
        label.startWalFile = QStringLiteral("0000000100000000000000FE");
        why = refusal([&] { barmanSource.checkPlaced(dir, label); });
        QVERIFY2(why.contains(QStringLiteral("is not in Barman server salvage")), qPrintable(why));
    }

    void retargetContinuesToALaterTargetAndRestoresAfreshForAnEarlierOne()
    {
        // A paused recovery is read-only: Salvage logs in as the backup's bootstrap superuser.
        QCOMPARE(bootstrapSuperuser(m_base), m_source->superuser());
        const QString phases = QStringLiteral("SELECT string_agg(phase || ':' || n, ',' ORDER BY phase) FROM (SELECT "
                                              "phase, count(*) n FROM items GROUP BY phase) p");
        PitrRecovery::Request request;
        request.source = std::make_shared<ArchiveDirectorySource>(m_base, m_archive);
        request.target = PitrTarget::time(m_t0);
        request.clusterDir = m_tmp.filePath(QStringLiteral("retarget"));
        request.database = QStringLiteral("shop");
        PitrRecovery::Result result = run(&PitrRecovery::retarget, request);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(result.howReached, QStringLiteral("fresh restore: nothing to continue"));
        QCOMPARE(queryValue(result.conninfo, phases), QStringLiteral("0:100"));
        QCOMPARE(queryValue(result.conninfo, QStringLiteral("SELECT pg_is_in_recovery()")), QStringLiteral("t"));
        // A file of ours in the data directory: a fresh restore would not keep it.
        const QString marker = PgCluster(request.clusterDir).dataDir() + QStringLiteral("/salvage-test-marker");
        QVERIFY(QFile(marker).open(QIODevice::WriteOnly));

        // Later: the same cluster replays on.
        request.target = PitrTarget::time(m_t2);
        result = run(&PitrRecovery::retarget, request);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(result.howReached,
            QStringLiteral("continued replay from %1 to %2")
                .arg(PitrTarget::time(m_t0).describe(), PitrTarget::time(m_t2).describe()));
        QCOMPARE(queryValue(result.conninfo, phases), QStringLiteral("0:100,1:50,2:20"));
        QVERIFY(QFileInfo::exists(marker));
        QVERIFY2(result.stoppedAtTime > PitrTarget::time(m_t2).instant, qPrintable(result.stoppedAt));

        // Earlier, through the CLI: a fresh restore, and it says so.
        QProcess cli;
        cli.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("backup"), QStringLiteral("pitr"), QStringLiteral("--base"), m_base,
                QStringLiteral("--wal"), m_archive, QStringLiteral("--target-time"), m_t1, QStringLiteral("--dir"),
                request.clusterDir, QStringLiteral("--retarget") });
        QVERIFY2(cli.waitForFinished(240000), "salvage-cli did not finish within 240 s");
        const QString err = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(cli.exitCode() == 0, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("fresh restore: the new target is earlier than ")), qPrintable(err));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY(out.startsWith(QStringLiteral("backup: ")));
        QCOMPARE(queryValue(out.mid(8).trimmed(), phases), QStringLiteral("0:100,1:50"));
        QVERIFY(!QFileInfo::exists(marker));

        // A paused recovery of another source is not replaced unasked.
        request.source
            = std::make_shared<ArchiveDirectorySource>(m_base, reachableDir(m_work + QStringLiteral("/other")));
        JobControl control;
        QVERIFY_THROWS_EXCEPTION(Error, PitrRecovery::retarget(request, control));
        QCOMPARE(queryValue(out.mid(8).trimmed(), phases), QStringLiteral("0:100,1:50"));
        PgCluster(request.clusterDir).destroy();
    }

    void aTargetBeforeTheBaseBackupIsRefusedAndLeavesNothing()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("early"));
        try {
            recoverTo(QStringLiteral("2001-01-01 00:00:00+00"), QStringLiteral("early"));
            QFAIL("recovery to a time before the base backup succeeded");
        } catch (const Error &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QStringLiteral("before the base backup")), error.what());
        }
        QVERIFY(!PgCluster(dir).exists());
        QVERIFY(!anyServerOn(dir));
    }

    void aMissingSegmentGivesTheServersReasonAndLeavesNothing()
    {
        // A copy of the archive without the segment that holds phase 2's commit onwards.
        const QString gappy = reachableDir(m_work + QStringLiteral("/gappy"));
        for (const QString &name : QDir(m_archive).entryList(QDir::Files))
            if (name != m_lastSegment)
                QFile::copy(m_archive + QLatin1Char('/') + name, gappy + QLatin1Char('/') + name);
        if (runningAsRoot()) // copies made as root: the server's user must read them
            runProcess(
                { QStringLiteral("chown"), { QStringLiteral("-R"), QStringLiteral("postgres:postgres"), gappy } });
        PitrRecovery::Request request;
        request.source = std::make_shared<ArchiveDirectorySource>(m_base, gappy);
        request.target = PitrTarget::time(m_t2);
        request.clusterDir = m_tmp.filePath(QStringLiteral("gap"));
        JobControl control;
        try {
            PitrRecovery::recover(request, control);
            QFAIL("recovery past a missing segment succeeded");
        } catch (const Error &error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains(QStringLiteral("before configured recovery target was reached")), error.what());
        }
        QVERIFY(!PgCluster(request.clusterDir).exists());
        QVERIFY(!anyServerOn(request.clusterDir));
    }

    void cancelDuringReplayLeavesNoClusterAndNoFiles()
    {
        PitrRecovery::Request request;
        request.source = std::make_shared<ArchiveDirectorySource>(m_base, m_archive);
        request.target = PitrTarget::time(m_t2);
        request.clusterDir = m_tmp.filePath(QStringLiteral("cancelled"));
        JobControl *self = nullptr;
        JobControl control([&](qint64, qint64, const QString &status) {
            if (status.startsWith(QStringLiteral("Replaying")))
                self->requestCancel();
        });
        self = &control;
        QVERIFY_THROWS_EXCEPTION(Cancelled, PitrRecovery::recover(request, control));
        QVERIFY(!PgCluster(request.clusterDir).exists());
        QVERIFY(!anyServerOn(request.clusterDir));
    }

    void anExistingClusterIsNotReplacedUnasked()
    {
        const PitrRecovery::Result first = recoverTo(m_t1, QStringLiteral("twice"));
        QVERIFY_THROWS_EXCEPTION(Error, recoverTo(m_t2, QStringLiteral("twice")));
        QCOMPARE(queryValue(first.conninfo, QStringLiteral("SELECT count(*) FROM items")), QStringLiteral("150"));
        PgCluster(m_tmp.filePath(QStringLiteral("twice"))).destroy();
    }

    void theCliPrintsTheBackupConninfo()
    {
        QProcess cli;
        cli.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("backup"), QStringLiteral("pitr"), QStringLiteral("--base"), m_base,
                QStringLiteral("--wal"), m_archive, QStringLiteral("--target-time"), m_t1, QStringLiteral("--dir"),
                m_tmp.filePath(QStringLiteral("cli")) });
        QVERIFY2(cli.waitForFinished(240000), "salvage-cli did not finish within 240 s");
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(cli.exitCode() == 0, qPrintable(QString::fromUtf8(cli.readAllStandardError())));
        QVERIFY(out.startsWith(QStringLiteral("backup: ")));
        QCOMPARE(queryValue(out.mid(8).trimmed(), QStringLiteral("SELECT count(*) FROM items")), QStringLiteral("150"));
        PgCluster(m_tmp.filePath(QStringLiteral("cli"))).destroy();

        cli.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("backup"), QStringLiteral("pitr"), QStringLiteral("--base"), m_base,
                QStringLiteral("--wal"), m_archive, QStringLiteral("--target-time"),
                QStringLiteral("2026-12-03 05:00:00"), QStringLiteral("--dir"),
                m_tmp.filePath(QStringLiteral("cli2")) });
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("no zone")));

        // One source at a time.
        cli.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("backup"), QStringLiteral("pitr"), QStringLiteral("--base"), m_base,
                QStringLiteral("--wal"), m_archive, QStringLiteral("--barman"), QStringLiteral("salvage"),
                QStringLiteral("--target-time"), m_t1, QStringLiteral("--dir"),
                m_tmp.filePath(QStringLiteral("cli3")) });
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 2);
        QVERIFY(QString::fromUtf8(cli.readAllStandardError()).contains(QStringLiteral("--barman SERVER")));
        QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("cli3"))));
    }

    /// Last: it renames the source's bootstrap superuser (and back) after every other test's targets.
    /// At the target the role the base backup named cannot log in, so the role is added in
    /// single-user mode with a restart, the fallback of adding it online.
    void aBootstrapRoleRenamedDuringReplayFallsBackToSingleUserMode()
    {
        if (!m_source->isRunning())
            m_source->start();
        source(QStringLiteral("CREATE ROLE salvage_other SUPERUSER LOGIN"));
        const QString other = m_source->conninfo(QStringLiteral("shop"))
                                  .replace(QStringLiteral("user=salvage"), QStringLiteral("user=salvage_other"));
        queryValue(other, QStringLiteral("ALTER ROLE salvage RENAME TO bootstrap_renamed"));
        QThread::msleep(50);
        const QString renamed = queryValue(other, QStringLiteral("SELECT clock_timestamp()::text"));
        QThread::msleep(50);
        queryValue(other, QStringLiteral("ALTER ROLE bootstrap_renamed RENAME TO salvage")); // the commit after it
        const QString last = source(QStringLiteral("SELECT pg_walfile_name(pg_switch_wal())"));
        for (int wait = 0; wait < 300 && !QFileInfo::exists(m_archive + QLatin1Char('/') + last); ++wait)
            QThread::msleep(100);
        QVERIFY2(QFileInfo::exists(m_archive + QLatin1Char('/') + last), "the last segment was not archived");

        const PitrRecovery::Result result = recoverTo(renamed, QStringLiteral("pitrrenamed"));
        QCOMPARE(queryValue(result.conninfo, QStringLiteral("SELECT rolname FROM pg_roles WHERE oid = 10")),
            QStringLiteral("bootstrap_renamed"));
        QCOMPARE(
            queryValue(result.conninfo, QStringLiteral("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")),
            QStringLiteral("t"));
        QCOMPARE(queryValue(result.conninfo, QStringLiteral("SELECT count(*) FROM items")), QStringLiteral("175"));
        QFile log(PgCluster(m_tmp.filePath(QStringLiteral("pitrrenamed"))).prepareServerLog());
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY2(log.readAll().contains("database system is shut down"), "the fallback restarts the server");
        PgCluster(m_tmp.filePath(QStringLiteral("pitrrenamed"))).destroy();
    }
};

QTEST_GUILESS_MAIN(TestPitr)
#include "tst_pitr.moc"
