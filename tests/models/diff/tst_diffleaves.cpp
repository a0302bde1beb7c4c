// The sequential pass's key hashes, sorted by the servers and merged a batch at a time: the same
// rows as the index ranges find, across batch ends and keys whose text sorts unlike their values,
// and the whole-result way when a server's order is not the client's bytes' order.
#include "diffcopy.h"

#include "diff/diffresult.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QSet>
#include <QTest>

using namespace salvage;
using namespace salvage::test;

namespace {

QStringList timingLines;
QMutex timingMutex;
QtMessageHandler previousHandler = nullptr;

void collectTiming(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && QByteArray(context.category) == "salvage.diff.timing") {
        const QMutexLocker lock(&timingMutex);
        timingLines << message;
        return;
    }
    previousHandler(type, context, message);
}

// Every differing row as "status key [changed columns]", sorted: the listing both ways must give.
QStringList listing(const TableDiff &diff)
{
    QStringList lines;
    for (const DiffRow &row : diff.rows)
        lines << QStringLiteral("%1 %2 %3").arg(int(row.status)).arg(row.key.join(u'|'), row.changedColumns.join(u','));
    lines.sort();
    return lines;
}

// The same, in the order the diff listed them.
QStringList listedInOrder(const TableDiff &diff)
{
    QStringList lines;
    for (const DiffRow &row : diff.rows)
        lines << QStringLiteral("%1 %2").arg(int(row.status)).arg(row.key.join(u'|'));
    return lines;
}

} // namespace

class TestDiffLeaves : public QObject
{
    Q_OBJECT

    // Runs the diff of one table with the mismatching ranges read `path`, the streamed pass
    // fetching `batch` rows at a time, and returns it with the timing lines it logged.
    static TableDiff diffWith(const QString &backupDb, const QString &liveDb, const QString &table,
        const QByteArray &path, int batch, QStringList &timing)
    {
        qputenv("SALVAGE_DIFF_LEAF_PATH", path);
        qputenv("SALVAGE_DIFF_LEAF_BATCH", QByteArray::number(batch));
        QLoggingCategory::setFilterRules(QStringLiteral("salvage.diff.timing.debug=true"));
        timingLines.clear();
        previousHandler = qInstallMessageHandler(collectTiming);
        const DiffResult result = runDiff(backupDb, liveDb);
        qInstallMessageHandler(previousHandler);
        QLoggingCategory::setFilterRules(QStringLiteral("salvage.diff.timing.debug=false"));
        qunsetenv("SALVAGE_DIFF_LEAF_PATH");
        qunsetenv("SALVAGE_DIFF_LEAF_BATCH");
        timing = timingLines;
        const TableDiff *diff = findTable(result, table);
        return diff ? *diff : TableDiff {};
    }

private Q_SLOTS:
    // A two-column key whose text sorts unlike its values ('10' before '9', 'B' before 'a'), some
    // rows deleted, changed and added on live: the streamed pass, seven rows a batch, lists the
    // same rows as the index ranges, and as many as were changed.
    void streamedPassFindsWhatTheIndexRangesFind()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffleaves_b"), l = QStringLiteral("tst_diffleaves_l");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral("CREATE TABLE t (k text, n int, v text, PRIMARY KEY (k, n));"
                           "INSERT INTO t SELECT (ARRAY['a', 'B', 'é', 'z10', 'z9', '10', '9'])[1 + g % 7], g, "
                           "'v' || g FROM generate_series(1, 3000) g;"
                           "ANALYZE t;"));
        copyDatabase(b, l);
        cluster.execute(l,
            QStringLiteral("DELETE FROM t WHERE n % 97 = 0;" // 30 rows
                           "UPDATE t SET v = v || '!' WHERE n % 89 = 0;" // 33 rows
                           "INSERT INTO t SELECT 'é', g, 'new' FROM generate_series(3001, 3020) g;"));
        QStringList timing;
        const TableDiff streamed = diffWith(b, l, QStringLiteral("public.t"), "sequential", 7, timing);
        QVERIFY2(timing.filter(QStringLiteral("streamed")).size() == 1, qPrintable(timing.join(u'\n')));
        const TableDiff indexed = diffWith(b, l, QStringLiteral("public.t"), "index", 7, timing);
        QVERIFY(timing.filter(QStringLiteral("streamed")).isEmpty());
        QCOMPARE(streamed.onlyInBackup, qint64(30));
        QCOMPARE(streamed.changed, qint64(33));
        QCOMPARE(streamed.onlyInLive, qint64(20));
        QCOMPARE(listing(streamed), listing(indexed));
        QCOMPARE(listing(streamed).size(), 83);
    }

    // Twenty thousand rows in some thousand ranges, changes spread over all of them: the index path
    // reads them in several batches, the sequential one in one pass, and both list the rows in the
    // same order (which path runs depends on timing; the listing must not).
    void bothPathsListTheRowsInOneOrder()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffleaves_order_b"), l = QStringLiteral("tst_diffleaves_order_l");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text);"
                           "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 20000) g;"
                           "ANALYZE t;"));
        copyDatabase(b, l);
        cluster.execute(l,
            QStringLiteral("DELETE FROM t WHERE id % 41 = 0;"
                           "UPDATE t SET v = v || '!' WHERE id % 37 = 0;"
                           "INSERT INTO t SELECT g * 41, 'again' FROM generate_series(1, 20000 / 41, 3) g;"));
        QStringList timing;
        const TableDiff streamed = diffWith(b, l, QStringLiteral("public.t"), "sequential", 1000, timing);
        QVERIFY2(timing.filter(QStringLiteral("streamed")).size() == 1, qPrintable(timing.join(u'\n')));
        const TableDiff indexed = diffWith(b, l, QStringLiteral("public.t"), "index", 1000, timing);
        QVERIFY2(timing.filter(QStringLiteral("(index)")).size() > 1, qPrintable(timing.join(u'\n')));
        QVERIFY(streamed.changed > 500 && streamed.onlyInBackup > 300);
        QCOMPARE(listedInOrder(streamed), listedInOrder(indexed));
    }

    // Left to choose, with more ranges mismatching than the first batch reads: the choice is logged
    // with the figures it was made on, and whichever path it took lists the rows the index does.
    void theChoiceOfPathIsLoggedWithItsFigures()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffleaves_chosen_b"), l = QStringLiteral("tst_diffleaves_chosen_l");
        cluster.createDatabase(b);
        cluster.execute(b,
            QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, v text);"
                           "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 30000) g;"
                           "ANALYZE t;"));
        copyDatabase(b, l);
        // One changed row in each of 750 ranges of about 16 keys: 12,000 rows to read again, under half.
        cluster.execute(l, QStringLiteral("UPDATE t SET v = v || '!' WHERE id % 40 = 0;"));
        QStringList timing;
        const TableDiff chosen = diffWith(b, l, QStringLiteral("public.t"), "", 1000, timing);
        const QStringList path = timing.filter(QStringLiteral("leaf path"));
        QVERIFY2(!path.isEmpty(), qPrintable(timing.join(u'\n')));
        QVERIFY2(path.first().contains(QStringLiteral("of the first pass")), qPrintable(path.join(u'\n')));
        const TableDiff indexed = diffWith(b, l, QStringLiteral("public.t"), "index", 1000, timing);
        QCOMPARE(chosen.changed, qint64(750));
        QCOMPARE(listedInOrder(chosen), listedInOrder(indexed));
    }

    // A WIN1251 database sorts 'ё' (0xB8) before 'я' (0xFF), which arrive as UTF-8 in the other
    // order: the streamed merge sees it and the pass is read in one piece instead, with the same rows.
    void serverOrderUnlikeTheBytesFallsBack()
    {
        auto &cluster = TestCluster::instance();
        const QString b = QStringLiteral("tst_diffleaves_1251_b"), l = QStringLiteral("tst_diffleaves_1251_l");
        PgSession admin(
            cluster.conninfo(QStringLiteral("postgres")), PgSession::Options::writable(QStringLiteral("admin")));
        admin.exec(QStringLiteral("DROP DATABASE IF EXISTS ") + sql::quoteIdent(b));
        admin.exec(
            QStringLiteral("CREATE DATABASE %1 ENCODING 'WIN1251' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
                .arg(sql::quoteIdent(b)));
        cluster.execute(b,
            QStringLiteral(
                "CREATE TABLE t (k text PRIMARY KEY, v int);"
                "INSERT INTO t SELECT (ARRAY['ё', 'я', 'а'])[1 + g % 3] || g, g FROM generate_series(1, 600) g;"
                "ANALYZE t;"));
        copyDatabase(b, l);
        cluster.execute(l, QStringLiteral("UPDATE t SET v = -v WHERE v % 10 = 0; DELETE FROM t WHERE v % 25 = 1;"));
        QStringList timing;
        const TableDiff sequential = diffWith(b, l, QStringLiteral("public.t"), "sequential", 5, timing);
        QVERIFY2(timing.filter(QStringLiteral("streamed")).isEmpty(), qPrintable(timing.join(u'\n')));
        QVERIFY(!timing.filter(QStringLiteral("(sequential)")).isEmpty());
        const TableDiff indexed = diffWith(b, l, QStringLiteral("public.t"), "index", 5, timing);
        QCOMPARE(sequential.changed, qint64(60));
        QCOMPARE(sequential.onlyInBackup, qint64(24));
        QCOMPARE(listing(sequential), listing(indexed));
    }
};

QTEST_GUILESS_MAIN(TestDiffLeaves)
#include "tst_diffleaves.moc"
