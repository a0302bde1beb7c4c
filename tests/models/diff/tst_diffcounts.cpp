// A counts-only diff (RowRetention::Counts: `salvage-cli diff` without --rows, diffbenchmark) keeps
// no row it has no more use for, and reports exactly what a diff keeping every row reports.

#include "diffcopy.h"

#include "db/schemareader.h"
#include "diff/diffformat.h"
#include "diff/diffjsonstream.h"
#include "diff/diffresult.h"
#include "diff/joinedkey.h"
#include "diff/sidepair.h"
#include "diff/tablecomparator.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QTest>

using namespace salvage;
using namespace salvage::test;

class TestDiffCounts : public QObject
{
    Q_OBJECT

    static QString pair(const QString &name, const QString &create, const QString &change)
    {
        return createPair(name, create, change);
    }

    // One way of reading mismatching ranges for every diff of a test: the way is chosen by timing,
    // and moves that tie are listed in the order their rows were found (it failed under load).
    [[nodiscard]] static auto indexPathOnly()
    {
        qputenv("SALVAGE_DIFF_LEAF_PATH", "index");
        return qScopeGuard([] { qunsetenv("SALVAGE_DIFF_LEAF_PATH"); });
    }

    static QByteArray json(const DiffResult &result)
    {
        return QJsonDocument(diffToJson(result, false)).toJson(QJsonDocument::Indented);
    }

    /// Empty when equal, else the first line that differs with its number: QCOMPARE cuts long texts
    /// off before the difference (this comparison failed twice under load, its cause unseen).
    static QString firstDifference(const QByteArray &actual, const QByteArray &expected)
    {
        const QList<QByteArray> a = actual.split('\n');
        const QList<QByteArray> b = expected.split('\n');
        for (qsizetype i = 0; i < qMax(a.size(), b.size()); ++i) {
            const QByteArray left = a.value(i, "(none)");
            const QByteArray right = b.value(i, "(none)");
            if (left != right)
                return QStringLiteral("line %1: actual \"%2\", expected \"%3\"")
                    .arg(QString::number(i + 1), QString::fromUtf8(left), QString::fromUtf8(right));
        }
        return QString();
    }

private Q_SLOTS:
    void largeDiffIsCountedWithoutKeepingRows()
    {
        // 200,000 differing rows: 100,000 changed, 50,000 lost, 50,000 new past the backup's largest
        // key. No time, no foreign key: not one of them can change a count after its table.
        const QString name = pair(QStringLiteral("tst_diffcounts_large"),
            QStringLiteral(
                "CREATE TABLE big (id int PRIMARY KEY, v int, body text);"
                "INSERT INTO big SELECT g, g, repeat('x', 40) FROM generate_series(1, 300000) g; ANALYZE big"),
            QStringLiteral("UPDATE big SET v = -v WHERE id <= 100000; DELETE FROM big WHERE id > 250000;"
                           "INSERT INTO big SELECT g, g, 'new' FROM generate_series(300001, 350000) g; ANALYZE big"));
        const DiffResult result = runPair(name, RowRetention::Counts);
        const TableDiff *big = findTable(result, QStringLiteral("public.big"));
        QVERIFY(big);
        QCOMPARE(big->retention, RowRetention::Counts);
        QCOMPARE(big->backupRows, qint64(300000));
        QCOMPARE(big->liveRows, qint64(300000));
        QCOMPARE(big->changed, qint64(100000));
        QCOMPARE(big->onlyInBackup, qint64(50000));
        QCOMPARE(big->onlyInLive, qint64(50000));
        QCOMPARE(big->newSinceBackup, qint64(50000)); // keys beyond the backup's largest
        QCOMPARE(big->rows.size(), 0); // counted, none kept
        QVERIFY(diffToText(result, false).contains(QStringLiteral("Rows only in live: 50000 new since the backup")));
    }

    // Every count that depends on rows after their table: times judged against the newest backup
    // time of a table compared later (a_late's rows), children dated by new parents, through a
    // composite key and without a key, serial values against the sequence, moves through a plain
    // column and through the primary key. Returns the pair's name.
    static QString richPair()
    {
        return pair(QStringLiteral("tst_diffcounts_same"),
            QStringLiteral(
                "CREATE TABLE a_late (id int PRIMARY KEY, created_at timestamptz);"
                "INSERT INTO a_late SELECT g, timestamptz '2024-01-01 00:00:00+00' - g * interval '1 hour'"
                "  FROM generate_series(1, 100) g;"
                "CREATE TABLE a_late_child (parent_id int REFERENCES a_late, note text, PRIMARY KEY (parent_id, note));"
                "CREATE TABLE people (id bigint PRIMARY KEY, name text, created_at timestamptz);"
                "INSERT INTO people SELECT g, 'p' || g, timestamptz '2024-05-01 00:00:00+00' - g * interval '1 hour'"
                "  FROM generate_series(1, 50) g;"
                "CREATE TABLE posts (id bigserial PRIMARY KEY, person_id bigint REFERENCES people, body text);"
                "INSERT INTO posts (person_id, body) SELECT 1 + g % 50, 'post ' || g FROM generate_series(1, 2000) g;"
                "UPDATE posts SET body = NULL WHERE id IN (10, 11);"
                "CREATE TABLE tags (person_id bigint REFERENCES people, name text, PRIMARY KEY (person_id, name));"
                "INSERT INTO tags SELECT g, 't' || g FROM generate_series(1, 50) g;"
                "CREATE TABLE tag_votes (person_id bigint, name text, voter text, PRIMARY KEY (person_id, name, voter),"
                "  FOREIGN KEY (person_id, name) REFERENCES tags);"
                "CREATE TABLE notes (person_id bigint REFERENCES people, body text);"
                "CREATE TABLE star (person bigint REFERENCES people, thing int, PRIMARY KEY (person, thing));"
                "INSERT INTO star SELECT 1 + g % 10, g FROM generate_series(1, 500) g;"
                "CREATE TABLE events (id bigserial, room text, body text);"
                "INSERT INTO events (room, body) SELECT 'r' || g % 7, 'e' || g FROM generate_series(1, 300) g;"
                "DELETE FROM events WHERE id > 290;"
                "CREATE TABLE untouched (id int PRIMARY KEY); INSERT INTO untouched SELECT generate_series(1, 10);"
                // Keyed by a composite unique key, dated, and referenced through it by undated notes.
                "CREATE TABLE badges (person_id bigint NOT NULL, kind text NOT NULL, created_at timestamptz,"
                "  UNIQUE (person_id, kind));"
                "INSERT INTO badges SELECT g, 'k' || g, timestamptz '2024-01-01 00:00:00+00' - g * interval '1 day'"
                "  FROM generate_series(1, 20) g;"
                "CREATE TABLE badge_notes (person_id bigint, kind text, body text,"
                "  FOREIGN KEY (person_id, kind) REFERENCES badges (person_id, kind));"
                // Statistics settled now: the key ranges follow them, and with them the order rows
                // are listed in; autovacuum analysing between two diffs made them list differently.
                "ANALYZE"),
            QStringLiteral(
                // New after a_late's own newest row, older than people's: unexplained in the end.
                "INSERT INTO a_late VALUES (500, '2024-02-01 00:00:00+00');"
                "INSERT INTO a_late_child VALUES (500, 'child of a row the backup outdates'), (1, 'old parent');"
                "INSERT INTO people VALUES (900, 'remote', '2024-05-02 00:00:00+00'), (901, 'recreated', "
                "'2024-04-01 00:00:00+00');"
                "UPDATE posts SET person_id = 900 WHERE person_id IN (2, 3);"
                "UPDATE star SET person = 9 WHERE person = 2; DELETE FROM star WHERE person = 3;"
                "DELETE FROM tags WHERE person_id IN (2, 3);"
                "DELETE FROM people WHERE id IN (2, 3);"
                "INSERT INTO posts (person_id, body) VALUES (900, 'after');"
                // Changed in a column a counts-only diff does not fetch (its digest tells): NULL to '',
                // NULL to text, text to text; and a row only in live without a time, fetched whole.
                "UPDATE posts SET body = '' WHERE id = 10; UPDATE posts SET body = 'x' WHERE id IN (11, 12);"
                "INSERT INTO people VALUES (902, 'undated', NULL);"
                "INSERT INTO tags VALUES (900, 'fresh'), (901, 'old'), (7, 'late');"
                "INSERT INTO tag_votes VALUES (900, 'fresh', 'ann'), (7, 'late', 'bob');"
                "INSERT INTO notes VALUES (900, 'on a new person'), (8, 'on an old person');"
                "INSERT INTO events (room, body) VALUES ('r1', 'after the backup');"
                "INSERT INTO events VALUES (295, 'r2', 'written back with an old id');"
                // New after the people's newest row; after the badges' newest but before the people's
                // (new until people is compared); old.
                "INSERT INTO badges VALUES (900, 'gold', '2024-05-03 00:00:00+00'), (2, 'mid', "
                "'2024-03-01 00:00:00+00'), (1, 'old', '2023-01-01 00:00:00+00');"
                "INSERT INTO badge_notes VALUES (900, 'gold', 'n1'), (2, 'mid', 'n2'), (1, 'old', 'n3');"
                "ANALYZE"));
    }

    void aRowDatedInTheFutureDoesNotHideNewRows()
    {
        // The backup's newest time counts rows created no later than now (the server's clock): a row
        // dated 2099 (a skewed clock, a scheduled post) would otherwise make every row written since
        // the backup look older than it. Both kinds of timestamp column, which compare with now()
        // differently.
        const QString name = pair(QStringLiteral("tst_diffcounts_future"),
            QStringLiteral("CREATE TABLE posts_tz (id int PRIMARY KEY, created_at timestamptz);"
                           "INSERT INTO posts_tz SELECT g, timestamptz '2024-01-01 00:00:00+00' - g * interval "
                           "'1 hour' FROM generate_series(1, 100) g;"
                           "INSERT INTO posts_tz VALUES (101, '2099-01-01 00:00:00+00');"
                           "CREATE TABLE posts_ts (id int PRIMARY KEY, created_at timestamp);"
                           "INSERT INTO posts_ts SELECT g, timestamp '2024-01-01 00:00:00' - g * interval "
                           "'1 hour' FROM generate_series(1, 100) g;"
                           "INSERT INTO posts_ts VALUES (101, '2099-01-01 00:00:00'); ANALYZE"),
            QStringLiteral("INSERT INTO posts_tz VALUES (200, now() - interval '1 day');"
                           "INSERT INTO posts_ts VALUES (200, now() AT TIME ZONE 'UTC' - interval '1 day'); ANALYZE"));
        for (const RowRetention retention : { RowRetention::Counts, RowRetention::Whole }) {
            const DiffResult result = runPair(name, retention);
            for (const QString &table : { QStringLiteral("public.posts_tz"), QStringLiteral("public.posts_ts") }) {
                const TableDiff *posts = findTable(result, table);
                QVERIFY2(posts, qPrintable(table));
                QCOMPARE(posts->onlyInLive, qint64(1));
                QCOMPARE(posts->newSinceBackup, qint64(1));
            }
        }
    }

    void countsEqualTheWholeDiff()
    {
        const auto indexPath = indexPathOnly();
        const QString name = richPair();
        const DiffResult whole = runPair(name);
        const DiffResult counts = runPair(name, RowRetention::Counts);

        // The scenario does what it says, so that the comparison below compares something.
        QCOMPARE(findTable(whole, QStringLiteral("public.a_late"))->newSinceBackup, qint64(0));
        QCOMPARE(findTable(whole, QStringLiteral("public.people"))->newSinceBackup, qint64(1));
        QCOMPARE(findTable(whole, QStringLiteral("public.tag_votes"))->newSinceBackup, qint64(1));
        QCOMPARE(findTable(whole, QStringLiteral("public.notes"))->newSinceBackup, qint64(1));
        QCOMPARE(findTable(whole, QStringLiteral("public.events"))->newSinceBackup, qint64(1));
        QCOMPARE(findTable(whole, QStringLiteral("public.badges"))->newSinceBackup, qint64(1));
        QCOMPARE(findTable(whole, QStringLiteral("public.badge_notes"))->newSinceBackup, qint64(1));
        QCOMPARE(findTable(whole, QStringLiteral("public.star"))->moves.size(), 1);
        QCOMPARE(findTable(whole, QStringLiteral("public.posts"))->moves.size(), 2);
        QCOMPARE(findTable(whole, QStringLiteral("public.posts"))->changed, qint64(83)); // 80 moved, 3 edited
        QCOMPARE(findTable(counts, QStringLiteral("public.posts"))->changed, qint64(83));

        QVERIFY2(firstDifference(json(counts), json(whole)).isEmpty(),
            qPrintable(firstDifference(json(counts), json(whole))));
        // `diff --rows --format json`: a counts-only diff whose rows are spooled as they come writes
        // the very document of the diff that kept them.
        DiffJsonStream stream;
        PgSession backup(TestCluster::instance().conninfo(name + QStringLiteral("_b")),
            PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        PgSession live(TestCluster::instance().conninfo(name + QStringLiteral("_l")),
            PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        JobControl control;
        const DiffResult streamed = DiffRunner::run(backup, live, control, {}, {}, RowRetention::Counts, stream.sink());
        QBuffer written;
        written.open(QIODevice::WriteOnly);
        stream.write(streamed, written);
        const QByteArray wholeJson = QJsonDocument(diffToJson(whole, true)).toJson(QJsonDocument::Indented);
        QVERIFY(wholeJson.contains("\"rows\": [\n            ]")); // the untouched table's
        QVERIFY(wholeJson.contains("\"status\": \"only_in_backup\""));
        QVERIFY2(firstDifference(written.data(), wholeJson).isEmpty(),
            qPrintable(firstDifference(written.data(), wholeJson)));
        QCOMPARE(diffToText(counts, false), diffToText(whole, false));
        qsizetype kept = 0, all = 0;
        for (const TableDiff &table : counts.tables) {
            QCOMPARE(table.retention, RowRetention::Counts);
            const TableDiff *other = findTable(whole, table.table);
            QVERIFY(other);
            QCOMPARE(table.newSinceBackup, other->newSinceBackup);
            for (const DiffRow &row : table.rows) {
                QCOMPARE(row.status, DiffRow::Status::OnlyInLive);
                QVERIFY(!row.liveTime); // a dated row is kept as its time (TableDiff::dated)
                // Released, not only emptied: these rows stay to the diff's end.
                QCOMPARE(row.backupValues.capacity(), 0);
                QCOMPARE(row.changedColumns.capacity(), 0);
                QVERIFY(row.liveValues.size() <= table.columns.size());
            }
            kept += table.rows.size();
            all += other->rows.size();
        }
        QVERIFY2(kept < all / 2, qPrintable(QStringLiteral("%1 of %2 rows kept").arg(kept).arg(all)));
        QCOMPARE(findTable(counts, QStringLiteral("public.posts"))->rows.size(), 0); // none can change
        // Dated rows keep their key only where a table references theirs (ParentOrigin reads it).
        const TableDiff *badges = findTable(counts, QStringLiteral("public.badges"));
        QCOMPARE(badges->dated.size(), 3);
        QVERIFY(badges->dated.keepsKeys());
        QCOMPARE(findTable(counts, QStringLiteral("public.a_late"))->dated.size(), 1);
        QCOMPARE(findTable(counts, QStringLiteral("public.people"))->dated.size(), 2);
        QCOMPARE(findTable(counts, QStringLiteral("public.tags"))->dated.size(), 0);
    }

    void spooledEqualsTheWholeDiff()
    {
        // The Compare view's diff (RowRetention::Spooled): every row kept, its values on disk and
        // read back equal to the whole diff's; every count the same, ParentOrigin's dating included,
        // which reads the foreign keys' values the spooled rows keep in memory.
        const auto indexPath = indexPathOnly();
        const QString name = richPair();
        const DiffResult whole = runPair(name);
        const DiffResult spooled = runPair(name, RowRetention::Spooled);
        const QByteArray spooledText = diffToText(spooled, true).toUtf8();
        const QByteArray wholeText = diffToText(whole, true).toUtf8();
        QVERIFY2(
            firstDifference(spooledText, wholeText).isEmpty(), qPrintable(firstDifference(spooledText, wholeText)));
        QCOMPARE(QJsonDocument(diffToJson(spooled, true)).toJson(), QJsonDocument(diffToJson(whole, true)).toJson());
        qsizetype rows = 0, inMemory = 0;
        for (const TableDiff &table : spooled.tables) {
            QCOMPARE(table.retention, RowRetention::Spooled);
            const TableDiff *other = findTable(whole, table.table);
            QVERIFY(other);
            QCOMPARE(table.newSinceBackup, other->newSinceBackup);
            QCOMPARE(table.rows.size(), other->rows.size());
            for (qsizetype i = 0; i < table.rows.size(); ++i) {
                const DiffRow &row = table.rows.at(i);
                const DiffRow &expected = other->rows.at(i);
                QVERIFY(row.key.isEmpty() || !table.hasPrimaryKey()); // packed in table.keys
                QCOMPARE(table.key(i), expected.key);
                QCOMPARE(row.changedColumns, expected.changedColumns);
                QCOMPARE(row.status, expected.status);
                QCOMPARE(row.origin, expected.origin);
                QVERIFY(row.spooledAt >= 0);
                QVERIFY(row.backupValues.isEmpty());
                inMemory += std::count_if(row.liveValues.cbegin(), row.liveValues.cend(),
                    [](const DiffValue &value) { return value.has_value(); });
                const DiffRowValues values = table.values(row);
                QCOMPARE(values.backup, expected.backupValues);
                QCOMPARE(values.live, expected.liveValues);
                rows += 1;
            }
        }
        QVERIFY(rows > 100);
        // Only undated new rows' foreign keys (two values for each of badge_notes' three rows).
        QVERIFY2(
            inMemory < rows / 3, qPrintable(QStringLiteral("%1 values in memory for %2 rows").arg(inMemory).arg(rows)));
    }

    // A dated row only in live is kept to the diff's end as its time and key only (TableDiff::dated),
    // as it comes: no DiffRow (about 250 bytes; 45 MB for statuses' 180,000 new rows at demo scale
    // 300, and its values, 32 bytes a column, when they were only emptied). Read before RowPruner.
    void datedRowsOnlyInLiveKeepTheirTimeAndKey()
    {
        const QString name = pair(QStringLiteral("tst_diffcounts_dated"),
            QStringLiteral("CREATE TABLE t (id int PRIMARY KEY, a text, b text, c text, created_at timestamptz);"
                           "INSERT INTO t SELECT g, 'a', 'b', 'c', '2024-01-01'::timestamptz + g * interval '1 s' "
                           "FROM generate_series(1, 100) g;"),
            QStringLiteral("INSERT INTO t SELECT g, 'a', 'b', 'c', now() FROM generate_series(101, 130) g;"
                           "INSERT INTO t SELECT g, 'a', 'b', 'c', now() FROM generate_series(1001, 1010) g;"));
        auto &cluster = TestCluster::instance();
        PgSession backup(
            cluster.conninfo(name + QStringLiteral("_b")), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        PgSession live(
            cluster.conninfo(name + QStringLiteral("_l")), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const Schema backupSchema = SchemaReader::read(backup), liveSchema = SchemaReader::read(live);
        JobControl control;
        SidePair sides(backup, live, control);
        TableComparator comparator(sides, *backupSchema.findTable(QStringLiteral("public.t")),
            *liveSchema.findTable(QStringLiteral("public.t")), backup.connection().server_version(), control,
            RowRetention::Counts);
        comparator.setReferenced(true); // another table's foreign key points at t: its keys are kept
        const TableDiff diff = comparator.compare();
        QCOMPARE(diff.onlyInLive, qint64(40));
        QCOMPARE(diff.rows.size(), 0);
        QCOMPARE(diff.dated.size(), 40);
        QVERIFY(diff.dated.keepsKeys());
        QStringList keys;
        for (qsizetype i = 0; i < diff.dated.size(); ++i)
            keys << JoinedKey::split(diff.dated.key(i));
        keys.sort();
        QCOMPARE(keys.size(), 40);
        QCOMPARE(keys.first(), QStringLiteral("1001"));
        QVERIFY(keys.contains(QStringLiteral("130")));
    }
};

QTEST_GUILESS_MAIN(TestDiffCounts)
#include "tst_diffcounts.moc"
