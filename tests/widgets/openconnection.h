#pragma once

// Opens a Connection on a database of the test cluster and waits until it is open.
#include "db/connection.h"
#include "testcluster.h"

#include <QTest>

namespace salvage::test {

inline void openConnection(Connection &connection, const QString &database)
{
    connection.open(ConnectionProfile { database, TestCluster::instance().conninfo(database) });
    QTRY_COMPARE_WITH_TIMEOUT(connection.state(), Connection::State::Open, 15000);
}

} // namespace salvage::test
