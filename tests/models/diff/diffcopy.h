#pragma once

#include "testcluster.h"

#include "db/pgsession.h"
#include "db/sqlident.h"
#include "diff/diffrunner.h"
#include "jobs/jobcontrol.h"

#include <QString>

namespace salvage::test {

/// A database and a copy of it made with CREATE DATABASE … TEMPLATE, the diff tests' backup/live pair.
inline QString copyDatabase(const QString &from, const QString &to)
{
    PgSession admin(TestCluster::instance().conninfo(QStringLiteral("postgres")),
        PgSession::Options::writable(QStringLiteral("admin")));
    admin.exec(QStringLiteral("DROP DATABASE IF EXISTS ") + sql::quoteIdent(to));
    admin.exec(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2").arg(sql::quoteIdent(to), sql::quoteIdent(from)));
    return TestCluster::instance().conninfo(to);
}

/// `name`_b made with `create`, and `name`_l a copy of it then changed by `change`; returns `name`.
inline QString createPair(const QString &name, const QString &create, const QString &change)
{
    auto &cluster = TestCluster::instance();
    cluster.createDatabase(name + QStringLiteral("_b"));
    cluster.execute(name + QStringLiteral("_b"), create);
    copyDatabase(name + QStringLiteral("_b"), name + QStringLiteral("_l"));
    cluster.execute(name + QStringLiteral("_l"), change);
    return name;
}

inline DiffResult runDiff(const QString &backupDb, const QString &liveDb, const QStringList &tables = {},
    RowRetention retention = RowRetention::Whole)
{
    PgSession backup(
        TestCluster::instance().conninfo(backupDb), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
    PgSession live(TestCluster::instance().conninfo(liveDb), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
    JobControl control;
    return DiffRunner::run(backup, live, control, tables, {}, retention);
}

/// The diff of a pair made by createPair().
inline DiffResult runPair(const QString &name, RowRetention retention = RowRetention::Whole)
{
    return runDiff(name + QStringLiteral("_b"), name + QStringLiteral("_l"), {}, retention);
}

inline const TableDiff *findTable(const DiffResult &result, const QString &name)
{
    for (const TableDiff &table : result.tables) {
        if (table.table == name)
            return &table;
    }
    return nullptr;
}

} // namespace salvage::test
