#include "core/error.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "graph/graphbuilder.h"
#include "graph/graphlayout.h"
#include "graph/graphoverlay.h"
#include "testcluster.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

namespace {
const char *const kSchema = R"SQL(
CREATE TABLE "Accounts" (id bigint PRIMARY KEY, username text NOT NULL UNIQUE, note text);
CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES "Accounts" ON DELETE CASCADE,
                       in_reply_to_id bigint REFERENCES statuses ON DELETE SET NULL, text text);
CREATE TABLE follows (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES "Accounts" ON DELETE CASCADE,
                      target_account_id bigint NOT NULL REFERENCES "Accounts" ON DELETE CASCADE, UNIQUE (account_id, target_account_id));
CREATE TABLE settings (account_id bigint PRIMARY KEY REFERENCES "Accounts" ON DELETE CASCADE, theme text);
CREATE TABLE pins (account_id bigint NOT NULL REFERENCES "Accounts" ON DELETE CASCADE, status_id bigint, pinned_on date,
                   PRIMARY KEY (status_id, pinned_on)); -- a composite key of two types
)SQL";

// Backup: three local accounts and a remote one; alice's statuses and follows are hers.
const char *const kBackupData = R"SQL(
INSERT INTO "Accounts" VALUES (1, 'alice', NULL), (2, 'bob', 'it''s "bob"'), (3, 'carol', NULL), (900, 'remote@example.org', NULL);
INSERT INTO statuses SELECT g, 1, NULL, 'alice ' || g FROM generate_series(1, 12) g;
INSERT INTO statuses SELECT 100 + g, 2, NULL, 'bob ' || g FROM generate_series(1, 5) g;
INSERT INTO follows VALUES (1, 1, 2), (2, 1, 3), (3, 2, 1), (4, 3, 1);
INSERT INTO settings VALUES (1, 'dark'), (2, 'light');
INSERT INTO pins VALUES (1, 3, '2025-01-01'), (1, 4, '2025-01-02'), (2, 101, '2025-01-01');
)SQL";

// Live: a merge re-pointed alice's statuses and follows to the remote account, then deleted alice.
const char *const kIncident = R"SQL(
UPDATE statuses SET account_id = 900 WHERE account_id = 1;
UPDATE follows SET account_id = 900 WHERE account_id = 1;
UPDATE follows SET target_account_id = 900 WHERE target_account_id = 1;
UPDATE pins SET account_id = 900 WHERE account_id = 1;
DELETE FROM "Accounts" WHERE id = 1;
INSERT INTO "Accounts" VALUES (5, 'dave', NULL);
INSERT INTO follows VALUES (9, 5, 900);
)SQL";
} // namespace

class TestGraph : public QObject
{
    Q_OBJECT
private:
    QString m_backup;
    QString m_live;

private Q_SLOTS:
    void initTestCase()
    {
        m_backup = TestCluster::instance().createDatabase(QStringLiteral("tst_graph_backup"));
        TestCluster::instance().execute(
            QStringLiteral("tst_graph_backup"), QString::fromUtf8(kSchema) + QString::fromUtf8(kBackupData));
        m_live = TestCluster::instance().createDatabase(QStringLiteral("tst_graph_live"));
        TestCluster::instance().execute(QStringLiteral("tst_graph_live"),
            QString::fromUtf8(kSchema) + QString::fromUtf8(kBackupData) + QString::fromUtf8(kIncident));
    }

    void parsesRoots()
    {
        QCOMPARE(GraphBuilder::parseRoot(QStringLiteral("accounts:12")),
            (std::pair { QStringLiteral("accounts"), QStringList { QStringLiteral("12") } }));
        QCOMPARE(GraphBuilder::parseRoot(QStringLiteral("s.t:a,b")).second,
            (QStringList { QStringLiteral("a"), QStringLiteral("b") }));
        QVERIFY_THROWS_EXCEPTION(Error, GraphBuilder::parseRoot(QStringLiteral("accounts")));
    }

    void oneSide()
    {
        PgSession session(m_backup, PgSession::Options {});
        const Schema schema = SchemaReader::read(session);
        const RelationGraph graph
            = GraphBuilder(session, schema, {}).build(QStringLiteral("Accounts"), { QStringLiteral("1") });
        QCOMPARE(graph.root, QStringLiteral("public.Accounts:1"));
        QCOMPARE(graph.node(graph.root)->label, QStringLiteral("alice")); // the unique text column names the row
        // What the row may be called in a log line: its id with its table, its id and its text, not
        // a NULL note.
        QCOMPARE(graph.node(graph.root)->values,
            (QStringList { QStringLiteral("Accounts:1"), QStringLiteral("1"), QStringLiteral("alice") }));
        QCOMPARE(graph.node(QStringLiteral("public.Accounts:2"))->values,
            (QStringList { QStringLiteral("Accounts:2"), QStringLiteral("2"), QStringLiteral("bob"),
                QStringLiteral("it's \"bob\"") }));
        // statuses: a group of 12; settings: a group of 1; follows is a link table: bob and carol, both ways.
        const GraphNode *statuses = graph.node(QStringLiteral("public.statuses:account_id=1"));
        QVERIFY(statuses && statuses->group);
        QCOMPARE(statuses->rows, 12);
        QVERIFY(graph.node(QStringLiteral("public.settings:account_id=1")));
        QVERIFY(graph.node(QStringLiteral("public.Accounts:2")));
        QVERIFY(graph.node(QStringLiteral("public.Accounts:3")));
        int followEdges = 0;
        for (const GraphEdge &edge : graph.edges)
            followEdges += edge.via.startsWith(QStringLiteral("follows.")) ? 1 : 0;
        QCOMPARE(followEdges, 4); // alice→bob, alice→carol as follower; bob, carol as followers
        QVERIFY(graph.toDot().contains(QStringLiteral("\"public.Accounts:1\"")));

        const RelationGraph missing
            = GraphBuilder(session, schema, {}).build(QStringLiteral("Accounts"), { QStringLiteral("77") });
        QVERIFY(missing.nodes.isEmpty());
        QVERIFY_THROWS_EXCEPTION(
            Error, GraphBuilder(session, schema, {}).build(QStringLiteral("nope"), { QStringLiteral("1") }));
    }

    void overlayShowsLostNewAndMoved()
    {
        PgSession backup(m_backup, PgSession::Options {});
        PgSession live(m_live, PgSession::Options {});
        const Schema schema = SchemaReader::read(live);
        const QStringList root { QStringLiteral("900") };
        RelationGraph graph
            = GraphOverlay::merge(GraphBuilder(backup, schema, {}).build(QStringLiteral("Accounts"), root),
                GraphBuilder(live, schema, {}).build(QStringLiteral("Accounts"), root));
        GraphOverlay::addMoves(graph, backup, live, schema, QStringLiteral("Accounts"), root, 100);

        // The twelve statuses moved from alice, who is gone from LIVE.
        const GraphNode *alice = graph.node(QStringLiteral("public.Accounts:1"));
        QVERIFY(alice);
        QCOMPARE(alice->presence, Presence::OnlyBackup);
        QCOMPARE(alice->values,
            (QStringList {
                QStringLiteral("Accounts:1"), QStringLiteral("1"), QStringLiteral("alice") })); // read from BACKUP
        QCOMPARE(graph.node(QStringLiteral("public.Accounts:5"))->presence, Presence::OnlyLive);
        // One edge from alice to the remote account sums everything that moved.
        QList<GraphEdge> moved;
        for (const GraphEdge &edge : graph.edges) {
            if (edge.presence == Presence::Moved)
                moved << edge;
        }
        QCOMPARE(moved.size(), 1);
        QCOMPARE(moved.first().from, QStringLiteral("public.Accounts:1"));
        QCOMPARE(moved.first().to, graph.root);
        QCOMPARE(moved.first().count, 18); // 12 statuses, 2 follows as follower, 2 as followed, 2 pins
        QVERIFY2(moved.first().via.contains(QStringLiteral("statuses.account_id ×12")), qPrintable(moved.first().via));
        QVERIFY(moved.first().via.contains(QStringLiteral("follows.account_id ×2")));
        QVERIFY(moved.first().via.contains(QStringLiteral("follows.target_account_id ×2")));
        QVERIFY(moved.first().via.contains(QStringLiteral("pins.account_id ×2"))); // composite key
        // The group of statuses pointing at the remote account is new in LIVE.
        const GraphNode *group = graph.node(QStringLiteral("public.statuses:account_id=900"));
        QVERIFY(group);
        QCOMPARE(group->presence, Presence::OnlyLive);
        QCOMPARE(group->rows, 12);

        const QJsonObject json = graph.toJson();
        QCOMPARE(json.value(QStringLiteral("root")).toString(), graph.root);
        QVERIFY(json.value(QStringLiteral("edges")).toArray().size() == graph.edges.size());

        GraphLayout::layout(graph);
        QVERIFY(graph.node(QStringLiteral("public.Accounts:1"))->position != graph.node(graph.root)->position);
        if (GraphLayout::hasGraphviz())
            QVERIFY(GraphLayout::renderSvg(graph).contains("<svg"));
    }

    void cli()
    {
        QProcess process;
        process.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("graph"), QStringLiteral("--db"), m_live, QStringLiteral("--compare"), m_backup,
                QStringLiteral("--root"), QStringLiteral("Accounts:1") });
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonObject json = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        // Alice only exists in BACKUP; her statuses now belong to the remote account.
        bool movedAway = false;
        for (const QJsonValue &edge : json.value(QStringLiteral("edges")).toArray()) {
            const QJsonObject object = edge.toObject();
            movedAway = movedAway
                || (object.value(QStringLiteral("state")).toString() == QLatin1String("moved")
                    && object.value(QStringLiteral("to")).toString() == QLatin1String("public.Accounts:900")
                    && object.value(QStringLiteral("rows")).toInt() == 18);
        }
        QVERIFY(movedAway);

        QProcess bad;
        bad.start(QStringLiteral(SALVAGE_CLI),
            { QStringLiteral("graph"), QStringLiteral("--db"), m_live, QStringLiteral("--root"),
                QStringLiteral("Accounts:1") });
        QVERIFY(bad.waitForFinished(30000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("no row"));
    }
};

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
