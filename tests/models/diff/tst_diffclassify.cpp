// DiffResult::classify() judges the origin of rows only in live again after every table (times
// against the backup's, children by their new parents), while the Compare view holds the result
// so far: it writes a row only when its origin changes, so that the view's copy is not copied.

#include "diff/diffresult.h"

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
};

QTEST_GUILESS_MAIN(TestDiffClassify)
#include "tst_diffclassify.moc"
