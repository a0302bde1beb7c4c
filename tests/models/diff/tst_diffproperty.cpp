#include "diffcopy.h"

#include "diff/diffresult.h"

#include <QMap>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace salvage;
using namespace salvage::test;

// Applies random inserts, deletes and updates (key changes, NULL <-> '', -0/NaN, timestamptz,
// jsonb key order, arrays, bytea, emoji and right-to-left text) to a copy of a database and checks
// that the diff reports exactly those rows, with exactly the changed columns.
class TestDiffProperty : public QObject
{
    Q_OBJECT

    struct Expected
    {
        QSet<QString> onlyInBackup;
        QSet<QString> onlyInLive;
        QMap<QString, QStringList> changed;
    };

    static QString table() { return QStringLiteral("\"Sch ema\".\"Odd \"\"Tab\"\" ü\""); }

    static Expected mutate(quint32 seed, int rows, int operations, QStringList &statements)
    {
        Expected expected;
        QRandomGenerator random(seed);
        QSet<int> used;
        int inserted = 0;
        const auto change = [&](int id, QStringList columns, const QString &set) {
            statements << QStringLiteral("UPDATE %1 SET %2 WHERE id = %3").arg(table(), set).arg(id);
            if (!columns.isEmpty()) {
                columns.sort();
                expected.changed.insert(QString::number(id), columns);
            }
        };
        for (int i = 0; i < operations; ++i) {
            int id = 0;
            do {
                id = int(random.bounded(1, rows + 1));
            } while (used.contains(id));
            used.insert(id);
            const QString key = QString::number(id);
            switch (random.bounded(12)) {
            case 0:
                statements << QStringLiteral("DELETE FROM %1 WHERE id = %2").arg(table()).arg(id);
                expected.onlyInBackup.insert(key);
                break;
            case 1:
                statements << QStringLiteral("UPDATE %1 SET id = id + 1000000 WHERE id = %2").arg(table()).arg(id);
                expected.onlyInBackup.insert(key);
                expected.onlyInLive.insert(QString::number(id + 1000000));
                break;
            case 2:
                change(id, { QStringLiteral("Näme") },
                    QStringLiteral("\"Näme\" = CASE WHEN \"Näme\" IS NULL THEN '' ELSE NULL END"));
                break;
            case 3:
                change(id, { QStringLiteral("f") },
                    QStringLiteral("f = CASE WHEN f = 0 THEN '-0'::float8 ELSE 'NaN' END"));
                break;
            case 4:
                change(id, { QStringLiteral("ts") }, QStringLiteral("ts = ts + interval '1 microsecond'"));
                break;
            case 5: // the same jsonb written with its keys in another order is not a change
                change(id, {}, QStringLiteral("j = ('{\"b\": \"x\", \"a\": ' || id || '}')::jsonb"));
                break;
            case 6:
                change(id, { QStringLiteral("arr") }, QStringLiteral("arr = arr || 7"));
                break;
            case 7:
                change(id, { QStringLiteral("b") }, QStringLiteral("b = b || '\\x00'::bytea"));
                break;
            case 8:
                change(id, { QStringLiteral("note") }, QStringLiteral("note = 'שלום 👋 مرحبا ' || id"));
                break;
            case 9:
                statements << QStringLiteral("INSERT INTO %1 (id, \"Näme\", \"select\") VALUES (%2, 'new', 1)")
                                  .arg(table())
                                  .arg(2000000 + inserted);
                expected.onlyInLive.insert(QString::number(2000000 + inserted++));
                break;
            case 10:
                change(id, { QStringLiteral("n") }, QStringLiteral("n = n + 0.001"));
                break;
            default:
                change(id, { QStringLiteral("Näme"), QStringLiteral("select") },
                    QStringLiteral("\"Näme\" = coalesce(\"Näme\", '') || 'NULL', \"select\" = -\"select\""));
                break;
            }
        }
        return expected;
    }

private Q_SLOTS:
    void reportsExactlyTheChanges_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("operations");
        QTest::addColumn<QByteArray>("path"); // forced way of reading mismatching ranges, or chosen
        QTest::newRow("few changes, small table") << 1u << 500 << 12 << QByteArray();
        QTest::newRow("some changes") << 2u << 3000 << 60 << QByteArray();
        QTest::newRow("some changes, sequential pass") << 2u << 3000 << 60 << QByteArray("sequential");
        QTest::newRow("scattered over most ranges") << 3u << 3000 << 1200 << QByteArray();
        QTest::newRow("scattered over most ranges, index ranges") << 3u << 3000 << 1200 << QByteArray("index");
        QTest::newRow("larger table") << 4u << 40000 << 150 << QByteArray();
        QTest::newRow("larger table, sequential pass") << 4u << 40000 << 150 << QByteArray("sequential");
        QTest::newRow("few changes, larger table (index ranges)") << 5u << 40000 << 10 << QByteArray("index");
        // SALVAGE_DIFF_SEED=N re-runs the mutations of any seed (e.g. one a failure printed).
        if (const quint32 seed = qEnvironmentVariableIntValue("SALVAGE_DIFF_SEED"); seed != 0)
            QTest::addRow("SALVAGE_DIFF_SEED=%u", seed) << seed << 3000 << 300 << QByteArray();
    }

    void reportsExactlyTheChanges()
    {
        QFETCH(quint32, seed);
        QFETCH(int, rows);
        QFETCH(int, operations);
        QFETCH(QByteArray, path);
        auto &cluster = TestCluster::instance();
        const QString backupDb = QStringLiteral("tst_diffprop_backup");
        const QString liveDb = QStringLiteral("tst_diffprop_live");
        cluster.createDatabase(backupDb);
        cluster.execute(backupDb,
            QStringLiteral(
                "CREATE SCHEMA \"Sch ema\";"
                "CREATE TABLE %1 (id bigint PRIMARY KEY, \"Näme\" text, f float8, ts timestamptz, j jsonb, arr int[], "
                "  b bytea, n numeric, note text, \"select\" int);"
                "INSERT INTO %1 SELECT g, CASE g %% 3 WHEN 0 THEN NULL WHEN 1 THEN '' ELSE 'name ' || g END, "
                "  CASE WHEN g %% 2 = 0 THEN 0 ELSE g / 7.0 END, timestamptz '2024-01-01 00:00:00+00' + g * interval "
                "'1 minute', "
                "  jsonb_build_object('a', g, 'b', 'x'), ARRAY[g, g + 1], decode(md5(g::text), 'hex'), g / 3.0, 'note "
                "' || g, g "
                "FROM generate_series(1, %2) g;"
                "ANALYZE %1;")
                .arg(table())
                .arg(rows)
                .replace(QStringLiteral("%%"), QStringLiteral("%")));
        copyDatabase(backupDb, liveDb);
        QStringList statements;
        const Expected expected = mutate(seed, rows, operations, statements);
        // Printed so that a failure can be replayed: SALVAGE_DIFF_SEED=<seed>.
        qInfo("seed %u: %d rows, %d operations", seed, rows, operations);
        cluster.execute(liveDb, statements.join(QStringLiteral(";\n")));

        if (!path.isEmpty())
            qputenv("SALVAGE_DIFF_LEAF_PATH", path);
        const DiffResult result = runDiff(backupDb, liveDb);
        qunsetenv("SALVAGE_DIFF_LEAF_PATH");
        QVERIFY(result.complete);
        const TableDiff *diff = findTable(result, QStringLiteral("Sch ema.Odd \"Tab\" ü"));
        QVERIFY(diff);
        Expected found;
        for (const DiffRow &row : diff->rows) {
            QCOMPARE(row.key.size(), 1);
            switch (row.status) {
            case DiffRow::Status::OnlyInBackup:
                found.onlyInBackup.insert(row.key.first());
                break;
            case DiffRow::Status::OnlyInLive:
                found.onlyInLive.insert(row.key.first());
                break;
            case DiffRow::Status::Changed: {
                QStringList columns = row.changedColumns;
                columns.sort();
                found.changed.insert(row.key.first(), columns);
                break;
            }
            }
        }
        QCOMPARE(found.onlyInBackup, expected.onlyInBackup);
        QCOMPARE(found.onlyInLive, expected.onlyInLive);
        QCOMPARE(found.changed, expected.changed);
        QCOMPARE(diff->onlyInBackup, qint64(expected.onlyInBackup.size()));
        QCOMPARE(diff->onlyInLive, qint64(expected.onlyInLive.size()));
        QCOMPARE(diff->changed, qint64(expected.changed.size()));
        QCOMPARE(diff->backupRows, qint64(rows));
        QCOMPARE(diff->liveRows, qint64(rows - expected.onlyInBackup.size() + expected.onlyInLive.size()));
    }

    void nullEmptyAndMarkersHashApart()
    {
        // Each pair differs in one value only; each must be reported as changed.
        auto &cluster = TestCluster::instance();
        const QString backupDb = QStringLiteral("tst_diffprop_null_b");
        const QString liveDb = QStringLiteral("tst_diffprop_null_l");
        cluster.createDatabase(backupDb);
        cluster.execute(backupDb,
            QStringLiteral(
                "CREATE TABLE t (id int PRIMARY KEY, a text, b text, f float4, i interval, x int);"
                "INSERT INTO t VALUES (1, NULL, 'x', 0, '1 day', NULL), (2, '', 'x', 1, '1 day', 1), (3, 'NULL', 'x', "
                "0, '1 day', 1),"
                "  (4, '\\N', NULL, 0, '1 day', 1), (5, 'a', 'b', 0, '1 day', 1), (6, 'a', 'b', 0, '1 day', 0)"));
        copyDatabase(backupDb, liveDb);
        cluster.execute(liveDb,
            QStringLiteral("UPDATE t SET a = '' WHERE id = 1; UPDATE t SET a = NULL WHERE id = 2; UPDATE t SET a = "
                           "NULL WHERE id = 3;"
                           "UPDATE t SET b = '' WHERE id = 4; UPDATE t SET i = '24 hours' WHERE id = 5; UPDATE t SET x "
                           "= NULL WHERE id = 6;"));
        const DiffResult result = runDiff(backupDb, liveDb);
        const TableDiff *diff = findTable(result, QStringLiteral("public.t"));
        QVERIFY(diff);
        QCOMPARE(diff->changed, qint64(6));
        QCOMPARE(diff->onlyInBackup + diff->onlyInLive, qint64(0));
    }

    // Values whose types' own hash functions agree although their text differs: jsonb's hashes a
    // scalar like the array holding it and 1.0 like 1.00, arrays' ignore their bounds. Each row
    // changes one such value and must be found.
    void valuesTheTypesHashesConfuseAreChanges()
    {
        const QString name = createPair(QStringLiteral("tst_diffprop_confused"),
            QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, j jsonb, a bigint[], s text[]);"
                           "INSERT INTO t SELECT g, '1', '{1,2}', '{x,y}' FROM generate_series(1, 40) g;"
                           "UPDATE t SET j = '\"x\"' WHERE id = 3; UPDATE t SET j = '1.0' WHERE id = 4;"
                           "UPDATE t SET a = '{}' WHERE id = 8;"),
            QStringLiteral("UPDATE t SET j = '[1]' WHERE id = 1; UPDATE t SET j = '[[1]]' WHERE id = 2;"
                           "UPDATE t SET j = '[\"x\"]' WHERE id = 3; UPDATE t SET j = '1.00' WHERE id = 4;"
                           "UPDATE t SET a = '{{1},{2}}' WHERE id = 5; UPDATE t SET a = '[5:6]={1,2}' WHERE id = 6;"
                           "UPDATE t SET s = '{{x},{y}}' WHERE id = 7; UPDATE t SET a = NULL WHERE id = 8;"));
        const DiffResult result = runDiff(name + QStringLiteral("_b"), name + QStringLiteral("_l"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.t"));
        QVERIFY(diff);
        QStringList keys;
        for (const DiffRow &row : diff->rows)
            keys << row.key.first() + u':' + row.changedColumns.join(u',');
        keys.sort();
        QCOMPARE(keys,
            QStringList({ QStringLiteral("1:j"), QStringLiteral("2:j"), QStringLiteral("3:j"), QStringLiteral("4:j"),
                QStringLiteral("5:a"), QStringLiteral("6:a"), QStringLiteral("7:s"), QStringLiteral("8:a") }));
    }

    // RowHasher leaves out the NULL constant of a column NOT NULL on both sides only: here `a` is
    // NOT NULL in backup but holds a NULL in live, and `b` changes beside a NULL of `c`.
    void notNullOnOneSideStillHashesNull()
    {
        const QString name = createPair(QStringLiteral("tst_diffprop_notnull"),
            QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, a text NOT NULL, b int NOT NULL, c int);"
                           "INSERT INTO t SELECT g, 'a' || g, g, NULLIF(g % 2, 0) FROM generate_series(1, 50) g;"),
            QStringLiteral("ALTER TABLE t ALTER a DROP NOT NULL; UPDATE t SET a = NULL WHERE id = 7;"
                           "UPDATE t SET b = -b WHERE id IN (8, 9);"));
        const DiffResult result = runDiff(name + QStringLiteral("_b"), name + QStringLiteral("_l"));
        const TableDiff *diff = findTable(result, QStringLiteral("public.t"));
        QVERIFY(diff);
        QCOMPARE(diff->changed, qint64(3));
        QStringList keys;
        for (const DiffRow &row : diff->rows)
            keys << row.key.first() + u':' + row.changedColumns.join(u',');
        keys.sort();
        QCOMPARE(keys, QStringList({ QStringLiteral("7:a"), QStringLiteral("8:b"), QStringLiteral("9:b") }));
    }
};

QTEST_GUILESS_MAIN(TestDiffProperty)
#include "tst_diffproperty.moc"
