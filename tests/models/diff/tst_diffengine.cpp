#include "diffcopy.h"

#include "core/error.h"
#include "diff/diffformat.h"
#include "diff/diffresult.h"
#include "diff/moveranker.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <QSet>
#include <QTest>
#include <atomic>
#include <thread>

using namespace salvage;
using namespace salvage::test;

class TestDiffEngine : public QObject
{
    Q_OBJECT

    static QSet<QString> keys(const TableDiff &diff, DiffRow::Status status)
    {
        QSet<QString> out;
        for (const DiffRow &row : diff.rows) {
            if (row.status == status)
                out.insert(row.key.join(QLatin1Char('|')));
        }
        return out;
    }

    // A backup made by `create`, a copy of it changed by `change` as live, and their diff.
    static DiffResult diffAfter(const QString &name, const QString &create, const QString &change)
    {
        auto &cluster = TestCluster::instance();
        const QString backup = name + QStringLiteral("_b");
        const QString live = name + QStringLiteral("_l");
        cluster.createDatabase(backup);
        cluster.execute(backup, create);
        copyDatabase(backup, live);
        cluster.execute(live, change);
        return runDiff(backup, live);
    }

private Q_SLOTS:
    void keyTypes_data()
    {
        QTest::addColumn<QString>("create");
        QTest::addColumn<QString>("change");
        QTest::addColumn<QSet<QString>>("lost");
        QTest::addColumn<QSet<QString>>("added");
        QTest::addColumn<QSet<QString>>("changed");
        QTest::newRow("composite")
            << QStringLiteral("CREATE TABLE k (a int, b text, v int, PRIMARY KEY (a, b));"
                              "INSERT INTO k SELECT g %% 5, 'k' || g, g FROM generate_series(1, 3000) g; ANALYZE k")
            << QStringLiteral("DELETE FROM k WHERE a = 1 AND b = 'k11'; UPDATE k SET v = 0 WHERE a = 2 AND b = 'k12';"
                              "INSERT INTO k VALUES (9, 'k11', 1)")
            << QSet<QString> { QStringLiteral("1|k11") } << QSet<QString> { QStringLiteral("9|k11") }
            << QSet<QString> { QStringLiteral("2|k12") };
        // Keys past the largest one in text order ("9999" > "100000") must still be found.
        QTest::newRow("bigint, new keys past the text-order maximum")
            << QStringLiteral("CREATE TABLE k (id bigint PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT g, g FROM generate_series(1, 40000) g; ANALYZE k")
            << QStringLiteral("INSERT INTO k VALUES (100000, 1), (2000000, 2); UPDATE k SET v = 0 WHERE id = 5")
            << QSet<QString> {} << QSet<QString> { QStringLiteral("100000"), QStringLiteral("2000000") }
            << QSet<QString> { QStringLiteral("5") };
        // Even key ranges (integer keys, both sides' bounds): many new rows past the backup's
        // largest key, int4 keys over the type's whole range (computed in bigint), negative
        // smallints, and a dense cluster of keys (the ranges are sampled instead).
        QSet<QString> appended;
        for (int id = 40001; id <= 45000; ++id)
            appended.insert(QString::number(id));
        QTest::newRow("bigint, thousands of rows past the backup's largest key")
            << QStringLiteral("CREATE TABLE k (id bigint PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT g, g FROM generate_series(1, 40000) g; ANALYZE k")
            << QStringLiteral("INSERT INTO k SELECT g, g FROM generate_series(40001, 45000) g;"
                              "DELETE FROM k WHERE id = 40000; UPDATE k SET v = 0 WHERE id = 1")
            << QSet<QString> { QStringLiteral("40000") } << appended << QSet<QString> { QStringLiteral("1") };
        QTest::newRow("int4 over its whole range")
            << QStringLiteral(
                   "CREATE TABLE k (id int PRIMARY KEY, v int);"
                   "INSERT INTO k SELECT -2147483648 + g::bigint * 107374, g FROM generate_series(0, 40000) g;"
                   "ANALYZE k")
            << QStringLiteral("INSERT INTO k VALUES (2147483647, 1); DELETE FROM k WHERE id = -2147483648;"
                              "UPDATE k SET v = 0 WHERE v = 40000")
            << QSet<QString> { QStringLiteral("-2147483648") } << QSet<QString> { QStringLiteral("2147483647") }
            << QSet<QString> { QStringLiteral("2147476352") };
        QTest::newRow("negative smallint")
            << QStringLiteral("CREATE TABLE k (id smallint PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT g, g FROM generate_series(-32768, 32767) g WHERE g <> 0; ANALYZE k")
            << QStringLiteral("INSERT INTO k VALUES (0, 0); DELETE FROM k WHERE id = -32768;"
                              "UPDATE k SET v = 0 WHERE id = 32767")
            << QSet<QString> { QStringLiteral("-32768") } << QSet<QString> { QStringLiteral("0") }
            << QSet<QString> { QStringLiteral("32767") };
        QTest::newRow("bigint with a dense cluster of keys")
            << QStringLiteral(
                   "CREATE TABLE k (id bigint PRIMARY KEY, v int);"
                   "INSERT INTO k SELECT g, g FROM generate_series(1, 20000) g;"
                   "INSERT INTO k SELECT 1000000000000 + g::bigint * 1000000, g FROM generate_series(1, 20000) g;"
                   "ANALYZE k")
            << QStringLiteral("DELETE FROM k WHERE id = 7; UPDATE k SET v = -1 WHERE id = 1000000000000 + 7 * 1000000;"
                              "INSERT INTO k VALUES (500000000000, 1)")
            << QSet<QString> { QStringLiteral("7") } << QSet<QString> { QStringLiteral("500000000000") }
            << QSet<QString> { QStringLiteral("1000007000000") };
        QTest::newRow("uuid") << QStringLiteral(
            "CREATE TABLE k (id uuid PRIMARY KEY, v int);"
            "INSERT INTO k SELECT md5(g::text)::uuid, g FROM generate_series(1, 5000) g; ANALYZE k")
                              << QStringLiteral("DELETE FROM k WHERE v = 7; UPDATE k SET v = -1 WHERE v = 1;"
                                                "INSERT INTO k VALUES ('00000000-0000-0000-0000-000000000001', 1)")
                              << QSet<QString> { QStringLiteral("8f14e45f-ceea-167a-5a36-dedd4bea2543") }
                              << QSet<QString> { QStringLiteral("00000000-0000-0000-0000-000000000001") }
                              << QSet<QString> { QStringLiteral("c4ca4238-a0b9-2382-0dcc-509a6f75849b") };
        QTest::newRow("text with collation")
            << QStringLiteral("CREATE TABLE k (name text COLLATE \"C\" PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT 'Name ' || g, g FROM generate_series(1, 4000) g; ANALYZE k")
            << QStringLiteral("DELETE FROM k WHERE v = 10; UPDATE k SET v = 0 WHERE v = 3999;"
                              "INSERT INTO k VALUES ('name 10', 10), ('Ünïcode ✓', 1)")
            << QSet<QString> { QStringLiteral("Name 10") }
            << QSet<QString> { QStringLiteral("name 10"), QStringLiteral("Ünïcode ✓") }
            << QSet<QString> { QStringLiteral("Name 3999") };
        // Key types of other applications' schemas: range bounds must sort and compare in the type.
        QTest::newRow("numeric") << QStringLiteral(
            "CREATE TABLE k (id numeric(20,4) PRIMARY KEY, v int);"
            "INSERT INTO k SELECT g / 7.0, g FROM generate_series(-5000, 5000) g; ANALYZE k")
                                 << QStringLiteral("DELETE FROM k WHERE v = -4900; UPDATE k SET v = 0 WHERE v = 4900; "
                                                   "INSERT INTO k VALUES (99999.5, 1)")
                                 << QSet<QString> { QStringLiteral("-700.0000") }
                                 << QSet<QString> { QStringLiteral("99999.5000") }
                                 << QSet<QString> { QStringLiteral("700.0000") };
        QTest::newRow("timestamptz") << QStringLiteral(
            "CREATE TABLE k (at timestamptz PRIMARY KEY, v int);"
            "INSERT INTO k SELECT timestamptz '2025-01-01 00:00:00+00' + g * interval '1 min', g FROM "
            "generate_series(1, 20000) g; ANALYZE k")
                                     << QStringLiteral("DELETE FROM k WHERE v = 1; UPDATE k SET v = 0 WHERE v = 20000; "
                                                       "INSERT INTO k VALUES ('2030-01-01 00:00:00+00', 1)")
                                     << QSet<QString> { QStringLiteral("2025-01-01 00:01:00+00") }
                                     << QSet<QString> { QStringLiteral("2030-01-01 00:00:00+00") }
                                     << QSet<QString> { QStringLiteral("2025-01-14 21:20:00+00") };
        QTest::newRow("inet")
            << QStringLiteral("CREATE TABLE k (ip inet PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT ('10.0.' || (g / 256) || '.' || (g %% 256))::inet, g FROM "
                              "generate_series(0, 20000) g; ANALYZE k")
            << QStringLiteral(
                   "DELETE FROM k WHERE v = 300; UPDATE k SET v = -1 WHERE v = 20000; INSERT INTO k VALUES ('::1', 1)")
            << QSet<QString> { QStringLiteral("10.0.1.44/32") } << QSet<QString> { QStringLiteral("::1/128") }
            << QSet<QString> { QStringLiteral("10.0.78.32/32") };
        QTest::newRow("bytea")
            << QStringLiteral("CREATE TABLE k (b bytea PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT decode(lpad(to_hex(g), 6, '0'), 'hex'), g FROM generate_series(1, "
                              "20000) g; ANALYZE k")
            << QStringLiteral(
                   "DELETE FROM k WHERE v = 255; UPDATE k SET v = 0 WHERE v = 256; INSERT INTO k VALUES ('\\x00', 1)")
            << QSet<QString> { QStringLiteral("\\x0000ff") } << QSet<QString> { QStringLiteral("\\x00") }
            << QSet<QString> { QStringLiteral("\\x000100") };
        QTest::newRow("enum and integer")
            << QStringLiteral("CREATE TYPE color AS ENUM ('red', 'green', 'blue');"
                              "CREATE TABLE k (c color, n int, v int, PRIMARY KEY (c, n));"
                              "INSERT INTO k SELECT (ARRAY['red','green','blue'])[1 + g %% 3]::color, g, g FROM "
                              "generate_series(1, 9000) g; ANALYZE k")
            << QStringLiteral(
                   "DELETE FROM k WHERE n = 3; UPDATE k SET v = 0 WHERE n = 8999; INSERT INTO k VALUES ('blue', 1, 1)")
            << QSet<QString> { QStringLiteral("red|3") } << QSet<QString> { QStringLiteral("blue|1") }
            << QSet<QString> { QStringLiteral("blue|8999") };
        QTest::newRow("boolean and date") << QStringLiteral(
            "CREATE TABLE k (flag boolean, d date, v int, PRIMARY KEY (flag, d));"
            "INSERT INTO k SELECT g %% 2 = 0, date '2000-01-01' + g, g FROM generate_series(1, 20000) g; ANALYZE k")
                                          << QStringLiteral("DELETE FROM k WHERE v = 1; UPDATE k SET v = 0 WHERE v = "
                                                            "2; INSERT INTO k VALUES (true, '1999-01-01', 1)")
                                          << QSet<QString> { QStringLiteral("false|2000-01-02") }
                                          << QSet<QString> { QStringLiteral("true|1999-01-01") }
                                          << QSet<QString> { QStringLiteral("true|2000-01-03") };
        QTest::newRow("float with NaN and -0")
            << QStringLiteral("CREATE TABLE k (f float8 PRIMARY KEY, v int);"
                              "INSERT INTO k SELECT g / 3.0, g FROM generate_series(1, 20000) g;"
                              "INSERT INTO k VALUES ('NaN', 0), ('-Infinity', 0), ('-0', 0); ANALYZE k")
            << QStringLiteral("UPDATE k SET v = 1 WHERE f = 'NaN' OR f = '-0'; DELETE FROM k WHERE f = '-Infinity'; "
                              "INSERT INTO k VALUES ('Infinity', 1)")
            << QSet<QString> { QStringLiteral("-Infinity") } << QSet<QString> { QStringLiteral("Infinity") }
            << QSet<QString> { QStringLiteral("NaN"), QStringLiteral("-0") };
    }

    void keyTypes()
    {
        QFETCH(QString, create);
        QFETCH(QString, change);
        QFETCH(QSet<QString>, lost);
        QFETCH(QSet<QString>, added);
        QFETCH(QSet<QString>, changed);
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_diffengine_keys_b"));
        cluster.execute(
            QStringLiteral("tst_diffengine_keys_b"), create.replace(QStringLiteral("%%"), QStringLiteral("%")));
        copyDatabase(QStringLiteral("tst_diffengine_keys_b"), QStringLiteral("tst_diffengine_keys_l"));
        cluster.execute(QStringLiteral("tst_diffengine_keys_l"), change);
        const DiffResult result
            = runDiff(QStringLiteral("tst_diffengine_keys_b"), QStringLiteral("tst_diffengine_keys_l"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.k"));
        QVERIFY(diff);
        QVERIFY(diff->hasPrimaryKey());
        QCOMPARE(keys(*diff, DiffRow::Status::OnlyInBackup), lost);
        QCOMPARE(keys(*diff, DiffRow::Status::OnlyInLive), added);
        QCOMPARE(keys(*diff, DiffRow::Status::Changed), changed);
    }

    void tableWithoutPrimaryKeyIsAMultiset()
    {
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_diffengine_bag_b"));
        cluster.execute(QStringLiteral("tst_diffengine_bag_b"),
            QStringLiteral("CREATE TABLE bag (a int, b text, j json);"
                           "INSERT INTO bag VALUES (1, 'x', '{}'), (1, 'x', '{}'), (1, 'x', '{}'), (2, NULL, NULL), "
                           "(3, '', '[1]');"
                           "INSERT INTO bag SELECT g, 'filler', NULL FROM generate_series(10, 3000) g"));
        copyDatabase(QStringLiteral("tst_diffengine_bag_b"), QStringLiteral("tst_diffengine_bag_l"));
        cluster.execute(QStringLiteral("tst_diffengine_bag_l"),
            QStringLiteral("DELETE FROM bag WHERE ctid = (SELECT min(ctid) FROM bag WHERE a = 1);"
                           "UPDATE bag SET b = '' WHERE a = 2; INSERT INTO bag VALUES (4, 'new', '{}')"));
        const DiffResult result
            = runDiff(QStringLiteral("tst_diffengine_bag_b"), QStringLiteral("tst_diffengine_bag_l"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.bag"));
        QVERIFY(diff);
        QVERIFY(!diff->hasPrimaryKey());
        QVERIFY(!diff->notes.isEmpty());
        QCOMPARE(diff->onlyInBackup, qint64(2)); // one copy of (1,x) and (2,NULL)
        QCOMPARE(diff->onlyInLive, qint64(2)); // (2,'') and (4,new)
        QCOMPARE(diff->changed, qint64(0));
        QCOMPARE(diff->backupRows, qint64(2996));
        QCOMPARE(diff->liveRows, qint64(2996));
    }

    void partitionedTableIsComparedWhole()
    {
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_diffengine_part_b"));
        cluster.execute(QStringLiteral("tst_diffengine_part_b"),
            QStringLiteral(
                "CREATE TABLE owner (id int PRIMARY KEY); INSERT INTO owner SELECT generate_series(1, 10);"
                "CREATE TABLE ev (id bigint, at date, who int REFERENCES owner, PRIMARY KEY (id, at)) PARTITION BY "
                "RANGE (at);"
                "CREATE TABLE ev_a PARTITION OF ev FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');"
                "CREATE TABLE ev_b PARTITION OF ev FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');"
                "INSERT INTO ev SELECT g, date '2025-01-01' + g % 360, 1 + g % 10 FROM generate_series(1, 2000) g"));
        copyDatabase(QStringLiteral("tst_diffengine_part_b"), QStringLiteral("tst_diffengine_part_l"));
        cluster.execute(QStringLiteral("tst_diffengine_part_l"),
            QStringLiteral("UPDATE ev SET who = 10 WHERE who = 3; DELETE FROM ev WHERE id <= 5; "
                           "INSERT INTO ev VALUES (9000, '2025-12-31', 1)"));
        const DiffResult result
            = runDiff(QStringLiteral("tst_diffengine_part_b"), QStringLiteral("tst_diffengine_part_l"));
        // The partitions are the root's rows: one table, rows from every partition.
        QVERIFY(!findTable(result, QStringLiteral("public.ev_a")));
        const TableDiff *diff = findTable(result, QStringLiteral("public.ev"));
        QVERIFY(diff);
        QCOMPARE(diff->backupRows, qint64(2000));
        QCOMPARE(diff->onlyInBackup, qint64(5));
        QCOMPARE(diff->onlyInLive, qint64(1));
        QCOMPARE(diff->changed, qint64(199)); // g % 10 == 2, but for id 2, deleted
        QCOMPARE(result.moves().size(), 1);
        QCOMPARE(result.moves().first().rows, qint64(199));
    }

    void movesThroughThePrimaryKey()
    {
        // A join table keyed by its two references: moving a row changes its key.
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_diffengine_rekey_b"));
        cluster.execute(QStringLiteral("tst_diffengine_rekey_b"),
            QStringLiteral(
                "CREATE TABLE person (id int PRIMARY KEY); INSERT INTO person SELECT generate_series(1, 10);"
                "CREATE TABLE star (person int REFERENCES person, thing int, at date, PRIMARY KEY (person, thing));"
                "INSERT INTO star SELECT 1 + g % 10, g, date '2025-01-01' + g FROM generate_series(1, 500) g"));
        copyDatabase(QStringLiteral("tst_diffengine_rekey_b"), QStringLiteral("tst_diffengine_rekey_l"));
        cluster.execute(QStringLiteral("tst_diffengine_rekey_l"),
            QStringLiteral("UPDATE star SET person = 9 WHERE person = 2;" // 50 rows re-keyed: 2 → 9
                           "DELETE FROM star WHERE person = 3 AND thing < 100;" // lost, not moved
                           "INSERT INTO star VALUES (4, 1000, '2025-01-01')")); // new, not moved
        const DiffResult result
            = runDiff(QStringLiteral("tst_diffengine_rekey_b"), QStringLiteral("tst_diffengine_rekey_l"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.star"));
        QVERIFY(diff);
        QCOMPARE(diff->onlyInBackup, qint64(60));
        QCOMPARE(diff->onlyInLive, qint64(51));
        QCOMPARE(diff->moves.size(), 1);
        const DiffMove &move = diff->moves.first();
        QCOMPARE(move.rows, qint64(50));
        QCOMPARE(move.from, DiffValue(QStringLiteral("2")));
        QCOMPARE(move.to, DiffValue(QStringLiteral("9")));
        QVERIFY(move.keyChanged);
        QVERIFY(!findTable(result, QStringLiteral("public.person"))->moves.size());
    }

    void movesAndClassification()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffengine_moves_b");
        const QString l = QStringLiteral("tst_diffengine_moves_l");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral(
                "CREATE TABLE people (id bigint PRIMARY KEY, name text, created_at timestamptz);"
                "CREATE TABLE posts (id bigserial PRIMARY KEY, person_id bigint REFERENCES people, body text);"
                "INSERT INTO people SELECT g, 'p' || g, timestamptz '2024-05-01 00:00:00+00' - g * interval '1 hour' "
                "  FROM generate_series(1, 50) g;"
                "INSERT INTO posts (person_id, body) SELECT 1 + g % 50, 'post ' || g FROM generate_series(1, 2000) g"));
        copyDatabase(b, l);
        cluster.execute(l,
            QStringLiteral("INSERT INTO people VALUES (900, 'remote', '2024-05-02 00:00:00+00'), (901, 'recreated', "
                           "'2024-04-01 00:00:00+00');"
                           "UPDATE posts SET person_id = 900 WHERE person_id IN (2, 3);"
                           "DELETE FROM people WHERE id IN (2, 3);"
                           "INSERT INTO posts (person_id, body) VALUES (900, 'after')"));
        const DiffResult result = runDiff(b, l);
        QVERIFY(result.backupTime);
        QCOMPARE(qint64(*result.backupTime),
            QDateTime::fromString(QStringLiteral("2024-04-30T23:00:00Z"), Qt::ISODate).toSecsSinceEpoch());
        const TableDiff *people = findTable(result, QStringLiteral("public.people"));
        QVERIFY(people);
        QCOMPARE(people->onlyInBackup, qint64(2));
        QCOMPARE(people->onlyInLive, qint64(2));
        QCOMPARE(people->newSinceBackup, qint64(1)); // 900 is newer than the backup, 901 claims to be older
        const TableDiff *posts = findTable(result, QStringLiteral("public.posts"));
        QVERIFY(posts);
        QCOMPARE(posts->changed, qint64(80));
        QCOMPARE(posts->onlyInLive, qint64(1));
        QCOMPARE(posts->newSinceBackup, qint64(1)); // serial key beyond the backup's largest
        QCOMPARE(posts->moves.size(), 2);
        QSet<QString> moves;
        for (const DiffMove &move : posts->moves) {
            QCOMPARE(move.column, QStringLiteral("person_id"));
            QCOMPARE(move.rows, qint64(40));
            moves.insert(*move.from + QStringLiteral("->") + *move.to);
        }
        QCOMPARE(moves, (QSet<QString> { QStringLiteral("2->900"), QStringLiteral("3->900") }));
        QCOMPARE(result.moves().size(), 2);
    }

    void movesRankedByFanIn()
    {
        // Three victims merged into user 42 through two tables, and five scattered one-row edits of
        // items.group_id (life since the backup): the merge leads, the edits collapse into one line.
        const DiffResult result = diffAfter(QStringLiteral("tst_diffengine_fanin"),
            QStringLiteral("CREATE TABLE users (id int PRIMARY KEY); INSERT INTO users SELECT generate_series(1, 50);"
                           "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);"
                           "INSERT INTO posts SELECT g, 1 + g % 50 FROM generate_series(1, 1000) g;"
                           "CREATE TABLE comments (id int PRIMARY KEY, user_id int REFERENCES users);"
                           "INSERT INTO comments SELECT g, 1 + g % 50 FROM generate_series(1, 500) g;"
                           "CREATE TABLE groups (id int PRIMARY KEY); INSERT INTO groups SELECT generate_series(1, 20);"
                           "CREATE TABLE items (id int PRIMARY KEY, group_id int REFERENCES groups);"
                           "INSERT INTO items SELECT g, 1 + g % 20 FROM generate_series(1, 200) g"),
            QStringLiteral("UPDATE posts SET user_id = 42 WHERE user_id IN (2, 3, 4);" // 60 rows
                           "UPDATE comments SET user_id = 42 WHERE user_id IN (2, 3);" // 20 rows
                           "DELETE FROM comments WHERE user_id = 4;"
                           "DELETE FROM users WHERE id IN (2, 3, 4);"
                           "UPDATE items SET group_id = 11 WHERE id = 1;" // from group 2
                           "UPDATE items SET group_id = 12 WHERE id = 2;" // from group 3
                           "UPDATE items SET group_id = 13 WHERE id = 3;"
                           "UPDATE items SET group_id = 14 WHERE id = 4;"
                           "UPDATE items SET group_id = 15 WHERE id = 5"));
        const QList<DiffFanIn> fanIn = result.fanIn();
        QCOMPARE(fanIn.size(), 6);
        QCOMPARE(fanIn.first().table, QStringLiteral("public.users"));
        QCOMPARE(fanIn.first().target, DiffValue(QStringLiteral("42")));
        QCOMPARE(fanIn.first().sources, qint64(3)); // 2 and 3 moved in both tables count once
        QCOMPARE(fanIn.first().rows, qint64(80));
        QCOMPARE(
            fanIn.first().tables, (QStringList { QStringLiteral("public.comments"), QStringLiteral("public.posts") }));
        QVERIFY(fanIn.first().incident);
        const QList<DiffMove> moves = result.moves();
        QCOMPARE(moves.size(), 5 + 5); // posts 3 sources, comments 2, items 5
        for (int i = 0; i < moves.size(); ++i) {
            const bool merge = i < 5;
            QCOMPARE(moves.at(i).target, merge ? QStringLiteral("public.users") : QStringLiteral("public.groups"));
            QCOMPARE(moves.at(i).incident, merge);
            QCOMPARE(moves.at(i).fanIn, merge ? qint64(3) : qint64(1));
        }

        const QString text = diffToText(result, false);
        const QString lead = QStringLiteral("3 sources → public.users 42 across 2 tables (80 rows)");
        QVERIFY2(text.contains(lead), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("60 rows of public.posts.user_id moved from 2, 3, 4 to 42")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("5 ordinary edits of 1 column(s) (kept")), qPrintable(text));
        QVERIFY2(text.indexOf(lead) < text.indexOf(QStringLiteral("ordinary edits")), qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("items.group_id moved")), qPrintable(text));

        const QJsonObject json = diffToJson(result, false);
        const QJsonArray jsonMoves = json.value(QStringLiteral("moves")).toArray();
        QCOMPARE(jsonMoves.size(), 10); // every move kept
        int ordinary = 0;
        for (const QJsonValue &value : jsonMoves) {
            const QJsonObject move = value.toObject();
            const bool items = move.value(QStringLiteral("table")).toString() == QLatin1String("public.items");
            QCOMPARE(move.value(QStringLiteral("incident")).toBool(), !items);
            QCOMPARE(move.value(QStringLiteral("fan_in")).toInt(), items ? 1 : 3);
            ordinary += items ? 1 : 0;
        }
        QCOMPARE(ordinary, 5);
        const QJsonObject top = json.value(QStringLiteral("fan_in")).toArray().first().toObject();
        QCOMPARE(top.value(QStringLiteral("table")).toString(), QStringLiteral("public.users"));
        QCOMPARE(top.value(QStringLiteral("target")).toString(), QStringLiteral("42"));
        QCOMPARE(top.value(QStringLiteral("sources")).toInt(), 3);
        QCOMPARE(top.value(QStringLiteral("rows")).toInt(), 80);
        QCOMPARE(top.value(QStringLiteral("tables")).toArray().size(), 2);
    }

    void uniqueKeyWithoutNullsServesAsIdentity()
    {
        // No primary key, a unique constraint on a nullable column that holds no NULL: rows are
        // matched by it, so edits are "changed" and a re-pointed foreign key is a move.
        const DiffResult result = diffAfter(QStringLiteral("tst_diffengine_ukey"),
            QStringLiteral(
                "CREATE TABLE rooms (id int PRIMARY KEY); INSERT INTO rooms SELECT generate_series(1, 10);"
                "CREATE TABLE members (name text, email text, room_id int REFERENCES rooms,"
                "  CONSTRAINT members_name_key UNIQUE (name));"
                "CREATE UNIQUE INDEX members_lower_email ON members (lower(email));" // an expression: not used
                "INSERT INTO members SELECT 'm' || g, 'm' || g || '@example.org', 1 + g % 10 FROM generate_series(1, "
                "300) g"),
            QStringLiteral(
                "UPDATE members SET room_id = 1 WHERE room_id IN (2, 3, 4);" // 90 rows from 3 sources
                "UPDATE members SET email = 'new@example.org' WHERE name = 'm10';"
                "DELETE FROM members WHERE name = 'm20'; INSERT INTO members VALUES ('m999', 'x@example.org', 5)"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.members"));
        QVERIFY(diff);
        QCOMPARE(diff->keyColumns, QStringList { QStringLiteral("name") });
        QCOMPARE(diff->keyIndex, QStringLiteral("members_name_key"));
        QCOMPARE(diff->changed, qint64(91));
        QCOMPARE(diff->onlyInBackup, qint64(1));
        QCOMPARE(diff->onlyInLive, qint64(1));
        QCOMPARE(keys(*diff, DiffRow::Status::OnlyInBackup), QSet<QString> { QStringLiteral("m20") });
        QCOMPARE(keys(*diff, DiffRow::Status::OnlyInLive), QSet<QString> { QStringLiteral("m999") });
        QCOMPARE(diff->moves.size(), 3);
        QCOMPARE(diff->movedRows(), qint64(90));
        QVERIFY2(diff->notes.first().contains(
                     QStringLiteral("unique index members_name_key (name), no NULLs on either side")),
            qPrintable(diff->notes.join(u'\n')));
        const QJsonArray tables = diffToJson(result, false).value(QStringLiteral("tables")).toArray();
        bool sawMembers = false;
        for (const QJsonValue &value : tables) {
            const QJsonObject table = value.toObject();
            if (table.value(QStringLiteral("table")).toString() != QLatin1String("public.members")) {
                QVERIFY(!table.contains(QStringLiteral("note"))); // a primary key needs no note
                continue;
            }
            sawMembers = true;
            QCOMPARE(table.value(QStringLiteral("key")).toString(), QStringLiteral("name"));
            QVERIFY(table.value(QStringLiteral("note"))
                        .toString()
                        .startsWith(QStringLiteral("No primary key: rows told apart")));
        }
        QVERIFY(sawMembers);
    }

    void uniqueKeyWithANullStaysAMultiset()
    {
        // One NULL in the unique column (on live only) and the key cannot tell rows apart: whole rows.
        const DiffResult result = diffAfter(QStringLiteral("tst_diffengine_ukeynull"),
            QStringLiteral("CREATE TABLE members (name text UNIQUE, email text);"
                           "INSERT INTO members SELECT 'm' || g, 'e' || g FROM generate_series(1, 300) g"),
            QStringLiteral("UPDATE members SET email = 'changed' WHERE name = 'm10'; INSERT INTO members VALUES (NULL, "
                           "'anonymous')"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.members"));
        QVERIFY(diff);
        QVERIFY(!diff->hasPrimaryKey());
        QVERIFY(diff->keyIndex.isEmpty());
        QCOMPARE(diff->changed, qint64(0));
        QCOMPARE(diff->onlyInBackup, qint64(1)); // m10's old row
        QCOMPARE(diff->onlyInLive, qint64(2)); // m10's new row and the anonymous one
        QVERIFY2(diff->notes.join(u'\n').contains(
                     QStringLiteral("not used to tell rows apart: its columns hold NULL in live")),
            qPrintable(diff->notes.join(u'\n')));
    }

    void childrenOfNewParentsAreNewSinceTheBackup()
    {
        // Join rows carry no time: those of a status created after the backup (and their own
        // children, through a composite key) are new since the backup; one added to an old status
        // stays unexplained.
        const DiffResult result = diffAfter(QStringLiteral("tst_diffengine_kin"),
            QStringLiteral(
                "CREATE TABLE statuses (id bigint PRIMARY KEY, created_at timestamptz);"
                "INSERT INTO statuses SELECT g, timestamptz '2024-05-01 00:00:00+00' - g * interval '1 hour'"
                "  FROM generate_series(1, 100) g;"
                "CREATE TABLE tags (status_id bigint REFERENCES statuses, name text, PRIMARY KEY (status_id, name));"
                "INSERT INTO tags SELECT g, 't' || g FROM generate_series(1, 100) g;"
                "CREATE TABLE tag_votes (status_id bigint, name text, voter text, PRIMARY KEY (status_id, name, voter),"
                "  FOREIGN KEY (status_id, name) REFERENCES tags);"
                "CREATE TABLE notes (status_id bigint REFERENCES statuses, body text)"), // no key at all
            QStringLiteral("INSERT INTO statuses VALUES (500, '2024-05-02 00:00:00+00');"
                           "INSERT INTO tags VALUES (500, 'fresh'), (500, 'second'), (7, 'late');"
                           "INSERT INTO tag_votes VALUES (500, 'fresh', 'ann'), (7, 'late', 'bob');"
                           "INSERT INTO notes VALUES (500, 'on a new status'), (8, 'on an old status')"));
        QCOMPARE(findTable(result, QStringLiteral("public.statuses"))->newSinceBackup, qint64(1));
        const TableDiff *tags = findTable(result, QStringLiteral("public.tags"));
        QCOMPARE(tags->onlyInLive, qint64(3));
        QCOMPARE(tags->newSinceBackup, qint64(2));
        for (const DiffRow &row : tags->rows)
            QCOMPARE(row.origin,
                row.key.first() == QLatin1String("500") ? DiffRow::Origin::NewSinceBackup
                                                        : DiffRow::Origin::Unexplained);
        const TableDiff *votes = findTable(result, QStringLiteral("public.tag_votes"));
        QCOMPARE(votes->onlyInLive, qint64(2));
        QCOMPARE(votes->newSinceBackup, qint64(1)); // ann's vote on the new status's tag
        const TableDiff *notes = findTable(result, QStringLiteral("public.notes"));
        QCOMPARE(notes->onlyInLive, qint64(2));
        QCOMPARE(notes->newSinceBackup, qint64(1));
        QVERIFY2(diffToText(result, false)
                     .contains(QStringLiteral("Rows only in live: 5 new since the backup, 3 unexplained.")),
            qPrintable(diffToText(result, false)));
    }

    void serialValuesBeyondTheBackupsSequenceAreNew()
    {
        // No key to order by and no time: the serial id against the backup's sequence dates the row.
        // Rows deleted at the end before the backup leave the sequence beyond the largest id.
        const DiffResult result = diffAfter(QStringLiteral("tst_diffengine_seq"),
            QStringLiteral(
                "CREATE TABLE events (id bigserial, room text, body text);"
                "INSERT INTO events (room, body) SELECT 'r' || g % 7, 'e' || g FROM generate_series(1, 300) g;"
                "DELETE FROM events WHERE id > 290"), // the sequence stands at 300
            QStringLiteral("INSERT INTO events (room, body) VALUES ('r1', 'after the backup');" // id 301
                           "INSERT INTO events VALUES (295, 'r2', 'written back with an old id')")); // not beyond 300
        const TableDiff *events = findTable(result, QStringLiteral("public.events"));
        QVERIFY(events);
        QVERIFY(!events->hasPrimaryKey());
        QCOMPARE(events->onlyInLive, qint64(2));
        QCOMPARE(events->newSinceBackup, qint64(1));
        for (const DiffRow &row : events->rows)
            QCOMPARE(row.origin,
                *row.liveValues.first() == QLatin1String("301") ? DiffRow::Origin::NewSinceBackup
                                                                : DiffRow::Origin::Unexplained);
    }

    void identicalDatabases()
    {
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_diffengine_same_b"));
        cluster.execute(QStringLiteral("tst_diffengine_same_b"),
            QStringLiteral(
                "CREATE TABLE t (id int PRIMARY KEY, f float8, j json); INSERT INTO t SELECT g, g / 3.0, '{\"a\": 1}' "
                "FROM generate_series(1, 1000) g; CREATE TABLE e (x int)"));
        copyDatabase(QStringLiteral("tst_diffengine_same_b"), QStringLiteral("tst_diffengine_same_l"));
        const DiffResult result
            = runDiff(QStringLiteral("tst_diffengine_same_b"), QStringLiteral("tst_diffengine_same_l"));
        QCOMPARE(result.tables.size(), 2);
        QVERIFY(!result.hasDifferences());
        QCOMPARE(findTable(result, QStringLiteral("public.t"))->backupRows, qint64(1000));
    }

    void cancelStopsBothServers()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffengine_cancel_b");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral(
                "CREATE TABLE big (id bigint PRIMARY KEY, t text); INSERT INTO big SELECT g, repeat('x', 200) || g "
                "FROM generate_series(1, 400000) g; ANALYZE big;"
                "CREATE TABLE big2 (LIKE big INCLUDING ALL); INSERT INTO big2 SELECT * FROM big"));
        copyDatabase(b, QStringLiteral("tst_diffengine_cancel_l"));
        cluster.execute(
            QStringLiteral("tst_diffengine_cancel_l"), QStringLiteral("UPDATE big SET t = t || 'y' WHERE id % 3 = 0"));

        PgSession backup(cluster.conninfo(b), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        PgSession live(cluster.conninfo(QStringLiteral("tst_diffengine_cancel_l")),
            PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        std::atomic<bool> comparing { false };
        JobControl control([&comparing](qint64, qint64, const QString &status) {
            if (status.startsWith(QStringLiteral("Comparing")))
                comparing = true;
        });
        std::atomic<int> outcome { 0 }; // 1 finished, 2 cancelled, 3 other error
        std::thread runner([&] {
            try {
                DiffRunner::run(backup, live, control);
                outcome = 1;
            } catch (const Cancelled &) {
                outcome = 2;
            } catch (...) {
                outcome = 3;
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(comparing.load(), 60000);
        QTest::qWait(100);
        control.requestCancel();
        runner.join();
        QCOMPARE(outcome.load(), 2);
        // Nothing of ours is left running on either server: neither session nor a parallel worker of
        // theirs. (Autovacuum may well be busy on these databases: not ours, not counted.)
        // (A cancelled backend reports its new state a moment after the client has seen the error.)
        PgSession probe(
            cluster.conninfo(QStringLiteral("postgres")), PgSession::Options { true, QStringLiteral("probe"), 15 });
        const std::string ours = std::to_string(backup.backendPid()) + "," + std::to_string(live.backendPid());
        auto active = [&probe, &ours]() {
            const pqxx::result busy = probe.exec(QStringLiteral(
                "SELECT backend_type, state, wait_event_type, wait_event, query FROM pg_stat_activity "
                "WHERE state <> 'idle' AND (pid = ANY('{%1}'::int[]) OR leader_pid = ANY('{%1}'::int[]))")
                                                     .arg(QString::fromStdString(ours)));
            for (const auto &row : busy) // says what is still busy when the comparison fails
                qInfo("busy: %s | %s | %s %s | %s", row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str(),
                    row[4].c_str());
            return int(busy.size());
        };
        QTRY_COMPARE_WITH_TIMEOUT(active(), 0, 5000);
    }

    void unknownTableIsAnError()
    {
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_diffengine_err_b"));
        cluster.createDatabase(QStringLiteral("tst_diffengine_err_l"));
        QVERIFY_THROWS_EXCEPTION(Error,
            runDiff(QStringLiteral("tst_diffengine_err_b"), QStringLiteral("tst_diffengine_err_l"),
                { QStringLiteral("nosuchtable") }));
    }
};

QTEST_GUILESS_MAIN(TestDiffEngine)
#include "tst_diffengine.moc"
