// Point-in-time recovery benchmark (issue 15): the time Salvage takes to reach a target instant
// (`PitrRecovery`: unpack, configure, replay, promote, add its role online) next to the plain
// manual way on the same base backup and archive (copy the base, recovery.signal, restore_command
// and recovery_target_time in postgresql.auto.conf, pg_ctl start, wait until promoted). Goal: ≤ 1.1×.
//   pitrbenchmark [ROWS] [REPEAT]   (default 2000000 rows of WAL after the base backup, 2 runs each way)
#include "backup/pitrrecovery.h"
#include "backup/pitrsource.h"
#include "core/error.h"
#include "core/process.h"
#include "db/pgcluster.h"
#include "jobs/jobcontrol.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <vector>

#include <libpq-fe.h>

using namespace salvage;

namespace {

QString query(const QString &conninfo, const QString &sql)
{
    PGconn *connection = PQconnectdb(conninfo.toUtf8().constData());
    QString value;
    if (PQstatus(connection) == CONNECTION_OK) {
        PGresult *result = PQexec(connection, sql.toUtf8().constData());
        if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0)
            value = QString::fromUtf8(PQgetvalue(result, 0, 0));
        else if (PQresultStatus(result) != PGRES_COMMAND_OK)
            throw Error(QString::fromUtf8(PQresultErrorMessage(result)));
        PQclear(result);
    } else if (!sql.isEmpty()) {
        const QString error = QString::fromUtf8(PQerrorMessage(connection));
        PQfinish(connection);
        throw Error(error);
    }
    PQfinish(connection);
    return value;
}

QString serverUser()
{
    return runningAsRoot() ? QStringLiteral("postgres") : QString();
}

QString reachable(const QString &path)
{
    QDir().mkpath(path);
    if (runningAsRoot())
        runProcess({ QStringLiteral("chown"), { QStringLiteral("-R"), QStringLiteral("postgres:postgres"), path } });
    return path;
}

/// The way an operator does it by hand: copy, configure, start, wait until promoted.
double manualRecovery(const QString &base, const QString &archive, const QString &target, const QString &dir)
{
    QElapsedTimer timer;
    timer.start();
    PgCluster::Settings settings;
    settings.waitUntilReady = false;
    PgCluster cluster(dir, settings);
    cluster.prepareDataDirectory();
    runProcess({ QStringLiteral("cp"), { QStringLiteral("-R"), base + QStringLiteral("/."), cluster.dataDir() },
        serverUser(), 3600000 });
    std::printf("    %6.2f s  copied (manual)\n", timer.nsecsElapsed() / 1e9);
    QFile autoConf(cluster.dataDir() + QStringLiteral("/postgresql.auto.conf"));
    if (!autoConf.open(QIODevice::Append))
        throw Error(QStringLiteral("cannot write postgresql.auto.conf"));
    autoConf.write(QStringLiteral("restore_command = 'cp %1/%f \"%p\"'\nrecovery_target_time = '%2'\n"
                                  "recovery_target_action = 'promote'\narchive_mode = off\n")
                       .arg(archive, target)
                       .toUtf8());
    autoConf.close();
    QFile signal(cluster.dataDir() + QStringLiteral("/recovery.signal"));
    signal.open(QIODevice::WriteOnly);
    signal.close();
    if (runningAsRoot())
        runProcess({ QStringLiteral("chown"),
            { QStringLiteral("-R"), QStringLiteral("postgres:postgres"), cluster.dataDir() } });
    cluster.start();
    std::printf("    %6.2f s  started, replaying (manual)\n", timer.nsecsElapsed() / 1e9);
    // The source's superuser is Salvage's own (the source is a managed cluster), so psql-style polling works.
    for (;;) {
        try {
            if (cluster.port() > 0
                && query(cluster.conninfo(QStringLiteral("postgres")), QStringLiteral("SELECT pg_is_in_recovery()"))
                    == QLatin1String("f"))
                break;
        } catch (const Error &) {
        }
        QThread::msleep(50);
    }
    const double seconds = timer.nsecsElapsed() / 1e9;
    cluster.destroy();
    return seconds;
}

double salvageRecovery(const QString &base, const QString &archive, const QString &target, const QString &dir)
{
    QElapsedTimer timer;
    timer.start();
    PitrRecovery::Request request;
    request.source = std::make_shared<ArchiveDirectorySource>(base, archive);
    request.target = PitrTarget::time(target);
    request.clusterDir = dir;
    request.database = QStringLiteral("bench");
    // Each new kind of status, with when it began: where the time goes.
    QString lastPhase;
    JobControl control([&](qint64, qint64, const QString &status) {
        const QString phase = status.section(QLatin1Char(' '), 0, 1);
        if (phase != lastPhase)
            std::printf("    %6.2f s  %s\n", timer.nsecsElapsed() / 1e9, qPrintable(phase));
        lastPhase = phase;
    });
    const PitrRecovery::Result result = PitrRecovery::recover(request, control);
    const double seconds = timer.nsecsElapsed() / 1e9;
    std::printf("  (salvage replayed %d segments; %s)\n", result.segmentsReplayed, qPrintable(result.stoppedAt));
    PgCluster(dir).destroy();
    return seconds;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 rows = argc > 1 ? QString::fromLocal8Bit(argv[1]).toLongLong() : 2000000;
    const int repeat = argc > 2 ? QString::fromLocal8Bit(argv[2]).toInt() : 2;
    try {
        QTemporaryDir tmp;
        PgCluster source(tmp.filePath(QStringLiteral("source")));
        source.initialize();
        const QString work = reachable(QFileInfo(source.dataDir()).absolutePath() + QStringLiteral("/work"));
        const QString archive = reachable(work + QStringLiteral("/archive"));
        QFile conf(source.dataDir() + QStringLiteral("/postgresql.conf"));
        conf.open(QIODevice::Append);
        conf.write(QStringLiteral("archive_mode = on\narchive_command = 'cp %p %1/%f'\n").arg(archive).toUtf8());
        conf.close();
        source.start();
        source.createDatabase(QStringLiteral("bench"));
        const QString conninfo = source.conninfo(QStringLiteral("bench"));
        query(conninfo, QStringLiteral("CREATE TABLE t (id bigint PRIMARY KEY, payload text)"));
        const QString base = work + QStringLiteral("/base");
        const ProcessResult backup = runProcess({ PgCluster::findBinDir() + QStringLiteral("/pg_basebackup"),
            { QStringLiteral("-D"), base, QStringLiteral("-Fp"), QStringLiteral("-X"), QStringLiteral("none"),
                QStringLiteral("-c"), QStringLiteral("fast"), QStringLiteral("-h"), source.socketDir(),
                QStringLiteral("-p"), QString::number(source.port()), QStringLiteral("-U"), source.superuser() },
            serverUser(), 600000 });
        if (backup.exitCode != 0)
            throw Error(backup.output);
        for (qint64 done = 0; done < rows; done += 200000)
            query(conninfo,
                QStringLiteral("INSERT INTO t SELECT g, md5(g::text) FROM generate_series(%1, %2) g")
                    .arg(done + 1)
                    .arg(qMin(rows, done + 200000)));
        const QString target = query(conninfo, QStringLiteral("SELECT clock_timestamp()::text"));
        QThread::msleep(20);
        query(conninfo, QStringLiteral("INSERT INTO t VALUES (0, 'after the target')"));
        const QString last = query(conninfo, QStringLiteral("SELECT pg_walfile_name(pg_switch_wal())"));
        while (!QFileInfo::exists(archive + QLatin1Char('/') + last))
            QThread::msleep(100);
        const qint64 walBytes = QDir(archive).entryInfoList(QDir::Files).size() * qint64(16 * 1024 * 1024);
        source.stop();
        std::printf("pitr benchmark: %lld rows after the base backup, about %lld MB of archived WAL, target %s\n", rows,
            walBytes / (1024 * 1024), qPrintable(target));

        // The two ways take turns going first, so neither always finds the base backup in the page
        // cache the other one warmed.
        double bestManual = 1e300, bestSalvage = 1e300;
        std::vector<double> ratios;
        for (int run = 0; run < repeat; ++run) {
            double manual = 0, salvage = 0;
            const auto runManual
                = [&] { manual = manualRecovery(base, archive, target, tmp.filePath(QStringLiteral("manual"))); };
            const auto runSalvage
                = [&] { salvage = salvageRecovery(base, archive, target, tmp.filePath(QStringLiteral("salvage"))); };
            if (run % 2 == 0) {
                runManual();
                runSalvage();
            } else {
                runSalvage();
                runManual();
            }
            std::printf("run %d (%s first): manual (cp + recovery.signal + pg_ctl) %7.2f s   salvage %7.2f s   %.2fx\n",
                run + 1, run % 2 == 0 ? "manual" : "salvage", manual, salvage, salvage / manual);
            bestManual = qMin(bestManual, manual);
            bestSalvage = qMin(bestSalvage, salvage);
            ratios.push_back(salvage / manual);
        }
        std::sort(ratios.begin(), ratios.end());
        const double median = ratios.size() % 2 ? ratios[ratios.size() / 2]
                                                : (ratios[ratios.size() / 2 - 1] + ratios[ratios.size() / 2]) / 2;
        std::printf("best: manual %.2f s, salvage %.2f s: salvage/manual = %.2fx; median of the runs' ratios %.2fx "
                    "(goal <= 1.1x)\n",
            bestManual, bestSalvage, bestSalvage / bestManual, median);
        source.destroy();
    } catch (const std::exception &error) {
        std::fprintf(stderr, "pitrbenchmark: %s\n", error.what());
        return 1;
    }
    return 0;
}
