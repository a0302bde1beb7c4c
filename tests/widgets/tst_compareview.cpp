#include "openconnection.h"
#include "testcluster.h"

#include "compareview.h"
#include "db/connection.h"
#include "diff/diffrowsmodel.h"
#include "diff/difftablesmodel.h"
#include "jobs/jobregistry.h"
#include "statecolours.h"
#include "theme.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace salvage;
using salvage::test::openConnection;
using salvage::test::TestCluster;

class TestCompareView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_compareview_b"));
        cluster.createDatabase(QStringLiteral("tst_compareview_l"));
        const QString schema
            = QStringLiteral("CREATE TABLE a (id int PRIMARY KEY, name text);"
                             "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a, note text);"
                             "INSERT INTO a SELECT g, 'a' || g FROM generate_series(1, 10) g;"
                             "INSERT INTO b SELECT g, 1 + g % 10, 'n' || g FROM generate_series(1, 100) g;");
        const QString longName
            = QStringLiteral("CREATE TABLE a_table_named_longer_than_media_attachments (id int PRIMARY KEY);");
        cluster.execute(QStringLiteral("tst_compareview_b"), schema + longName);
        cluster.execute(QStringLiteral("tst_compareview_l"),
            longName + schema
                + QStringLiteral("UPDATE b SET a_id = 1 WHERE a_id = 2; UPDATE b SET note = '' WHERE id = 5;"
                                 "UPDATE b SET note = NULL WHERE id = 7; DELETE FROM a WHERE id = 2"));
    }

    void movesPaneNamesTheRowsAndSumsTheMoves()
    {
        // The label column is found, not named: the unique expression index on lower(handle), not
        // the first text column (bio).
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_compareview_moves_b"));
        cluster.createDatabase(QStringLiteral("tst_compareview_moves_l"));
        const QString longName = QStringLiteral("a_remote_account_with_a_name_far_too_long_for_a_narrow_column");
        const QString schema = QStringLiteral(
            "CREATE TABLE people (id int PRIMARY KEY, bio text, handle text NOT NULL);"
            "CREATE UNIQUE INDEX people_handle ON people (lower(handle));"
            "CREATE TABLE posts (id int PRIMARY KEY, person_id int REFERENCES people);"
            "INSERT INTO people VALUES (1, 'x', 'alice'), (2, 'y', 'bob'), (3, 'z', 'carol'), (4, 'r', '%1');"
            "INSERT INTO posts SELECT g, 2 FROM generate_series(1, 12) g;"
            "INSERT INTO posts SELECT 100 + g, 3 FROM generate_series(1, 9) g;")
                                   .arg(longName);
        cluster.execute(QStringLiteral("tst_compareview_moves_b"), schema);
        cluster.execute(QStringLiteral("tst_compareview_moves_l"),
            schema + QStringLiteral("UPDATE posts SET person_id = 4; DELETE FROM people WHERE id IN (2, 3);"));
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        openConnection(live, QStringLiteral("tst_compareview_moves_l"));
        openConnection(backup, QStringLiteral("tst_compareview_moves_b"));
        QTRY_VERIFY_WITH_TIMEOUT(!live.schema().tables.isEmpty() && !backup.schema().tables.isEmpty(), 10000);
        theme::apply(theme::Choice::Dark);
        JobRegistry jobs;
        CompareView view(&live, &backup, &jobs);
        view.resize(1100, 700);
        view.show();
        QSignalSpy finished(&view, &CompareView::finished);
        view.compare();
        QVERIFY(finished.wait(60000));

        auto *moves = view.findChild<QTableWidget *>(QStringLiteral("compareMoves"));
        QCOMPARE(moves->rowCount(), 2);
        // Names arrive from both sides: the victims' from BACKUP (gone from LIVE), the target's from LIVE.
        QTRY_COMPARE_WITH_TIMEOUT(moves->item(0, 3)->text(), QStringLiteral("2 · bob"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(moves->item(1, 3)->text(), QStringLiteral("3 · carol"), 10000);
        QCOMPARE(moves->item(0, 4)->text(), QStringLiteral("4 · ") + longName);
        // The sum of what moved.
        const QString summary = view.findChild<QLabel *>(QStringLiteral("movesSummary"))->text();
        QVERIFY2(
            summary.contains(QStringLiteral("21 rows re-pointed in 2 moves, from 2 rows to 1")), qPrintable(summary));
        // Whole values: the column is as wide as its longest name.
        QVERIFY(moves->columnWidth(4) >= moves->fontMetrics().horizontalAdvance(moves->item(0, 4)->text()));
        QCOMPARE(moves->item(0, 4)->toolTip(), moves->item(0, 4)->text());

        // Lost rows are tinted from the (dark) palette, not a fixed light colour.
        auto *tableList = view.findChild<QTableView *>(QStringLiteral("compareTables"));
        QModelIndex lost;
        for (int row = 0; row < tableList->model()->rowCount(); ++row) {
            const QModelIndex index = tableList->model()->index(row, DiffTablesModel::Lost);
            if (index.data(DiffTablesModel::SortRole).toLongLong() > 0)
                lost = index;
        }
        QVERIFY(lost.isValid());
        QCOMPARE(lost.data(MarkRole).toInt(), int(Mark::Lost));
        tableList->clearSelection();
        tableList->setCurrentIndex({});
        const QImage image = tableList->viewport()->grab().toImage();
        const QRect cell = tableList->visualRect(lost);
        const QColor painted = image.pixelColor(cell.left() + 3, cell.center().y());
        const QColor expected = StateColours::background(Mark::Lost, tableList->palette());
        QVERIFY2(qAbs(painted.red() - expected.red()) < 8 && qAbs(painted.green() - expected.green()) < 8
                && qAbs(painted.blue() - expected.blue()) < 8,
            qPrintable(painted.name() + QStringLiteral(" vs ") + expected.name()));
        QVERIFY(expected.lightness() < 128); // a dark tint under the dark theme's light text
        theme::apply(theme::Choice::System);
    }

    void comparesAndShowsRowsSideBySide()
    {
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        openConnection(live, QStringLiteral("tst_compareview_l"));
        openConnection(backup, QStringLiteral("tst_compareview_b"));
        JobRegistry jobs;
        CompareView view(&live, &backup, &jobs);
        view.resize(1400, 700);
        view.show();
        QSignalSpy finished(&view, &CompareView::finished);
        view.compare();
        QVERIFY(finished.wait(60000));

        auto *tableList = view.findChild<QTableView *>(QStringLiteral("compareTables"));
        QAbstractItemModelTester tablesTester(
            tableList->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(view.result().tables.size(), 3);
        QCOMPARE(tableList->model()->rowCount(), 3);
        QCOMPARE(view.result().moves().size(), 1);
        auto *moves = view.findChild<QTableWidget *>();
        QCOMPARE(moves->rowCount(), 1);
        QCOMPARE(moves->item(0, 0)->text(), QStringLiteral("10"));
        QCOMPARE(moves->item(0, 5)->text(), QStringLiteral("1")); // one source; ten rows make it an incident's

        // The table list opens wide enough for its names and the four counts, Moved included; at
        // 1280×800 the view gets about 790 pixels between the docks: a long name gives way (elided).
        const QHeaderView *header = tableList->horizontalHeader();
        const auto movedEnd = [header] {
            return header->sectionViewportPosition(DiffTablesModel::Moved)
                + header->sectionSize(DiffTablesModel::Moved);
        };
        for (const QSize size : { QSize(1400, 700), QSize(790, 560) }) {
            view.resize(size);
            QTRY_VERIFY2(movedEnd() <= tableList->viewport()->width(),
                qPrintable(QStringLiteral("at %1 px: Moved ends at %2 of %3")
                               .arg(size.width())
                               .arg(movedEnd())
                               .arg(tableList->viewport()->width())));
        }
        QVERIFY(header->sectionSize(DiffTablesModel::Table) >= tableList->fontMetrics().averageCharWidth() * 12);
        view.resize(1400, 700);
        const QAbstractItemView *list = tableList; // sizeHintForColumn is public there
        QTRY_VERIFY(header->sectionSize(DiffTablesModel::Table) >= list->sizeHintForColumn(DiffTablesModel::Table));

        // Select table b: its 12 differing rows appear side by side.
        const QModelIndexList matches = tableList->model()->match(
            tableList->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("public.b"), 1, Qt::MatchExactly);
        QCOMPARE(matches.size(), 1);
        tableList->setCurrentIndex(matches.first());
        auto *rowView = view.findChild<QTableView *>(QStringLiteral("compareRows"));
        QAbstractItemModel *rows = rowView->model();
        QAbstractItemModelTester rowsTester(rows, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(rows->rowCount(), 12);
        // The view's diff holds the rows' keys packed (TableDiff::keys); their values are read back
        // from its spool as shown.
        const TableDiff &shown = static_cast<DiffRowsModel *>(rows)->table();
        QCOMPARE(shown.retention, RowRetention::Spooled);
        QVERIFY(std::all_of(shown.rows.cbegin(), shown.rows.cend(),
            [](const DiffRow &row) { return row.spooledAt >= 0 && row.backupValues.isEmpty() && row.key.isEmpty(); }));
        QCOMPARE(shown.key(0).size(), 1);
        QCOMPARE(rows->columnCount(), 7); // status + 3 columns × (backup, live)
        for (int column = 0; column < rows->columnCount(); ++column) // headers whole, not clipped
            QVERIFY(rowView->columnWidth(column)
                >= rowView->fontMetrics().horizontalAdvance(rows->headerData(column, Qt::Horizontal).toString()));
        bool sawEmpty = false, sawNull = false;
        for (int row = 0; row < rows->rowCount(); ++row) {
            const QModelIndex liveNote = rows->index(row, 6);
            if (!liveNote.data(DiffRowsModel::ChangedRole).toBool())
                continue;
            if (liveNote.data(DiffRowsModel::IsNullRole).toBool()) {
                QCOMPARE(liveNote.data().toString(), QStringLiteral("NULL"));
                sawNull = true;
            } else if (liveNote.data().toString().isEmpty()) {
                sawEmpty = true;
            }
        }
        QVERIFY(sawNull);
        QVERIFY(sawEmpty);

        // Ctrl+C copies the selected rows as CSV with a header; NULL stays apart from empty text.
        rowView->selectAll();
        QApplication::clipboard()->clear();
        view.activateWindow();
        rowView->setFocus();
        QTRY_VERIFY(rowView->hasFocus());
        QTest::keyClick(rowView, Qt::Key_C, Qt::ControlModifier);
        const QString csv = QApplication::clipboard()->text();
        QCOMPARE(csv.count(QStringLiteral("\r\n")), 13);
        QVERIFY(csv.startsWith(QStringLiteral("\"status\",\"id (backup)\",\"id (live)\"")));
        QVERIFY(csv.contains(QStringLiteral(",NULL\r\n")));
        QVERIFY(csv.contains(QStringLiteral(",\"\"\r\n")));
        rowView->findChild<QAction *>(QStringLiteral("copyRowsSql"))->trigger();
        QCOMPARE(QApplication::clipboard()->text().count(
                     QStringLiteral("INSERT INTO \"public\".\"b\" (\"id\", \"a_id\", \"note\") VALUES (")),
            12);

        // The table list hands its lost rows to the Restore view as a root.
        QSignalSpy restore(&view, &CompareView::restoreRequested);
        QCOMPARE(tableList->actions().size(), 1);
        tableList->actions().first()->trigger();
        QCOMPARE(restore.count(), 1);
        QCOMPARE(restore.first().first().toString(), QStringLiteral("public.b MISSING"));
    }

    void ordinaryEditsCollapseIntoOneRow()
    {
        // One merge (a 2, 3 → 1) and two one-row edits of b.a_id: the edits share one last row.
        auto &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_compareview_fan_b"));
        cluster.createDatabase(QStringLiteral("tst_compareview_fan_l"));
        const QString schema = QStringLiteral("CREATE TABLE a (id int PRIMARY KEY);"
                                              "CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);"
                                              "INSERT INTO a SELECT generate_series(1, 10);"
                                              "INSERT INTO b SELECT g, 1 + g % 10 FROM generate_series(1, 100) g;");
        cluster.execute(QStringLiteral("tst_compareview_fan_b"), schema);
        cluster.execute(QStringLiteral("tst_compareview_fan_l"),
            schema
                + QStringLiteral("UPDATE b SET a_id = 1 WHERE a_id IN (2, 3, 4);"
                                 "UPDATE b SET a_id = 8 WHERE id = 10; UPDATE b SET a_id = 9 WHERE id = 20"));
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        openConnection(live, QStringLiteral("tst_compareview_fan_l"));
        openConnection(backup, QStringLiteral("tst_compareview_fan_b"));
        JobRegistry jobs;
        CompareView view(&live, &backup, &jobs);
        QSignalSpy finished(&view, &CompareView::finished);
        view.compare();
        QVERIFY(finished.wait(60000));
        QCOMPARE(view.result().moves().size(), 5);
        auto *moves = view.findChild<QTableWidget *>();
        QCOMPARE(moves->rowCount(), 4); // three merge moves, then the edits
        for (int row = 0; row < 3; ++row) {
            QCOMPARE(moves->item(row, 4)->text(), QStringLiteral("1"));
            QCOMPARE(moves->item(row, 5)->text(), QStringLiteral("3"));
        }
        QCOMPARE(moves->item(3, 0)->text(), QStringLiteral("2"));
        QVERIFY2(moves->item(3, 1)->text().startsWith(QStringLiteral("ordinary edits of 1 column")),
            qPrintable(moves->item(3, 1)->text()));
    }

    void modelsPassTheTesterWhileGrowing()
    {
        DiffTablesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        DiffResult result;
        TableDiff first;
        first.table = QStringLiteral("public.a");
        result.tables << first;
        model.setResult(result);
        TableDiff second;
        second.table = QStringLiteral("public.b");
        second.onlyInBackup = 3;
        result.tables << second;
        model.setResult(result);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, DiffTablesModel::Lost).data(DiffTablesModel::SortRole).toLongLong(), 3);
        QCOMPARE(model.index(0, 0).data(DiffTablesModel::CategoryRole).toString(), QStringLiteral("identical"));
        model.setResult({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestCompareView)
#include "tst_compareview.moc"
