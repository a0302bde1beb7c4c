#include "testcluster.h"

#include "core/error.h"
#include "db/pgsession.h"

#include <QDir>
#include <pqxx/transaction>

namespace salvage::test {

TestCluster &TestCluster::instance()
{
    static TestCluster cluster;
    return cluster;
}

TestCluster::TestCluster()
{
    const QString shared = qEnvironmentVariable("SALVAGE_TEST_CLUSTER_DIR");
    if (!shared.isEmpty() && QDir(shared).exists()) {
        m_cluster = std::make_unique<PgCluster>(shared);
        if (!m_cluster->isRunning())
            m_cluster->start();
        return;
    }
    m_privateDir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/salvage-test-XXXXXX"));
    m_cluster = std::make_unique<PgCluster>(m_privateDir->path());
    m_cluster->start();
}

TestCluster::~TestCluster()
{
    if (m_privateDir) {
        try {
            m_cluster->destroy();
        } catch (...) {
        }
    }
}

QString TestCluster::conninfo(const QString &database) const
{
    return m_cluster->conninfo(database);
}

QString TestCluster::createDatabase(const QString &database)
{
    m_cluster->createDatabase(database, true);
    return conninfo(database);
}

void TestCluster::execute(const QString &database, const QString &sql)
{
    PgSession session(conninfo(database), PgSession::Options { false, QStringLiteral("test"), 15 });
    pqxx::work transaction(session.connection());
    transaction.exec(sql.toStdString());
    transaction.commit();
}

} // namespace salvage::test
