// The values of a spooled diff (RowRetention::Spooled) leave memory for a temporary file and come
// back exactly as they went: NULL apart from empty text, any text, rows larger than a block, several
// tables written at once. What stays in memory is what ParentOrigin reads, and the keys and changed
// columns packed (TableDiff::keys, one list of columns for the rows that change the same ones).

#include "core/error.h"
#include "diff/diffvaluespool.h"
#include "diff/joinedkey.h"

#include <QTest>
#include <thread>
#include <vector>

using namespace salvage;
using namespace Qt::StringLiterals;

namespace {
DiffRow row(DiffRow::Status status, const QString &key, QList<DiffValue> backup, QList<DiffValue> live)
{
    DiffRow made;
    made.status = status;
    made.key = { key };
    made.backupValues = std::move(backup);
    made.liveValues = std::move(live);
    return made;
}

// A table "t" (id, parent_id, body) whose parent_id references "p"; its rows' values tell them apart.
TableDiff table(const QString &tag, int rows)
{
    TableDiff made;
    made.table = u"public.t"_s + tag;
    made.columns = { u"id"_s, u"parent_id"_s, u"body"_s };
    made.keyColumns = { u"id"_s };
    made.references << DiffReference { { u"parent_id"_s }, u"public.p"_s, { u"id"_s } };
    for (int i = 0; i < rows; ++i) {
        const QString id = QString::number(i);
        const QList<DiffValue> values { id, tag + id, tag + u" body "_s + id };
        made.rows << row(i % 3 == 0 ? DiffRow::Status::OnlyInBackup
                : i % 3 == 1        ? DiffRow::Status::OnlyInLive
                                    : DiffRow::Status::Changed,
            id, i % 3 == 1 ? QList<DiffValue>() : values, i % 3 == 0 ? QList<DiffValue>() : values);
    }
    return made;
}
} // namespace

class TestDiffValueSpool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valuesComeBackExactly()
    {
        const QString big(3 << 20, u'x'); // larger than a block of the spool
        TableDiff diff = table(u"a"_s, 0);
        diff.rows << row(
            DiffRow::Status::Changed, u"1"_s, { u"1"_s, std::nullopt, QString() }, { u"1"_s, QString(), std::nullopt });
        diff.rows << row(
            DiffRow::Status::OnlyInBackup, u"2"_s, { u"2"_s, u"7"_s, u"ünïcødé 日本語 🐘 \"quoted\" \\ \n\t"_s }, {});
        diff.rows << row(DiffRow::Status::OnlyInLive, u"3"_s, {}, { u"3"_s, u"9"_s, big });
        diff.rows << row(DiffRow::Status::Changed, u"4"_s, { u"4"_s, u"1"_s, u"a"_s }, { u"4"_s, u"1"_s, u"b"_s });
        diff.rows << row(DiffRow::Status::OnlyInLive, u"5"_s, {}, { u"5"_s, u"9"_s, u"dated"_s });
        diff.rows.last().liveTime = 1.7e9;
        const QList<DiffRow> before = diff.rows;

        auto spool = std::make_shared<DiffValueSpool>();
        DiffValueSpool::spool(spool, diff);
        QCOMPARE(diff.retention, RowRetention::Spooled);
        QCOMPARE(diff.spool, spool);
        for (qsizetype i = 0; i < before.size(); ++i) {
            const DiffRow &spooled = diff.rows.at(i);
            QVERIFY(spooled.spooledAt >= 0);
            QCOMPARE(spooled.backupValues.capacity(), 0); // released, not emptied
            const DiffRowValues values = diff.values(spooled);
            QCOMPARE(values.backup, before.at(i).backupValues);
            QCOMPARE(values.live, before.at(i).liveValues);
            QVERIFY(spooled.key.isEmpty()); // in diff.keys
            QCOMPARE(diff.key(i), before.at(i).key);
        }
        // NULL and empty text stay apart.
        QVERIFY(!diff.values(diff.rows.at(0)).backup.at(1).has_value());
        QVERIFY(diff.values(diff.rows.at(0)).backup.at(2).has_value());
        // In memory: an undated row only in live keeps its foreign key's value (ParentOrigin dates it
        // by its parent), nothing else; a dated one, like every other row, keeps none.
        QCOMPARE(diff.rows.at(2).liveValues, QList<DiffValue>({ std::nullopt, u"9"_s }));
        QVERIFY(diff.rows.at(0).liveValues.isEmpty());
        QVERIFY(diff.rows.at(3).liveValues.isEmpty());
        QVERIFY(diff.rows.at(4).liveValues.isEmpty());
    }

    void tablesSpooledAtOnceKeepTheirRows()
    {
        // The lanes spool their tables from several threads into one file.
        auto spool = std::make_shared<DiffValueSpool>();
        std::vector<TableDiff> tables;
        for (int t = 0; t < 4; ++t)
            tables.push_back(table(QString(QChar(u'a' + t)), 20000));
        const std::vector<TableDiff> before = tables;
        std::vector<std::thread> threads;
        for (TableDiff &diff : tables)
            threads.emplace_back([&spool, &diff] { DiffValueSpool::spool(spool, diff); });
        for (std::thread &thread : threads)
            thread.join();
        for (std::size_t t = 0; t < tables.size(); ++t) {
            for (qsizetype i = 0; i < tables[t].rows.size(); ++i) {
                const DiffRowValues values = tables[t].values(tables[t].rows.at(i));
                QCOMPARE(values.backup, before[t].rows.at(i).backupValues);
                QCOMPARE(values.live, before[t].rows.at(i).liveValues);
                QCOMPARE(tables[t].key(i), before[t].rows.at(i).key);
            }
        }
    }

    void keysAndChangedColumnsArePacked()
    {
        // Half a million rows at demo scale 300 held 146 MB as lists of strings: the keys go to one
        // buffer, the lists of changed columns are kept once a table, rows carry no padding.
        QVERIFY(sizeof(DiffRow) <= 128);
        TableDiff diff = table(u"a"_s, 0);
        diff.keyColumns = { u"id"_s, u"parent_id"_s };
        const QList<QStringList> keys { { u"1"_s, u"2"_s }, { u"3:4"_s, QString() }, { u"ünï 🐘"_s, u"0:"_s },
            { QString(300, u'k'), u"x"_s }, { u"5"_s, u"6"_s } };
        for (const QStringList &key : keys) {
            diff.rows << row(
                DiffRow::Status::Changed, QString(), { u"1"_s, u"a"_s, u"b"_s }, { u"1"_s, u"a"_s, u"c"_s });
            diff.rows.last().key = key;
            diff.rows.last().changedColumns = QStringList { u"body"_s };
        }
        diff.rows[1].changedColumns = QStringList { u"parent_id"_s, u"body"_s };
        // Rows go in any order: those the table still reads come at its end.
        auto spool = std::make_shared<DiffValueSpool>();
        DiffValueSpool::TableWriter writer(spool, diff);
        writer.add(3);
        writer.add(0);
        writer.flush();
        QVERIFY(diff.rows.at(3).key.isEmpty());
        QCOMPARE(diff.key(1), keys.at(1)); // not spooled yet: its own
        QCOMPARE(diff.key(3), keys.at(3));
        DiffValueSpool::spool(spool, diff);
        for (qsizetype i = 0; i < keys.size(); ++i) {
            QVERIFY(diff.rows.at(i).key.isEmpty());
            QCOMPARE(diff.key(i), keys.at(i));
            QCOMPARE(diff.joinedKey(i), JoinedKey::join(keys.at(i)));
            QCOMPARE(diff.values(diff.rows.at(i)).live.at(2), DiffValue(u"c"_s));
        }
        QCOMPARE(diff.rows.at(1).changedColumns, QStringList({ u"parent_id"_s, u"body"_s }));
        for (const qsizetype i : { 2, 3, 4 })
            QCOMPARE(diff.rows.at(i).changedColumns, QStringList { u"body"_s });
        // One list for the rows one writer spools (a changed row is spooled as the table finds it).
        QVERIFY(diff.rows.at(3).changedColumns.isSharedWith(diff.rows.at(0).changedColumns));
        QVERIFY(diff.rows.at(4).changedColumns.isSharedWith(diff.rows.at(2).changedColumns));
        // A table without a key (compared as a multiset) keeps none.
        TableDiff multiset = table(u"m"_s, 3);
        multiset.keyColumns.clear();
        for (DiffRow &each : multiset.rows)
            each.key.clear();
        DiffValueSpool::spool(spool, multiset);
        QVERIFY(multiset.key(0).isEmpty());
        QCOMPARE(multiset.values(multiset.rows.at(0)).backup.at(2), DiffValue(u"m body 0"_s));
    }

    void aRecordThatIsNotThereIsAClearError()
    {
        auto spool = std::make_shared<DiffValueSpool>();
        TableDiff diff = table(u"a"_s, 3);
        DiffValueSpool::spool(spool, diff);
        QVERIFY_THROWS_EXCEPTION(Error, spool->read(1 << 30));
        QVERIFY_THROWS_EXCEPTION(Error, spool->read(-5));
        // The middle of a record reads as a damaged one, not as someone else's values.
        QVERIFY_THROWS_EXCEPTION(Error, spool->read(diff.rows.at(1).spooledAt + 1));
        // Rows of a diff that was not spooled keep their values where they are.
        const TableDiff whole = table(u"b"_s, 3);
        QCOMPARE(whole.values(whole.rows.at(0)).backup, whole.rows.at(0).backupValues);
    }
};

QTEST_GUILESS_MAIN(TestDiffValueSpool)
#include "tst_diffvaluespool.moc"
