// DiffResult::classify() judges the origin of rows only in live again after every table (times
// against the backup's, children by their new parents), while the Compare view holds the result
// so far: it writes a row only when its origin changes, so that the view's copy is not copied.

#include "diff/diffresult.h"
#include "diff/joinedkey.h"

#include <QTest>

using namespace salvage;
using namespace Qt::StringLiterals;

namespace {
DiffRow onlyInLive(const QString &key, std::optional<double> time, QList<DiffValue> values = {})
{
    DiffRow row;
    row.status = DiffRow::Status::OnlyInLive;
    row.origin = DiffRow::Origin::Unexplained;
    row.key = { key };
    row.liveTime = time;
    row.liveValues = std::move(values);
    return row;
}

// "people" (id, created_at) with two rows new in live, one dated at 100 and one at 300; "notes"
// (id, person_id → people) with one undated row for each.
DiffResult peopleAndNotes()
{
    DiffResult result;
    TableDiff people;
    people.table = u"public.people"_s;
    people.keyColumns = { u"id"_s };
    people.columns = { u"id"_s, u"created_at"_s };
    people.rows << onlyInLive(u"1"_s, 100) << onlyInLive(u"2"_s, 300);
    people.onlyInLive = 2;
    TableDiff notes;
    notes.table = u"public.notes"_s;
    notes.keyColumns = { u"id"_s };
    notes.columns = { u"id"_s, u"person_id"_s };
    notes.references << DiffReference { { u"person_id"_s }, u"public.people"_s, { u"id"_s } };
    notes.rows << onlyInLive(u"10"_s, std::nullopt, { u"10"_s, u"1"_s })
               << onlyInLive(u"20"_s, std::nullopt, { u"20"_s, u"2"_s });
    notes.onlyInLive = 2;
    result.tables << people << notes;
    return result;
}

// The same with a table without a key ("visits"), whose rows come in copies.
DiffResult withVisits(DiffResult result)
{
    TableDiff visits;
    visits.table = u"public.visits"_s;
    visits.columns = { u"person_id"_s, u"created_at"_s };
    DiffRow copies = onlyInLive(u"1"_s, 300);
    copies.multiplicity = 3;
    visits.rows << copies << onlyInLive(u"2"_s, 100);
    visits.onlyInLive = 4;
    result.tables << visits;
    return result;
}

// `result` as a counts-only diff keeps it: every row with a time as its time (and its key where
// another table references the table: people), as RowPruner leaves them.
DiffResult compacted(DiffResult result)
{
    for (TableDiff &table : result.tables) {
        table.dated = DatedRows(table.table == u"public.people"_s);
        QList<DiffRow> kept;
        for (const DiffRow &row : std::as_const(table.rows)) {
            if (row.liveTime)
                table.dated.add(
                    *row.liveTime, row.multiplicity, table.dated.keepsKeys() ? JoinedKey::join(row.key) : QString());
            else
                kept << row;
        }
        table.rows = kept;
    }
    return result;
}
} // namespace

class TestDiffClassify : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void datesByTimeAndByParent()
    {
        DiffResult result = peopleAndNotes();
        result.backupTime = 200;
        result.classify();
        const TableDiff &people = result.tables.at(0);
        const TableDiff &notes = result.tables.at(1);
        QCOMPARE(people.rows.at(0).origin, DiffRow::Origin::Unexplained);
        QCOMPARE(people.rows.at(1).origin, DiffRow::Origin::NewSinceBackup);
        QCOMPARE(notes.rows.at(0).origin, DiffRow::Origin::Unexplained);
        QCOMPARE(notes.rows.at(1).origin, DiffRow::Origin::NewSinceBackup);
        QVERIFY(notes.rows.at(1).originFromParent);
        QCOMPARE(people.newSinceBackup, 1);
        QCOMPARE(notes.newSinceBackup, 1);

        // A later table raises the backup's point in time: person 2 and its note are no longer new.
        result.backupTime = 400;
        result.classify();
        QCOMPARE(result.tables.at(0).rows.at(1).origin, DiffRow::Origin::Unexplained);
        QCOMPARE(result.tables.at(1).rows.at(1).origin, DiffRow::Origin::Unexplained);
        QVERIFY(!result.tables.at(1).rows.at(1).originFromParent);
        QCOMPARE(result.tables.at(0).newSinceBackup, 0);
        QCOMPARE(result.tables.at(1).newSinceBackup, 0);
    }

    void aHeldResultIsNotCopiedWhenNothingChanges()
    {
        DiffResult result = peopleAndNotes();
        result.backupTime = 200;
        result.classify();
        const DiffResult held = result; // the Compare view's copy
        result.classify();
        for (int t = 0; t < 2; ++t)
            QVERIFY2(std::as_const(result.tables).at(t).rows.constData() == held.tables.at(t).rows.constData(),
                qPrintable(held.tables.at(t).table + u" copied"_s));

        // When origins change, the view's copy keeps what it showed.
        result.backupTime = 400;
        result.classify();
        QCOMPARE(held.tables.at(1).rows.at(1).origin, DiffRow::Origin::NewSinceBackup);
        QCOMPARE(held.tables.at(1).newSinceBackup, 1);
        QCOMPARE(result.tables.at(1).newSinceBackup, 0);
    }

    // A counts-only diff keeps a dated row as its time and key (TableDiff::dated): the same counts
    // as the row itself at every backup time a later table may bring, its children dated alike.
    void datedRowsCountAsTheRowsDo()
    {
        DiffResult whole = withVisits(peopleAndNotes());
        DiffResult compact = compacted(whole);
        QCOMPARE(compact.tables.at(0).rows.size(), 0);
        QCOMPARE(compact.tables.at(0).dated.size(), 2);
        QCOMPARE(compact.tables.at(2).dated.newerThan(0), 4); // copies counted
        for (const std::optional<double> backupTime : { std::optional<double>(), std::optional<double>(50),
                 std::optional<double>(200), std::optional<double>(400), std::optional<double>(150) }) {
            whole.backupTime = compact.backupTime = backupTime;
            whole.classify();
            compact.classify();
            for (int t = 0; t < 3; ++t)
                QCOMPARE(compact.tables.at(t).newSinceBackup, whole.tables.at(t).newSinceBackup);
            for (int i = 0; i < 2; ++i) {
                QCOMPARE(compact.tables.at(1).rows.at(i).origin, whole.tables.at(1).rows.at(i).origin);
                QCOMPARE(
                    compact.tables.at(1).rows.at(i).originFromParent, whole.tables.at(1).rows.at(i).originFromParent);
            }
        }
        // The figures the loop compared: at 150, person 2 (300) is new, and so is its note.
        QCOMPARE(compact.tables.at(0).newSinceBackup, 1);
        QCOMPARE(compact.tables.at(1).newSinceBackup, 1);
        QVERIFY(compact.tables.at(1).rows.at(1).originFromParent);
        QCOMPARE(compact.tables.at(2).newSinceBackup, 3);
    }
};

QTEST_GUILESS_MAIN(TestDiffClassify)
#include "tst_diffclassify.moc"
