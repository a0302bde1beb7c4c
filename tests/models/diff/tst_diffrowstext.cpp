#include "diffcopy.h"

#include "diff/diffrowstext.h"
#include "restore/rootselection.h"

#include <QTest>

using namespace salvage;
using namespace salvage::test;

// The clipboard texts of the Compare view: the SQL must run on a real server and put back exactly
// the backup's rows; the key predicate must select exactly the listed rows.
class TestDiffRowsText : public QObject
{
    Q_OBJECT

    static QList<int> allRows(const TableDiff &table)
    {
        QList<int> rows;
        for (int i = 0; i < table.rows.size(); ++i)
            rows << i;
        return rows;
    }

    static QList<int> rowsWithBackupVersion(const TableDiff &table)
    {
        QList<int> rows;
        for (int i = 0; i < table.rows.size(); ++i) {
            if (!table.rows.at(i).backupValues.isEmpty())
                rows << i;
        }
        return rows;
    }

private Q_SLOTS:
    void csvKeepsNullEmptyAndMissingApart()
    {
        TableDiff table;
        table.columns = { QStringLiteral("id"), QStringLiteral("say \"hi\"") };
        table.keyColumns = { QStringLiteral("id") };
        DiffRow changed;
        changed.status = DiffRow::Status::Changed;
        changed.key = { QStringLiteral("1") };
        changed.backupValues = { QStringLiteral("1"), DiffValue() };
        changed.liveValues = { QStringLiteral("1"), QString() };
        DiffRow lost;
        lost.status = DiffRow::Status::OnlyInBackup;
        lost.key = { QStringLiteral("2") };
        lost.backupValues = { QStringLiteral("2"), QStringLiteral("NULL") };
        DiffRow added;
        added.status = DiffRow::Status::OnlyInLive;
        added.key = { QStringLiteral("3") };
        added.liveValues = { QStringLiteral("3"), QStringLiteral("a,\"b\"\nc") };
        table.rows = { changed, lost, added };
        QCOMPARE(DiffRowsText::csv(table, { 0, 1, 2 }),
            QStringLiteral(
                "\"status\",\"id (backup)\",\"id (live)\",\"say \"\"hi\"\" (backup)\",\"say \"\"hi\"\" (live)\"\r\n"
                "\"changed\",\"1\",\"1\",NULL,\"\"\r\n"
                "\"only_in_backup\",\"2\",,\"NULL\",\r\n"
                "\"only_in_live\",,\"3\",,\"a,\"\"b\"\"\nc\"\r\n"));
        QCOMPARE(DiffRowsText::csv(table, { 1 }).count(QStringLiteral("\r\n")), 2);
        table.table = QStringLiteral("public.t");
        QCOMPARE(DiffRowSelection::of(table, { 0, 1, 0 }).restoreRoot(),
            QStringLiteral("public.t WHERE \"id\" IN ('1', '2')"));
        QCOMPARE(DiffRowSelection::of(table, { 1, 0 }).graphRoot(), QStringLiteral("public.t:2"));
        // Values to look up in the logs: distinct, both sides, no NULL and no empty text; each
        // row's key first, with its table (a bare number is any table's row).
        QCOMPARE(DiffRowSelection::of(table, { 0, 1, 2 }).logValues,
            (QStringList { QStringLiteral("t:1"), QStringLiteral("1"), QStringLiteral("t:2"), QStringLiteral("2"),
                QStringLiteral("NULL"), QStringLiteral("t:3"), QStringLiteral("3"), QStringLiteral("a,\"b\"\nc") }));
        {
            // A reference names the row it points at: "accounts:44" for account_id 44.
            TableDiff statuses;
            statuses.table = QStringLiteral("public.statuses");
            statuses.columns = { QStringLiteral("id"), QStringLiteral("account_id") };
            statuses.keyColumns = { QStringLiteral("id") };
            statuses.references = { DiffReference {
                { QStringLiteral("account_id") }, QStringLiteral("public.accounts"), { QStringLiteral("id") } } };
            DiffRow status;
            status.status = DiffRow::Status::OnlyInBackup;
            status.key = { QStringLiteral("5") };
            status.backupValues = { QStringLiteral("5"), QStringLiteral("44") };
            statuses.rows = { status };
            QCOMPARE(DiffRowSelection::of(statuses, { 0 }).logValues,
                (QStringList { QStringLiteral("statuses:5"), QStringLiteral("accounts:44"), QStringLiteral("5"),
                    QStringLiteral("44") }));
        }
        table.table = QStringLiteral("App Data.issue\"s"); // read back by the Restore view's root parser
        table.sqlName = QStringLiteral("\"App Data\".\"issue\"\"s\"");
        const QString quoted = DiffRowSelection::of(table, { 1 }).restoreRoot();
        QCOMPARE(quoted, QStringLiteral("\"App Data\".\"issue\"\"s\" WHERE \"id\" IN ('2')"));
        QCOMPARE(RootSelection::parse(quoted).table, QStringLiteral("\"App Data\".\"issue\"\"s\""));
        table.table = QStringLiteral("public.t");
        QVERIFY(DiffRowsText::insertStatements(table, { 2 })
                    .startsWith(QStringLiteral("-- 1 selected row(s) exist only in live")));
        table.keyColumns.clear();
        QVERIFY(DiffRowSelection::of(table, { 0 }).restoreRoot().isEmpty());
    }

    void insertsPutBackTheBackupRows()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffrowstext_b");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral(
                "CREATE SCHEMA \"My Schema\";"
                "CREATE TABLE \"My Schema\".\"we\"\"ird\" (id int GENERATED ALWAYS AS IDENTITY, \"Key 2\" text,"
                " v text, n int, twice int GENERATED ALWAYS AS (n * 2) STORED, tags text[], j jsonb,"
                " PRIMARY KEY (id, \"Key 2\"));"
                "INSERT INTO \"My Schema\".\"we\"\"ird\" (\"Key 2\", v, n, tags, j)"
                " SELECT 'k''' || g, CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'NULL'"
                " WHEN 3 THEN E'it''s a \\\\ \"line\"\\n✓' ELSE 'v' || g END, g, ARRAY['a', NULL, 'b,c'], '{\"k\": [1, "
                "null]}'"
                " FROM generate_series(1, 300) g; ANALYZE"));
        const QString l = QStringLiteral("tst_diffrowstext_l");
        copyDatabase(b, l);
        cluster.execute(l,
            QStringLiteral("DELETE FROM \"My Schema\".\"we\"\"ird\" WHERE n % 7 = 0;"
                           "UPDATE \"My Schema\".\"we\"\"ird\" SET v = 'changed', n = n + 1000 WHERE n % 11 = 0;"
                           "INSERT INTO \"My Schema\".\"we\"\"ird\" (\"Key 2\", v, n) VALUES ('new', 'x', 1)"));

        const DiffResult result = runDiff(b, l);
        const TableDiff *table = findTable(result, QStringLiteral("My Schema.we\"ird"));
        QVERIFY(table);
        QCOMPARE(table->onlyInBackup, qint64(42));
        QCOMPARE(table->changed, qint64(27 - 3)); // multiples of 77 were deleted
        QCOMPARE(table->onlyInLive, qint64(1));
        QCOMPARE(table->generatedColumns, QStringList { QStringLiteral("twice") });
        QVERIFY(table->identityAlways);

        // In a copy of the backup, delete what the predicate selects and insert the backup rows
        // again: the copy must come out identical to the backup.
        const QString r = QStringLiteral("tst_diffrowstext_r");
        copyDatabase(b, r);
        const QList<int> rows = rowsWithBackupVersion(*table);
        QCOMPARE(rows.size(), qsizetype(42 + 24));
        cluster.execute(r,
            QStringLiteral("DELETE FROM %1 WHERE %2")
                .arg(table->sqlName, DiffRowSelection::of(*table, allRows(*table)).keyPredicate()));
        const DiffResult emptied = runDiff(b, r);
        QCOMPARE(findTable(emptied, table->table)->onlyInBackup, qint64(rows.size()));
        QCOMPARE(findTable(emptied, table->table)->onlyInLive, qint64(0));
        const QString inserts = DiffRowsText::insertStatements(*table, allRows(*table));
        QCOMPARE(inserts.count(QStringLiteral("INSERT INTO \"My Schema\".\"we\"\"ird\" (\"id\", \"Key 2\", \"v\", "
                                              "\"n\", \"tags\", \"j\") OVERRIDING SYSTEM VALUE VALUES (")),
            qsizetype(rows.size()));
        QVERIFY(inserts.contains(QStringLiteral("-- 1 selected row(s) exist only in live")));
        cluster.execute(r, inserts);
        const DiffResult restored = runDiff(b, r);
        QVERIFY2(!restored.hasDifferences(), qPrintable(QStringLiteral("still different after the INSERTs")));
    }
};

QTEST_GUILESS_MAIN(TestDiffRowsText)
#include "tst_diffrowstext.moc"
