// The diff's sessions: lanes comparing tables side by side inside one snapshot, and the
// compiled first pass's settings.
#include "diffcopy.h"

#include "diff/diffformat.h"
#include "diff/difflanes.h"
#include "diff/diffresult.h"

#include <QJsonDocument>
#include <QTest>

using namespace salvage;
using namespace salvage::test;

class TestDiffLanes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Every lane reads the first pair's snapshots: a row committed on live after the lanes were
    // opened is seen by none of them.
    void lanesShareOneSnapshot()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_difflanes_lanes_b"), l = QStringLiteral("tst_difflanes_lanes_l");
        cluster.createDatabase(b);
        cluster.execute(
            b, QStringLiteral("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)"));
        copyDatabase(b, l);
        PgSession backup(cluster.conninfo(b), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        PgSession live(cluster.conninfo(l), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        JobControl control;
        SidePair sides(backup, live, control);
        DiffLanes lanes(sides, backup, live, control, 3);
        QCOMPARE(lanes.size(), 3);
        cluster.execute(l, QStringLiteral("INSERT INTO t SELECT generate_series(101, 105)"));
        PgSession now(cluster.conninfo(l), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        QCOMPARE(now.exec(QStringLiteral("SELECT count(*) FROM t"))[0][0].as<int>(), 105);
        for (int i = 0; i < lanes.size(); ++i) {
            int rows = 0;
            lanes.lane(i).one(DiffSide::Live, [&rows](DiffSide &side) {
                rows = pqxxcompat::execOneRow(side.txn(), "SELECT count(*) FROM t")[0].as<int>();
            });
            QCOMPARE(rows, 100);
        }
    }

    // A large table's first pass runs JIT-compiled in one backend; the settings are put back after.
    void compiledPassRestoresTheSettings()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_difflanes_jit_b");
        cluster.createDatabase(b);
        PgSession backup(cluster.conninfo(b), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        PgSession live(cluster.conninfo(b), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        JobControl control;
        SidePair sides(backup, live, control);
        const auto settings = [](DiffSide &side) {
            const pqxx::row row = pqxxcompat::execOneRow(side.txn(),
                "SELECT current_setting('jit') || ' ' || current_setting('max_parallel_workers_per_gather')");
            return QString::fromUtf8(row[0].c_str());
        };
        QString before, during, after;
        sides.one(DiffSide::Backup, [&](DiffSide &side) {
            before = settings(side);
            side.compiled(backup.connection().server_version(), [&] { during = settings(side); });
            after = settings(side);
        });
        QVERIFY(before.startsWith(QStringLiteral("off "))); // SidePair turns it off for every other query
        QCOMPARE(during, QStringLiteral("on 0"));
        QCOMPARE(after, before);
    }

    // Tables compared side by side give the very diff one lane gives (taken in the tables' order).
    void lanesGiveTheSameDiff()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_difflanes_lanesame_b"), l = QStringLiteral("tst_difflanes_lanesame_l");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral(
                "CREATE TABLE parent (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);"
                "INSERT INTO parent SELECT g, '2024-01-01'::timestamptz + g * interval '1 minute' "
                "FROM generate_series(1, 3000) g;"
                "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent, v int);"
                "INSERT INTO child SELECT g, 1 + g % 3000, g FROM generate_series(1, 20000) g;"
                "CREATE TABLE link (a int, b int); INSERT INTO link SELECT g, g FROM generate_series(1, 500) g;"
                "CREATE TABLE small (k text PRIMARY KEY, v text); INSERT INTO small VALUES ('a', 'x'), ('b', 'y');"
                "ANALYZE"));
        copyDatabase(b, l);
        cluster.execute(l,
            QStringLiteral("INSERT INTO parent SELECT g, '2024-03-01'::timestamptz + g * interval '1 minute' "
                           "FROM generate_series(3001, 3100) g;"
                           "UPDATE child SET parent_id = 7 WHERE id % 97 = 0; DELETE FROM child WHERE id % 501 = 0;"
                           "INSERT INTO child SELECT g, 3050, g FROM generate_series(20001, 20300) g;"
                           "DELETE FROM link WHERE a < 5; INSERT INTO link VALUES (1000, 1000);"
                           "UPDATE small SET v = 'z' WHERE k = 'b'"));
        QByteArray json[2];
        for (const int lanes : { 1, 4 }) {
            qputenv("SALVAGE_DIFF_LANES", QByteArray::number(lanes));
            const DiffResult result = runDiff(b, l);
            json[lanes == 1 ? 0 : 1]
                = QJsonDocument(diffToJson(result, true)).toJson() + diffToText(result, true).toUtf8();
        }
        qunsetenv("SALVAGE_DIFF_LANES");
        QVERIFY(json[0].contains("\"only_in_live\": 300"));
        QCOMPARE(json[1], json[0]);
    }
};

QTEST_GUILESS_MAIN(TestDiffLanes)
#include "tst_difflanes.moc"
