#include "db/connection.h"
#include "db/queryresultmodel.h"
#include "sqlconsole.h"
#include "sqleditor.h"
#include "testcluster.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSignalSpy>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

class TestSqlConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
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
        console.findChild<QComboBox *>()->setCurrentIndex(1);
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
