#include "db/connection.h"
#include "db/queryresultmodel.h"
#include "sourcepanel.h"
#include "sqlconsole.h"
#include "sqleditor.h"
#include "testcluster.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

using namespace salvage;
using salvage::test::TestCluster;

class TestSqlConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("console/side"));
        TestCluster::instance().createDatabase(QStringLiteral("tst_sqlconsole"));
        TestCluster::instance().execute(QStringLiteral("tst_sqlconsole"),
            QStringLiteral("CREATE TABLE notes (id int PRIMARY KEY, body text);"
                           "INSERT INTO notes VALUES (1, NULL), (2, ''), (3, 'line one\nline two'), (4, 'שלום 👋');"
                           "CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 50000) g"));
    }

    void runsQueriesAndKeepsNullDistinctFromEmpty()
    {
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        const ConnectionProfile profile { {}, TestCluster::instance().conninfo(QStringLiteral("tst_sqlconsole")) };
        live.open(profile);
        backup.open(profile);
        QTRY_VERIFY_WITH_TIMEOUT(!backup.schema().tables.isEmpty(), 10000);
        SqlConsole console(&live, &backup);
        QAbstractItemModelTester tester(console.resultModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy finished(&console, &SqlConsole::finished);
        console.setSide(Side::Backup);

        console.editor()->setText(QStringLiteral("SELECT id, body FROM notes ORDER BY id"));
        console.run();
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.last().at(0).toBool());
        QueryResultModel *model = console.resultModel();
        QCOMPARE(model->rowCount(), 4);
        QCOMPARE(model->index(0, 1).data().toString(), QStringLiteral("NULL"));
        QVERIFY(!model->index(0, 1).data(Qt::EditRole).isValid());
        QCOMPARE(model->index(1, 1).data(Qt::EditRole).toString(), QString());
        QVERIFY(model->index(1, 1).data(Qt::EditRole).isValid());
        QCOMPARE(model->index(2, 1).data(Qt::EditRole).toString(), QStringLiteral("line one\nline two"));
        QCOMPARE(model->index(3, 1).data().toString(), QStringLiteral("שלום 👋"));

        // Only the first rows are kept; the rest is never fetched.
        console.editor()->setText(QStringLiteral("SELECT * FROM big"));
        console.run();
        QVERIFY(finished.wait(10000));
        QCOMPARE(model->rowCount(), SqlConsole::kMaxRows);
        QVERIFY(console.statusText().contains(QStringLiteral("first")));

        // The console is read-only on LIVE too.
        console.setSide(Side::Live);
        console.editor()->setText(QStringLiteral("DELETE FROM notes"));
        console.run();
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY2(console.statusText().contains(QStringLiteral("read-only")), qPrintable(console.statusText()));

        // A long query can be cancelled.
        console.editor()->setText(QStringLiteral("SELECT pg_sleep(30)"));
        console.run();
        QTest::qWait(300);
        console.cancel();
        QVERIFY(finished.wait(3000));
        QCOMPARE(console.statusText(), QStringLiteral("Cancelled."));
    }

    void runButtonRunsWhatWasTypedOnTheSideLastChosen()
    {
        QSettings().remove(QStringLiteral("console/side"));
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        SourcePanel livePanel(&live); // before the schema arrives
        live.open({ {}, TestCluster::instance().conninfo(QStringLiteral("tst_sqlconsole")) });
        backup.open({ {}, TestCluster::instance().conninfo(QStringLiteral("tst_sqlconsole")) });
        QTRY_VERIFY_WITH_TIMEOUT(!live.schema().tables.isEmpty(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!backup.schema().tables.isEmpty(), 10000);
        SqlConsole console(&live, &backup);
        QObject::connect(&livePanel, &SourcePanel::sideSelected, &console, &SqlConsole::setSide);
        console.resize(900, 600);
        console.show();
        livePanel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&console));
        QSignalSpy finished(&console, &SqlConsole::finished);
        auto *run = console.findChild<QPushButton *>();
        QCOMPARE(run->text(), QStringLiteral("Run"));

        // No side chosen yet: Run asks instead of picking one.
        QVERIFY(!console.side());
        console.editor()->clear();
        console.editor()->setFocus();
        QTest::keyClicks(console.editor(), QStringLiteral("SELECT count(*) AS n FROM notes"));
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY2(console.statusText().contains(QStringLiteral("Choose the side")), qPrintable(console.statusText()));
        QCOMPARE(finished.size(), 0);

        // A click into LIVE's schema tree makes LIVE the console's side, shown by name.
        auto *tree = livePanel.findChild<QTreeView *>();
        QTRY_VERIFY_WITH_TIMEOUT(tree->model()->rowCount() > 0, 5000);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {}, tree->visualRect(tree->model()->index(0, 0)).center());
        QCOMPARE(console.side(), std::optional<Side>(Side::Live));
        QCOMPARE(console.findChild<QLabel *>(QStringLiteral("consoleSideBadge"))->text(), QStringLiteral("LIVE"));

        // Typed text (completion popup and all), then a click on Run: the statement runs.
        console.editor()->clear();
        console.editor()->setFocus();
        QTest::keyClicks(console.editor(), QStringLiteral("SELECT id FROM notes ORDER BY id"));
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(finished.wait(10000) || finished.size() == 1);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(console.statusText()));
        QVERIFY2(console.statusText().contains(QStringLiteral("on LIVE")), qPrintable(console.statusText()));
        QCOMPARE(console.resultModel()->rowCount(), 4);

        // The choice outlives the console.
        SqlConsole next(&live, &backup);
        QCOMPARE(next.side(), std::optional<Side>(Side::Live));
    }

    void currentStatementIsTheOneUnderTheCursor()
    {
        SqlEditor editor;
        editor.setText(QStringLiteral("SELECT 1;\nSELECT 'é' AS x;\nSELECT 3"));
        editor.setCursorPosition(1, 3);
        QCOMPARE(editor.currentStatement(), QStringLiteral("SELECT 'é' AS x"));
        editor.setCursorPosition(2, 2);
        QCOMPARE(editor.currentStatement(), QStringLiteral("SELECT 3"));
    }
};

QTEST_MAIN(TestSqlConsole)
#include "tst_sqlconsole.moc"
