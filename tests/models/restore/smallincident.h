#pragma once

#include "db/pgsession.h"
#include "livesnapshot.h"
#include "restore/restoreplanner.h"
#include "restore/restoreverifier.h"
#include "testcluster.h"

#include <QFile>

namespace salvage::test {

/// A script's bytes (an undo script the run wrote, say); empty when it cannot be read.
inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// A pair of scratch databases for a small incident: BACKUP holds `schema`, LIVE holds `schema`
/// and then `incident`.
class SmallIncident
{
public:
    void build(const QString &name, const char *schema, const char *incident)
    {
        TestCluster &cluster = TestCluster::instance();
        m_backup = cluster.createDatabase(name + QStringLiteral("_backup"));
        m_live = cluster.createDatabase(name + QStringLiteral("_live"));
        cluster.execute(name + QStringLiteral("_backup"), QString::fromUtf8(schema));
        cluster.execute(name + QStringLiteral("_live"), QString::fromUtf8(schema) + QString::fromUtf8(incident));
    }

    RestorePlan plan(const QString &root, const QStringList &restoreDeleted = {}) const
    {
        return plan(request(root, restoreDeleted));
    }

    RestorePlan plan(const RestoreRequest &request) const
    {
        PgSession live(m_live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        PgSession backup(m_backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        return RestorePlanner(live, backup).plan(request);
    }

    /// After a run: what still differs from BACKUP in the closure of `root`, `ran` being the plan that ran.
    Verification verify(const QString &root, const RestorePlan &ran) const
    {
        PgSession live(m_live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        PgSession backup(m_backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        return RestoreVerifier::verify(live, backup, request(root, {}), &ran);
    }

    /// The first value a query returns on LIVE, "" for NULL or no row.
    QString value(const QString &sql) const
    {
        PgSession session(m_live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const auto rows = session.exec(sql);
        return rows.empty() || rows[0][0].is_null() ? QString() : QString::fromStdString(rows[0][0].as<std::string>());
    }

    const QString &live() const { return m_live; }

private:
    static RestoreRequest request(const QString &root, const QStringList &restoreDeleted)
    {
        RestoreRequest request;
        request.roots << RootSelection::parse(root);
        request.restoreDeleted = restoreDeleted;
        return request;
    }

    QString m_live;
    QString m_backup;
};

} // namespace salvage::test
