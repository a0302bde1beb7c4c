#include "restore/restoreplan.h"
#include "restore/rowaction.h"

#include <QTest>

using namespace salvage;

/// The restore actions' one vocabulary: every action has a label that reads back to it, and the
/// labels sort as the actions do (plan summaries list counts in that order, as they did as text).
class TestRowAction : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void labelsReadBack()
    {
        QStringList labels;
        for (int i = 0; i <= int(RowAction::Waiting); ++i) {
            const QString label = rowActionName(RowAction(i));
            QVERIFY2(!label.isEmpty(), qPrintable(QString::number(i)));
            RowAction read = RowAction::Insert;
            QVERIFY2(parseRowAction(label, &read), qPrintable(label));
            QCOMPARE(int(read), i);
            labels << label;
        }
        QStringList sorted = labels;
        sorted.sort();
        QCOMPARE(labels, sorted);
        RowAction untouched = RowAction::Present;
        QVERIFY(!parseRowAction(QStringLiteral("keep-newer"), &untouched)); // named once, never produced
        QVERIFY(!parseRowAction(QStringLiteral("Insert"), &untouched));
        QCOMPARE(untouched, RowAction::Present);
    }

    void sqlFragments()
    {
        QCOMPARE(rowActionIs(QStringLiteral("s"), RowAction::Recreate),
            QStringLiteral("s.\"_salvage_action\" = 'recreate'"));
        QCOMPARE(
            rowActionIs(QString(), RowAction::DeletedSince), QStringLiteral("\"_salvage_action\" = 'deleted-since'"));
        QCOMPARE(rowActionIn(QStringLiteral("m"), writtenRowActions()),
            QStringLiteral("m.\"_salvage_action\" IN ('insert', 'recreate', 'repoint', 'rekey')"));
        QCOMPARE(rowActionsSql(restoredRowActions()), QStringLiteral("'insert', 'recreate', 'rekey', 'follows'"));
    }

    void buckets()
    {
        QCOMPARE(restoreBucketOf(RowAction::Insert), RestoreBucket::Restored);
        QCOMPARE(restoreBucketOf(RowAction::Follows), RestoreBucket::PutBack);
        QCOMPARE(restoreBucketOf(RowAction::Cascade), RestoreBucket::KeptDeleted);
        QCOMPARE(restoreBucketOf(RowAction::Mapped), RestoreBucket::KeptLive);
        QCOMPARE(restoreBucketOf(RowAction::KeptLive), RestoreBucket::Conflict);
        QCOMPARE(restoreBucketOf(RowAction::Unrestorable), RestoreBucket::Unrestorable);
    }

    void summaryListsCountsByLabel()
    {
        RestorePlan plan;
        plan.tableOrder << QStringLiteral("public.accounts");
        plan.counts[QStringLiteral("public.accounts")]
            = { { RowAction::Repoint, 2 }, { RowAction::DeletedSince, 1 }, { RowAction::Insert, 5 } };
        QVERIFY2(plan.summary().contains(QStringLiteral("  public.accounts: deleted-since 1, insert 5, repoint 2\n")),
            qPrintable(plan.summary()));
        QCOMPARE(plan.rowsWritten(QStringLiteral("public.accounts")), 7);
    }
};

QTEST_GUILESS_MAIN(TestRowAction)
#include "tst_rowaction.moc"
