#include "db/connection.h"
#include "graph/graphlayout.h"
#include "graphgeometry.h"
#include "graphview.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "testcluster.h"

#include <QComboBox>
#include <QGraphicsView>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

namespace {

/// The incident's star (docs/demo.md): twenty victims' rows moved onto one account, and lost
/// edges from groups still in LIVE converging on it; laid out.
RelationGraph incidentStar()
{
    const auto node = [](const QString &id, const QString &label, bool group, Presence presence) {
        GraphNode n;
        n.id = id;
        n.table = id.section(QLatin1Char(':'), 0, 0);
        n.key = { id.section(QLatin1Char(':'), 1) };
        n.label = label;
        n.group = group;
        n.presence = presence;
        return n;
    };
    RelationGraph graph;
    graph.root = QStringLiteral("public.accounts:10");
    graph.nodes << node(graph.root, QStringLiteral("hana10"), false, Presence::Both);
    for (int i = 0; i < 20; ++i) {
        const QString id = QStringLiteral("public.accounts:%1").arg(100 + i);
        graph.nodes << node(id, QStringLiteral("victim%1").arg(i), false, Presence::OnlyBackup);
        graph.edges << GraphEdge(
            id, graph.root, QStringLiteral("statuses.account_id"), 20 + i, -1, -1, Presence::Moved);
    }
    const QStringList vias { QStringLiteral("follows.target_account_id→account_id"),
        QStringLiteral("media_attachments.account_id→status_id"), QStringLiteral("statuses.in_reply_to_id→account_id"),
        QStringLiteral("favourites.account_id→status_id"), QStringLiteral("statuses.account_id→conversation_id"),
        QStringLiteral("follows.account_id→target_account_id"), QStringLiteral("mentions.account_id→status_id"),
        QStringLiteral("bookmarks.account_id→status_id"), QStringLiteral("blocks.account_id→target_account_id"),
        QStringLiteral("lists.account_id→list_id"), QStringLiteral("mutes.account_id→target_account_id") };
    for (int i = 0; i < vias.size(); ++i) {
        const QString id = QStringLiteral("public.statuses:group%1").arg(i);
        graph.nodes << node(id, QStringLiteral("%1 rows, still in LIVE").arg(4 + i), true, Presence::Both);
        graph.edges << GraphEdge(id, graph.root, vias.at(i), 1 + i % 3, -1, -1, Presence::OnlyBackup);
    }
    GraphLayout::layout(graph);
    return graph;
}

} // namespace

class TestGraphView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // No label covers a node or another label; those with no room are counted (shown on hover),
    // and every move keeps its label.
    void edgeLabelsNeverOverlap()
    {
        const RelationGraph graph = incidentStar();
        const QFont font;
        QFont small = font;
        small.setPointSizeF(font.pointSizeF() * 0.85);
        const GraphGeometry geometry = GraphGeometry::compute(graph, font, small);
        QCOMPARE(geometry.edges.size(), graph.edges.size());
        QList<QRectF> labels;
        for (qsizetype i = 0; i < geometry.edges.size(); ++i) {
            const GraphGeometry::Edge &edge = geometry.edges.at(i);
            QVERIFY(!edge.path.isEmpty());
            if (graph.edges.at(i).presence == Presence::Moved)
                QVERIFY2(edge.labelBox, qPrintable(edge.label));
            if (!edge.labelBox)
                continue;
            for (const QRectF &box : std::as_const(geometry.boxes))
                QVERIFY2(!box.intersects(*edge.labelBox), qPrintable(edge.label));
            for (const QRectF &other : std::as_const(labels))
                QVERIFY2(!other.intersects(*edge.labelBox), qPrintable(edge.label));
            labels << *edge.labelBox;
        }
        QCOMPARE(labels.size() + geometry.hiddenLabels, int(graph.edges.size()));
        QVERIFY(labels.size() > 20); // some lost edges keep their labels too
    }

    // Graphviz made room for boxes in its own font and points; the view draws them in its font's
    // pixels. At any font size no box may cover another (the "N rows, still in LIVE" groups did).
    void nodeBoxesNeverOverlap_data()
    {
        QTest::addColumn<qreal>("pointSize");
        QTest::newRow("small") << 7.0;
        QTest::newRow("default") << QFont().pointSizeF();
        QTest::newRow("large") << 22.0;
    }
    void nodeBoxesNeverOverlap()
    {
        QFETCH(qreal, pointSize);
        const RelationGraph graph = incidentStar();
        QFont font;
        font.setPointSizeF(pointSize);
        const GraphGeometry geometry = GraphGeometry::compute(graph, font, font);
        QCOMPARE(geometry.boxes.size(), graph.nodes.size());
        const QList<QString> ids = geometry.boxes.keys();
        for (qsizetype a = 0; a < ids.size(); ++a)
            for (qsizetype b = a + 1; b < ids.size(); ++b)
                QVERIFY2(!geometry.boxes.value(ids.at(a)).intersects(geometry.boxes.value(ids.at(b))),
                    qPrintable(ids.at(a) + QStringLiteral(" covers ") + ids.at(b)));
    }

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

    void opensOnTheIncidentAndFoldsALargeFan()
    {
        // Account 1 followed 30 accounts and had 40 statuses in BACKUP; LIVE lost it (the cascade took
        // its rows) and re-pointed account 50's statuses at account 2.
        const QString ddl = QStringLiteral(
            "CREATE TABLE accounts (id bigint PRIMARY KEY, username text UNIQUE);"
            "CREATE TABLE follows (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts ON DELETE CASCADE,"
            "  target_account_id bigint REFERENCES accounts ON DELETE CASCADE);"
            "CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts ON DELETE CASCADE);"
            "INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 60) g;"
            "INSERT INTO follows SELECT g, 1, g + 1 FROM generate_series(1, 30) g;"
            "INSERT INTO statuses SELECT g, 1 FROM generate_series(1, 40) g;"
            "INSERT INTO follows VALUES (99, 40, 2);"
            "INSERT INTO statuses SELECT 100 + g, 50 FROM generate_series(1, 5) g;");
        TestCluster::instance().createDatabase(QStringLiteral("tst_graphview_fan_backup"));
        TestCluster::instance().createDatabase(QStringLiteral("tst_graphview_fan_live"));
        TestCluster::instance().execute(QStringLiteral("tst_graphview_fan_backup"), ddl);
        TestCluster::instance().execute(QStringLiteral("tst_graphview_fan_live"),
            ddl + QStringLiteral("DELETE FROM accounts WHERE id = 1; UPDATE statuses SET account_id = 2;"));
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        live.open({ QString(), TestCluster::instance().conninfo(QStringLiteral("tst_graphview_fan_live")) });
        backup.open({ QString(), TestCluster::instance().conninfo(QStringLiteral("tst_graphview_fan_backup")) });
        QTRY_COMPARE_WITH_TIMEOUT(live.state(), Connection::State::Open, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(backup.state(), Connection::State::Open, 10000);

        JobRegistry jobs;
        GraphView view(&live, &backup, &jobs);
        view.resize(1000, 700);
        view.show();
        QCOMPARE(view.scope(), GraphView::Scope::Incident);
        QSignalSpy ready(&view, &GraphView::graphReady);

        // The victim: every edge lost. The accounts it followed still exist: one node says how many.
        view.showRoot(QStringLiteral("accounts:1"));
        QVERIFY(ready.wait(15000));
        const RelationGraph &victim = view.graph();
        const GraphNode *stillThere = nullptr;
        for (const GraphEdge &edge : victim.edges) {
            QCOMPARE(edge.presence, Presence::OnlyBackup);
            const GraphNode *to = victim.node(edge.to);
            if (!edge.via.startsWith(QLatin1String("follows")))
                continue;
            QVERIFY2(to->group, qPrintable(to->id)); // no single followed account is drawn
            if (to->label == QLatin1String("25 rows, still in LIVE"))
                stillThere = to;
        }
        QVERIFY(stillThere);
        QVERIFY2(victim.nodes.size() <= 6, qPrintable(QString::number(victim.nodes.size())));

        // Everything around the victim: 30 followed accounts are 12 rows and one "13 more" node.
        view.setScope(GraphView::Scope::Everything);
        view.draw();
        QVERIFY(ready.wait(15000));
        int followed = 0;
        const GraphNode *more = nullptr;
        for (const GraphEdge &edge : view.graph().edges) {
            const GraphNode *to = view.graph().node(edge.to);
            if (!edge.via.startsWith(QLatin1String("follows")))
                continue;
            if (to->group && to->label == QLatin1String("13 more"))
                more = to;
            else if (!to->group)
                ++followed;
        }
        QCOMPARE(followed, GraphView::kPerRelation);
        QVERIFY(more);
        QVERIFY2(view.statusText().contains(QStringLiteral("13 rows folded")), qPrintable(view.statusText()));
        view.setScope(GraphView::Scope::Incident);

        // The merge target: the incident view keeps the move and drops the unchanged follows.
        view.showRoot(QStringLiteral("accounts:2"));
        QVERIFY(ready.wait(15000));
        bool moved = false;
        for (const GraphEdge &edge : view.graph().edges) {
            QVERIFY2(edge.presence == Presence::Moved || edge.presence == Presence::OnlyBackup, qPrintable(edge.via));
            moved = moved || (edge.presence == Presence::Moved && edge.from == QLatin1String("public.accounts:50"));
        }
        QVERIFY(moved);
        QCOMPARE(view.graph().node(QStringLiteral("public.accounts:50"))->label, QStringLiteral("user50"));

        // Everything: the unchanged edges come back.
        view.setScope(GraphView::Scope::Everything);
        view.draw();
        QVERIFY(ready.wait(15000));
        bool unchanged = false;
        for (const GraphEdge &edge : view.graph().edges)
            unchanged = unchanged || edge.presence == Presence::Both;
        QVERIFY(unchanged);
    }

    void aDrawWaitingForAThreadSaysWhyAndCancelsAtOnce()
    {
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        live.open({ QString(), TestCluster::instance().conninfo(QStringLiteral("tst_graphview_fan_live")) });
        QTRY_COMPARE_WITH_TIMEOUT(live.state(), Connection::State::Open, 10000);
        JobRegistry jobs;
        // Every thread of the background pool busy with a job that waits for the test.
        QSemaphore release;
        const int threads = BackgroundJob::pool()->maxThreadCount();
        for (int i = 0; i < threads; ++i) {
            BackgroundJob::start<int>(
                &jobs, QStringLiteral("blocker %1").arg(i), QStringLiteral("test"),
                [&release](JobControl &) {
                    release.acquire();
                    return 0;
                },
                this, [](int) {});
        }
        for (int row = 0; row < threads; ++row)
            QTRY_COMPARE_WITH_TIMEOUT(
                jobs.index(row, JobRegistry::StateColumn).data().toString(), QStringLiteral("running"), 5000);

        GraphView view(&live, &backup, &jobs);
        view.showRoot(QStringLiteral("accounts:2"));
        // The newest job is the first row: queued, and it says what it waits for.
        const QString state = jobs.index(0, JobRegistry::StateColumn).data().toString();
        QVERIFY2(
            state.contains(QStringLiteral("waiting for a free thread")) && state.contains(QStringLiteral("blocker")),
            qPrintable(state));
        QVERIFY(jobs.index(0, 0).data(JobRegistry::CancellableRole).toBool());
        jobs.cancel(0);
        QCOMPARE(jobs.index(0, JobRegistry::StateColumn).data().toString(), QStringLiteral("cancelled"));
        QCOMPARE(view.statusText(), QStringLiteral("Cancelled."));

        release.release(threads);
        QTRY_COMPARE_WITH_TIMEOUT(jobs.runningCount(), 0, 5000);
        // Its turn came and went: the cancelled draw never ran nor reported again.
        QTest::qWait(200);
        QCOMPARE(view.statusText(), QStringLiteral("Cancelled."));

        // A draw running reports its stage, not "queued".
        QSignalSpy ready(&view, &GraphView::graphReady);
        view.showRoot(QStringLiteral("accounts:2"));
        QVERIFY(ready.wait(15000));
        QVERIFY(jobs.index(0, JobRegistry::StateColumn).data().toString().startsWith(QStringLiteral("done")));
    }
};

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
