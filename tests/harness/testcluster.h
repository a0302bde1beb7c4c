#pragma once

#include "db/pgcluster.h"

#include <QString>
#include <QTemporaryDir>
#include <memory>

namespace salvage::test {

/// The real PostgreSQL server under the tests. Attaches to the run-wide cluster that the ctest
/// fixture started (SALVAGE_TEST_CLUSTER_DIR), or starts a private one that is stopped and
/// removed when the test binary exits.
class TestCluster
{
public:
    static TestCluster &instance();
    ~TestCluster();

    /// Drops and creates `database`; returns its conninfo.
    QString createDatabase(const QString &database);
    QString conninfo(const QString &database) const;
    /// Runs `sql` (several statements allowed) in one transaction on `database`; QFAIL-style
    /// callers get an exception with the server's message.
    void execute(const QString &database, const QString &sql);
    PgCluster &cluster() { return *m_cluster; }

private:
    TestCluster();
    std::unique_ptr<QTemporaryDir> m_privateDir;
    std::unique_ptr<PgCluster> m_cluster;
};

} // namespace salvage::test
