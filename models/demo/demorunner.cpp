#include "demorunner.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "demo/demoactivity.h"
#include "demo/demofunctions.h"
#include "demo/demogenerator.h"
#include "demo/demoincident.h"
#include "demo/demologwriter.h"
#include "demo/demoparallel.h"
#include "demo/demopitr.h"
#include "demo/demorecreation.h"
#include "demo/demoschema.h"
#include "demo/demosql.h"
#include "demo/demotraffic.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QThread>

namespace salvage {

namespace {

constexpr int kGeneratorVersion = 1; // bump when the generated data changes: existing demos rebuild
const QString kBackup = QStringLiteral("backup");
const QString kLive = QStringLiteral("live");
const QString kMergeStarted = QStringLiteral("merge_started_at"); // in demo.json, with a WAL archive

QJsonObject record(const DemoParameters &parameters)
{
    QJsonObject object = parameters.toJson();
    object.insert(QStringLiteral("generator"), kGeneratorVersion);
    return object;
}

/// Autovacuum is off in the demo's own cluster. The build gathers every table's statistics itself
/// (DemoSchema::statistics); autovacuum vacuumed and analysed the tables again and again while they
/// were loaded (a vacuum after each 20 % of new rows, an analysis after each 10 %): 7 % of the
/// cluster's CPU at scale 100.
void turnAutovacuumOff(PgCluster &cluster)
{
    PgSession session(
        cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
    DemoSql sql(session);
    if (sql.run(QStringLiteral("autovacuum"), QStringLiteral("SHOW autovacuum"))[0][0].as<std::string>() == "off")
        return;
    sql.run(QStringLiteral("autovacuum"), QStringLiteral("ALTER SYSTEM SET autovacuum = off"));
    sql.run(QStringLiteral("autovacuum"), QStringLiteral("SELECT pg_reload_conf()"));
}

} // namespace

void DemoRunner::build(PgCluster &cluster, const QString &backupDatabase, const QString &liveDatabase,
    const QString &logsDir, const DemoParameters &parameters, const Progress &progress, const Moments &moments)
{
    const auto step = [&](const char *what) {
        if (progress)
            progress(QString::fromLatin1(what));
    };
    step("backup at T0: rows");
    {
        PgSession session(
            cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
        DemoSql sql(session);
        for (const QString &database : { liveDatabase, backupDatabase }) {
            if (sql.run(QStringLiteral("databases"),
                       QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = $1"), database)[0][0]
                    .as<int>()
                > 0)
                sql.script(QStringLiteral("databases"),
                    QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(sql::quoteIdent(database)));
        }
        sql.script(QStringLiteral("databases"),
            QStringLiteral("CREATE DATABASE %1 TEMPLATE template0 ENCODING 'UTF8'")
                .arg(sql::quoteIdent(backupDatabase)));
    }
    {
        PgSession session(
            cluster.conninfo(backupDatabase), PgSession::Options::writable(QStringLiteral("DEMO BACKUP")));
        DemoSql sql(session);
        DemoGenerator generator(sql, parameters);
        generator.generateRows();
        step("backup: keys, indexes and foreign keys");
        generator.buildKeys();
    }
    // The base backup is taken before live exists: it copies the backup database once, and
    // recovery makes live from the WAL record of the file copy below, as this cluster did.
    if (moments.atBackupTime)
        moments.atBackupTime();
    step("live as a copy of the backup");
    {
        // live starts as a file copy of the backup; only what happened after T0 is applied to it.
        PgSession session(
            cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("DEMO")));
        DemoSql sql(session);
        // The backup's session has closed, but its server process may still be on its way out.
        for (int attempt = 0; attempt < 100; ++attempt) {
            if (sql.run(QStringLiteral("live"),
                       QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = $1"), backupDatabase)[0][0]
                    .as<int>()
                == 0)
                break;
            QThread::msleep(50);
        }
        sql.script(QStringLiteral("live"),
            QStringLiteral("CREATE DATABASE %1 TEMPLATE %2 STRATEGY FILE_COPY")
                .arg(sql::quoteIdent(liveDatabase), sql::quoteIdent(backupDatabase)));
    }
    PgSession session(cluster.conninfo(liveDatabase), PgSession::Options::writable(QStringLiteral("DEMO LIVE")));
    DemoSql sql(session);
    DemoFunctions::install(sql, parameters);
    DemoTraffic traffic(sql, parameters);
    traffic.createEventTables();
    step("activity after T0");
    DemoActivity(sql, parameters).apply();
    traffic.record(DemoParameters::rotationMs() - 86400000, DemoParameters::incidentMs());
    if (moments.beforeIncident)
        moments.beforeIncident();
    step("the merge incident");
    DemoIncident(sql, parameters).apply();
    step("recreated accounts");
    DemoRecreation(sql, parameters).apply();
    step("logs");
    // The logs come from this session's temporary tables alone, each query sorted: live's
    // statistics are gathered meanwhile, on sessions of their own (one core idled during each).
    DemoParallel::alongside(session.profile().conninfo, DemoSchema::statistics(sql), QString(), [&] {
        QDir(logsDir).removeRecursively();
        DemoLogWriter(sql, logsDir).write();
    });
}

std::optional<QDateTime> DemoRunner::upToDate(PgCluster &cluster, const DemoParameters &parameters) const
{
    QFile file(recordPath());
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonObject saved = QJsonDocument::fromJson(file.readAll()).object();
    const QDateTime mergeStarted
        = QDateTime::fromString(saved.take(kMergeStarted).toString(), Qt::ISODateWithMs).toUTC();
    if (saved != record(parameters))
        return std::nullopt;
    // A demo built without its WAL archive cannot get one later: the base backup belongs at T0.
    if (m_pitr && (!mergeStarted.isValid() || !DemoPitr(cluster, m_dir).hasSource()))
        return std::nullopt;
    for (const LogSource &source : DemoLogWriter::sources()) {
        if (!QFile::exists(Workspace::resolve(workspacePath(), source.path)))
            return std::nullopt;
    }
    PgSession session(cluster.conninfo(QStringLiteral("postgres")), PgSession::Options {});
    pqxx::nontransaction transaction(session.connection());
    const pqxx::result found = pqxxcompat::execParams(transaction,
        "SELECT count(*) FROM pg_database WHERE datname IN ($1, $2)", kBackup.toStdString(), kLive.toStdString());
    if (found[0][0].as<int>() != 2)
        return std::nullopt;
    return m_pitr ? mergeStarted : QDateTime();
}

DemoRunner::Result DemoRunner::run(const DemoParameters &parameters)
{
    if (parameters.scale < 1)
        throw Error(QStringLiteral("The demo's scale must be 1 or more."));
    if (!QDir().mkpath(m_dir))
        throw Error(QStringLiteral("Cannot create the directory %1.").arg(m_dir));
    PgCluster cluster(m_dir);
    cluster.start();
    turnAutovacuumOff(cluster);
    DemoPitr pitr(cluster, m_dir);
    if (m_pitr)
        pitr.enableArchiving();

    Result result;
    std::optional<QDateTime> mergeStarted = upToDate(cluster, parameters);
    if (!mergeStarted) {
        QFile::remove(recordPath());
        QJsonObject built = record(parameters);
        Moments moments;
        if (m_pitr) {
            pitr.removeRecovered(); // recovered from the data being replaced
            moments.atBackupTime = [&]() {
                if (m_progress)
                    m_progress(QStringLiteral("base backup at T0, WAL archive from here on"));
                pitr.takeBaseBackup();
            };
            moments.beforeIncident = [&]() { mergeStarted = pitr.markIncidentStart(); };
        }
        build(cluster, kBackup, kLive, m_dir + QStringLiteral("/logs"), parameters, m_progress, moments);
        if (m_pitr) {
            pitr.finishArchive();
            built.insert(kMergeStarted, mergeStarted->toString(Qt::ISODateWithMs));
        }
        SafeFileWriter::save(recordPath(), QJsonDocument(built).toJson(QJsonDocument::Indented));
        result.rebuilt = true;
    }
    if (m_pitr) {
        if (m_progress)
            m_progress(QStringLiteral("BACKUP as of 1 s before the merge"));
        result.pitrTarget = DemoPitr::targetFor(*mergeStarted);
        result.pitrBackupConninfo = pitr.ensureRecovered(result.pitrTarget, kLive);
    }

    // The port can change when the cluster restarts: the workspace is written on every run, keeping
    // the operator's annotations and other sections while the data they point at is the same.
    result.liveConninfo = cluster.conninfo(kLive);
    result.backupConninfo = cluster.conninfo(kBackup);
    Workspace workspace;
    if (!result.rebuilt && QFile::exists(workspacePath())) {
        try {
            workspace = Workspace::load(workspacePath());
        } catch (const Error &) {
            workspace = Workspace(); // unreadable: written afresh
        }
    }
    workspace.live = { QStringLiteral("Demo live"), result.liveConninfo };
    workspace.backup = { QStringLiteral("Demo backup (T0)"), result.backupConninfo };
    workspace.otherBackups.clear();
    if (!result.pitrBackupConninfo.isEmpty())
        workspace.otherBackups.append({ DemoPitr::profileName(), result.pitrBackupConninfo });
    workspace.logs = DemoLogWriter::sources();
    workspace.save(workspacePath(), SafeFileWriter::Existing::Replace); // the demo's own, rewritten every run
    return result;
}

void DemoRunner::stop()
{
    PgCluster cluster(m_dir);
    cluster.stop();
    DemoPitr(cluster, m_dir).removeRecovered();
}

} // namespace salvage
