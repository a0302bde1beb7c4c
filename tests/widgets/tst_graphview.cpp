#include "db/connection.h"
#include "graphview.h"
#include "jobs/jobregistry.h"
#include "testcluster.h"

#include <QGraphicsView>
#include <QSignalSpy>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

class TestGraphView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void drawsTheOverlayOffTheGuiThread()
    {
        const QString ddl
            = QStringLiteral("CREATE TABLE accounts (id bigint PRIMARY KEY, username text UNIQUE);"
                             "CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts);"
                             "INSERT INTO accounts VALUES (1, 'alice'), (2, 'remote');"
                             "INSERT INTO statuses SELECT g, 1 FROM generate_series(1, 7) g;");
        TestCluster::instance().createDatabase(QStringLiteral("tst_graphview_backup"));
        TestCluster::instance().createDatabase(QStringLiteral("tst_graphview_live"));
        TestCluster::instance().execute(QStringLiteral("tst_graphview_backup"), ddl);
        TestCluster::instance().execute(QStringLiteral("tst_graphview_live"),
            ddl + QStringLiteral("UPDATE statuses SET account_id = 2; DELETE FROM accounts WHERE id = 1;"));
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        live.open({ QString(), TestCluster::instance().conninfo(QStringLiteral("tst_graphview_live")) });
        backup.open({ QString(), TestCluster::instance().conninfo(QStringLiteral("tst_graphview_backup")) });
        QTRY_COMPARE_WITH_TIMEOUT(live.state(), Connection::State::Open, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(backup.state(), Connection::State::Open, 10000);

        JobRegistry jobs;
        GraphView view(&live, &backup, &jobs);
        view.resize(900, 600);
        view.show();
        QSignalSpy ready(&view, &GraphView::graphReady);
        view.showRoot(QStringLiteral("accounts:2"));
        QVERIFY(ready.wait(15000));
        const RelationGraph &graph = view.graph();
        QCOMPARE(graph.node(QStringLiteral("public.accounts:1"))->presence, Presence::OnlyBackup);
        bool moved = false;
        for (const GraphEdge &edge : graph.edges)
            moved = moved || (edge.presence == Presence::Moved && edge.count == 7);
        QVERIFY(moved);
        QVERIFY2(view.statusText().contains(QStringLiteral("1 moved")), qPrintable(view.statusText()));
        QVERIFY(view.findChild<QGraphicsView *>()->scene()->items().size() > 4);

        view.showRoot(QStringLiteral("not a root"));
        QVERIFY(view.statusText().contains(QStringLiteral("TABLE:KEY")));
    }
};

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
