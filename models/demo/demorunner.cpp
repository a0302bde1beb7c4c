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
#include "demo/demorecreation.h"
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

QJsonObject record(const DemoParameters &parameters)
{
    QJsonObject object = parameters.toJson();
    object.insert(QStringLiteral("generator"), kGeneratorVersion);
    return object;
}

} // namespace

void DemoRunner::build(PgCluster &cluster, const QString &backupDatabase, const QString &liveDatabase,
    const QString &logsDir, const DemoParameters &parameters, const Progress &progress)
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
    step("the merge incident");
    DemoIncident(sql, parameters).apply();
    step("recreated accounts");
    DemoRecreation(sql, parameters).apply();
    sql.script(QStringLiteral("statistics"), QStringLiteral("ANALYZE"));
    step("logs");
    QDir(logsDir).removeRecursively();
    DemoLogWriter(sql, logsDir).write();
}

bool DemoRunner::upToDate(PgCluster &cluster, const DemoParameters &parameters) const
{
    QFile file(recordPath());
    if (!file.open(QIODevice::ReadOnly) || QJsonDocument::fromJson(file.readAll()).object() != record(parameters))
        return false;
    for (const LogSource &source : DemoLogWriter::sources()) {
        if (!QFile::exists(Workspace::resolve(workspacePath(), source.path)))
            return false;
    }
    PgSession session(cluster.conninfo(QStringLiteral("postgres")), PgSession::Options {});
    pqxx::nontransaction transaction(session.connection());
    const pqxx::result found = pqxxcompat::execParams(transaction,
        "SELECT count(*) FROM pg_database WHERE datname IN ($1, $2)", kBackup.toStdString(), kLive.toStdString());
    return found[0][0].as<int>() == 2;
}

DemoRunner::Result DemoRunner::run(const DemoParameters &parameters)
{
    if (parameters.scale < 1)
        throw Error(QStringLiteral("The demo's scale must be 1 or more."));
    if (!QDir().mkpath(m_dir))
        throw Error(QStringLiteral("Cannot create the directory %1.").arg(m_dir));
    PgCluster cluster(m_dir);
    cluster.start();

    Result result;
    if (!upToDate(cluster, parameters)) {
        QFile::remove(recordPath());
        build(cluster, kBackup, kLive, m_dir + QStringLiteral("/logs"), parameters, m_progress);
        SafeFileWriter::save(recordPath(), QJsonDocument(record(parameters)).toJson(QJsonDocument::Indented));
        result.rebuilt = true;
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
    workspace.logs = DemoLogWriter::sources();
    workspace.save(workspacePath(), SafeFileWriter::Existing::Replace); // the demo's own, rewritten every run
    return result;
}

void DemoRunner::stop()
{
    PgCluster(m_dir).stop();
}

} // namespace salvage
