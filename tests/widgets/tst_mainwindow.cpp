#include "aboutdialog.h"
#include "compareview.h"
#include "connectdialog.h"
#include "db/connection.h"
#include "db/schematreemodel.h"
#include "graphview.h"
#include "jobs/jobregistry.h"
#include "jobspanel.h"
#include "logfixture.h"
#include "logsourcesdialog.h"
#include "mainwindow.h"
#include "restore/declarations.h"
#include "restoreview.h"
#include "sourcepanel.h"
#include "testcluster.h"
#include "timeline/timelinemodel.h"
#include "timelineview.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace salvage;
using salvage::test::TestCluster;

class TestMainWindow : public QObject
{
    Q_OBJECT
private:
    QString m_live;
    QString m_backup;

    void connectBoth(MainWindow &window)
    {
        window.connectSide(Side::Live, ConnectionProfile { QStringLiteral("live db"), m_live });
        window.connectSide(Side::Backup, ConnectionProfile { QStringLiteral("backup db"), m_backup });
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Live)->state(), Connection::State::Open, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Backup)->state(), Connection::State::Open, 15000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("salvage-tests"));
        QSettings().clear();
        m_backup = TestCluster::instance().createDatabase(QStringLiteral("tst_mainwindow_backup"));
        m_live = TestCluster::instance().createDatabase(QStringLiteral("tst_mainwindow_live"));
        const QString ddl
            = QStringLiteral("CREATE TABLE accounts (id bigint PRIMARY KEY, username text);"
                             "CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts)");
        TestCluster::instance().execute(QStringLiteral("tst_mainwindow_backup"), ddl);
        TestCluster::instance().execute(QStringLiteral("tst_mainwindow_live"), ddl);
    }

    void connectsBothSidesAndShowsTheirSchemas()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.connectSide(Side::Live, ConnectionProfile { QStringLiteral("live db"), m_live });
        window.connectSide(Side::Backup, ConnectionProfile { QStringLiteral("backup db"), m_backup });
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Live)->state(), Connection::State::Open, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Backup)->state(), Connection::State::Open, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(window.sourcePanel(Side::Live)->schemaModel()->rowCount(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window.sourcePanel(Side::Backup)->schemaModel()->rowCount(), 1, 10000);
        QCOMPARE(window.sourcePanel(Side::Live)->schema().tables.size(), 2);
        QVERIFY(window.sourcePanel(Side::Live)->stateText().contains(QStringLiteral("read-only")));
        // Every job went through the jobs panel and finished.
        QTRY_COMPARE(window.jobs()->runningCount(), 0);
        QVERIFY(window.jobs()->rowCount() >= 4); // two connects, two schema reads
        // Views still to come are reserved in the menu but disabled.
        bool sawCompare = false;
        for (QAction *menu : window.menuBar()->actions()) {
            if (!menu->menu())
                continue;
            for (QAction *action : menu->menu()->actions())
                sawCompare = sawCompare || action->text() == QStringLiteral("&Compare");
        }
        QVERIFY(sawCompare);
    }

    void failedConnectionIsShownNotFatal()
    {
        MainWindow window;
        window.show();
        window.connectSide(
            Side::Live, ConnectionProfile { {}, TestCluster::instance().conninfo(QStringLiteral("no_such_database")) });
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Live)->state(), Connection::State::Failed, 15000);
        QVERIFY(window.sourcePanel(Side::Live)->stateText().contains(QStringLiteral("failed")));
        QVERIFY(window.connection(Side::Live)->lastError().contains(QStringLiteral("does not exist")));
    }

    void workspaceOpensBothSides()
    {
        QTemporaryDir dir;
        Workspace workspace;
        workspace.live = { QStringLiteral("live"), m_live };
        workspace.backup = { QStringLiteral("backup"), m_backup };
        const QString path = dir.filePath(QStringLiteral("incident.salvage"));
        workspace.save(path);
        MainWindow window;
        QSignalSpy opened(&window, &MainWindow::workspaceOpened);
        QVERIFY(window.openWorkspace(path));
        QCOMPARE(opened.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Live)->state(), Connection::State::Open, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Backup)->state(), Connection::State::Open, 15000);
        QString error;
        QVERIFY(!window.openWorkspace(dir.filePath(QStringLiteral("missing.salvage")), &error));
        QVERIFY(error.contains(QStringLiteral("missing.salvage")));
    }

    void connectDialogTestsOffTheGuiThread()
    {
        ConnectDialog dialog(Side::Backup, { ConnectionProfile { QStringLiteral("recent one"), m_backup } });
        dialog.setProfile(ConnectionProfile { QString(), m_backup });
        QSignalSpy finished(&dialog, &ConnectDialog::testFinished);
        dialog.testConnection();
        QVERIFY(finished.wait(15000));
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(dialog.testResult().contains(QStringLiteral("tst_mainwindow_backup")));

        dialog.setProfile(ConnectionProfile { QString(), QStringLiteral("host=x bogus=1") });
        QPushButton *connectButton = nullptr; // not the last button: BACKUP's dialog has an "As of an instant" tab
        for (QPushButton *button : dialog.findChildren<QPushButton *>())
            if (button->text() == QStringLiteral("&Connect"))
                connectButton = button;
        QVERIFY(connectButton);
        QVERIFY(!connectButton->isEnabled());
        QVERIFY(dialog.testResult().contains(QStringLiteral("Not a valid")));
    }

    void jobsPanelCancelsARunningJob()
    {
        JobRegistry registry;
        JobsPanel panel(&registry);
        panel.show();
        bool cancelled = false;
        registry.add(QStringLiteral("long job"), QStringLiteral("logs"), [&cancelled]() { cancelled = true; });
        auto *button = panel.findChild<QToolButton *>();
        QVERIFY(button->isEnabled());
        button->click();
        QVERIFY(cancelled);
    }

    void aboutNamesTheLibraries()
    {
        const QString text = AboutDialog::versionsText();
        QVERIFY(text.contains(QStringLiteral("libpqxx")));
        QVERIFY(text.contains(QStringLiteral("QScintilla")));
        QVERIFY(text.contains(QStringLiteral("Qt 6.")));
    }

    // "Select these rows" in the Compare view: the rows become a restore root (key predicate with
    // quoted identifiers and literals) and the graph centres on the first of them.
    // File ▸ Log sources…: add, remove, give a zone (checked), and the timeline indexes them.
    void logSourcesAreEditedAndIndexed()
    {
        salvage::test::LogFixture files;
        const QString rails = files.write(QStringLiteral("production.log"), salvage::test::LogFixture::railsLines());
        const QString other = files.write(
            QStringLiteral("other.log"), "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=j1 INFO: start\n");
        LogSourcesDialog dialog(
            { LogSource { rails, {}, QStringLiteral("rails-lograge"), {}, 0 } }); // a format named by an alias
        dialog.addFiles({ other, rails }); // a file already listed is not added twice
        QCOMPARE(dialog.sources().size(), 2);
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("logSources"));
        auto *zone = qobject_cast<QLineEdit *>(table->cellWidget(0, LogSourcesDialog::Zone));
        zone->setText(QStringLiteral("Europe/Berln"));
        QVERIFY(dialog.problem().contains(QStringLiteral("Europe/Berln")));
        QVERIFY(!dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        zone->setText(QStringLiteral("Europe/Berlin"));
        QVERIFY(dialog.problem().isEmpty());
        table->selectRow(1);
        dialog.findChild<QPushButton *>(QStringLiteral("removeSource"))->click();
        QCOMPARE(dialog.sources().size(), 1);
        QCOMPARE(dialog.sources().first().timeZone, QStringLiteral("Europe/Berlin"));
        QCOMPARE(dialog.sources().first().format, QStringLiteral("rails_log"));

        MainWindow window;
        auto *timeline = window.findChild<TimelineView *>();
        QSignalSpy indexed(timeline, &TimelineView::indexed);
        window.setLogSources(dialog.sources());
        QVERIFY(indexed.wait(30000));
        QCOMPARE(indexed.first().at(0).toLongLong(), qint64(2)); // the two Rails lines
        QCOMPARE(window.workspace().logs.first().timeZone, QStringLiteral("Europe/Berlin"));
    }

    // The operator's notes reach the open workspace file without "Save workspace".
    void annotationsAreSavedIntoTheWorkspace()
    {
        QTemporaryDir dir;
        Workspace workspace;
        workspace.live = { QStringLiteral("live"), m_live };
        const QString path = dir.filePath(QStringLiteral("incident.salvage"));
        workspace.save(path);
        MainWindow window;
        QVERIFY(window.openWorkspace(path));
        window.findChild<TimelineView *>()->annotations()->addManual(
            1735245000000, QStringLiteral("17:58 deploy, full downtime"));
        QTRY_VERIFY_WITH_TIMEOUT(
            QString::fromUtf8(QJsonDocument(Workspace::load(path).section(QStringLiteral("annotations"))).toJson())
                .contains(QStringLiteral("17:58 deploy, full downtime")),
            10000);
        QCOMPARE(Workspace::load(path).live.conninfo, m_live); // the rest of the workspace as it was
    }

    void declarationsAreLoadedFromAndSavedIntoTheWorkspace()
    {
        QTemporaryDir dir;
        Workspace workspace;
        workspace.live = { QStringLiteral("live"), m_live };
        Declarations declared;
        declared.uniques << Declarations::parseUnique(QStringLiteral("accounts (lower(username))"));
        declared.saveTo(workspace);
        const QString path = dir.filePath(QStringLiteral("declared.salvage"));
        workspace.save(path);
        MainWindow window;
        QVERIFY(window.openWorkspace(path));
        auto *restore = window.findChild<RestoreView *>();
        QVERIFY(restore->declarations() == declared);
        // An added declaration reaches the file (the rest of the workspace as it was).
        declared.relations << Declarations::parseRelation(QStringLiteral("statuses.account_id=accounts"));
        restore->setDeclarations(declared);
        Q_EMIT restore->declarationsChanged();
        QTRY_VERIFY_WITH_TIMEOUT(Declarations::loadFrom(Workspace::load(path)) == declared, 10000);
        QCOMPARE(Workspace::load(path).live.conninfo, m_live);
    }

    // A timeline row's key followed into the databases: its kind names the table (account →
    // public.accounts); the export after a comparison carries the loss per table.
    void timelineKeysAreFollowedIntoGraphAndCompare()
    {
        TestCluster::instance().execute(QStringLiteral("tst_mainwindow_backup"),
            QStringLiteral("INSERT INTO accounts VALUES (7, 'alice'), (8, 'bob')"));
        TestCluster::instance().execute(
            QStringLiteral("tst_mainwindow_live"), QStringLiteral("INSERT INTO accounts VALUES (8, 'bob')"));
        MainWindow window;
        window.show();
        connectBoth(window);
        if (QTest::currentTestFailed())
            return;
        QTRY_VERIFY_WITH_TIMEOUT(window.connection(Side::Live)->schema().findTable(QStringLiteral("accounts")), 15000);
        auto *compare = window.findChild<CompareView *>();
        QSignalSpy finished(compare, &CompareView::finished);
        compare->compare();
        QVERIFY(finished.wait(60000));
        auto *views = window.findChild<QTabWidget *>();
        auto *timeline = window.findChild<TimelineView *>();

        // The drawing is waited for: a graph job outliving its window reads a freed Connection
        // (GraphView captures the pointer; the lead knows).
        QSignalSpy drawn(window.findChild<GraphView *>(), &GraphView::graphReady);
        Q_EMIT timeline->graphRequested(QStringLiteral("account"), QStringLiteral("7"));
        QCOMPARE(
            window.findChild<QLineEdit *>(QStringLiteral("graphRoot"))->text(), QStringLiteral("public.accounts:7"));
        QCOMPARE(views->currentWidget()->objectName(), QStringLiteral("graphView"));
        QVERIFY(drawn.wait(30000));
        Q_EMIT timeline->compareRequested(QStringLiteral("status"), QStringLiteral("1"));
        QCOMPARE(views->currentWidget(), compare);
        auto *tables = compare->findChild<QTableView *>(QStringLiteral("compareTables"));
        QCOMPARE(tables->currentIndex().siblingAtColumn(0).data().toString(), QStringLiteral("public.statuses"));
        // A kind no table answers to leaves the view where it is.
        views->setCurrentWidget(timeline);
        Q_EMIT timeline->graphRequested(QStringLiteral("request"), QStringLiteral("b2f7"));
        QCOMPARE(views->currentWidget(), timeline);

        salvage::test::LogFixture files;
        QSignalSpy correlated(timeline, &TimelineView::correlated);
        timeline->setSources({ LogSource { files.write(QStringLiteral("sidekiq.log"),
                                               "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker "
                                               "jid=j1 account_id=7 INFO: start\n"),
            {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        QSignalSpy exported(timeline, &TimelineView::exported);
        const QString path = files.path(QStringLiteral("postmortem.html"));
        timeline->exportTo(path, ReportWriter::Format::Html);
        QVERIFY(exported.wait(30000));
        QCOMPARE(exported.first().at(1).toString(), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray html = file.readAll();
        QVERIFY2(html.contains("<tr><td>public.accounts</td><td>1</td>"), html.constData());
        QVERIFY(html.contains("First event touching a lost row: 2024-12-26 20:40:54.123 UTC"));
    }

    // Row keys name tables by their words ("/orders/17/items/5"); the connected schemas say which
    // tables exist, as `salvage-cli timeline --db` does: item 5 is a row of order_items.
    void timelineResolvesRowKeysWithTheSchemasTables()
    {
        const QString shop = TestCluster::instance().createDatabase(QStringLiteral("tst_mainwindow_shop"));
        TestCluster::instance().execute(QStringLiteral("tst_mainwindow_shop"),
            QStringLiteral("CREATE TABLE orders (id bigint PRIMARY KEY);"
                           "CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders)"));
        salvage::test::LogFixture files;
        const QString access = files.write(QStringLiteral("access.log"),
            "203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"DELETE /orders/17/items/5 HTTP/1.1\" 204 0 \"-\" \"shop\"\n"
            "203.0.113.5 - - [02/May/2024:14:41:07 +0200] \"GET /orders/5 HTTP/1.1\" 200 90 \"-\" \"shop\"\n");
        const QString postgres = files.write(QStringLiteral("postgresql.log"),
            "2024-05-02 14:41:06.100 CEST [300] LOG:  execute <unnamed>: DELETE FROM \"order_items\" WHERE "
            "\"order_items\".\"id\" = $1\n"
            "2024-05-02 14:41:06.100 CEST [300] DETAIL:  parameters: $1 = '5'\n");
        MainWindow window;
        window.show();
        auto *timeline = window.findChild<TimelineView *>();
        QSignalSpy correlated(timeline, &TimelineView::correlated);
        window.setLogSources({ LogSource { access, {}, {}, {}, 0 }, LogSource { postgres, {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        window.connectSide(Side::Live, ConnectionProfile { QStringLiteral("shop"), shop });
        QTRY_VERIFY_WITH_TIMEOUT(
            window.connection(Side::Live)->schema().findTable(QStringLiteral("order_items")), 15000);
        timeline->setKeyFilter(QStringLiteral("order_items:5"));
        auto *model = qobject_cast<TimelineModel *>(timeline->findChild<QTableView *>()->model());
        // The request that deleted the item and the statement; not GET /orders/5.
        QTRY_COMPARE(model->eventCount(), 2);
        QStringList messages;
        for (int row = 0; row < model->rowCount(); ++row)
            messages << model->index(row, TimelineModel::Message).data().toString();
        QVERIFY2(!messages.join(QLatin1Char('\n')).contains(QLatin1String("GET /orders/5")),
            qPrintable(messages.join(QLatin1Char('\n'))));
    }

    void compareHandsSelectedRowsToRestoreAndGraph()
    {
        const QString ddl = QStringLiteral("CREATE TABLE \"Odd\"\"T\" (\"Key\" text PRIMARY KEY, v int);");
        TestCluster::instance().execute(QStringLiteral("tst_mainwindow_backup"),
            ddl + QStringLiteral("INSERT INTO \"Odd\"\"T\" VALUES ('it''s', 1), ('b', 2), ('same', 0)"));
        TestCluster::instance().execute(QStringLiteral("tst_mainwindow_live"),
            ddl + QStringLiteral("INSERT INTO \"Odd\"\"T\" VALUES ('b', 3), ('same', 0)"));
        MainWindow window;
        window.show();
        connectBoth(window);
        if (QTest::currentTestFailed())
            return;
        auto *compare = window.findChild<CompareView *>();
        QSignalSpy finished(compare, &CompareView::finished);
        compare->compare();
        QVERIFY(finished.wait(60000));

        auto *tables = compare->findChild<QTableView *>(QStringLiteral("compareTables"));
        const QModelIndexList odd = tables->model()->match(
            tables->model()->index(0, 0), Qt::DisplayRole, QStringLiteral("public.Odd\"T"), 1, Qt::MatchExactly);
        QCOMPARE(odd.size(), 1);
        tables->setCurrentIndex(odd.first());
        auto *rows = compare->findChild<QTableView *>(QStringLiteral("compareRows"));
        QCOMPARE(rows->model()->rowCount(), 2);
        rows->selectAll();
        QSignalSpy selected(compare, &CompareView::rowsSelected);
        rows->findChild<QAction *>(QStringLiteral("selectRows"))->trigger();
        QCOMPARE(selected.count(), 1);

        const QString first = rows->model()->index(0, 1).data().toString(); // the first row's backup key
        const QString root
            = window.findChild<QPlainTextEdit *>(QStringLiteral("restoreRoots"))->toPlainText().trimmed();
        // The table name has a quote: the root spells it the SQL way, as the root parser reads it.
        QCOMPARE(root,
            first == QStringLiteral("b") ? QStringLiteral("\"public\".\"Odd\"\"T\" WHERE \"Key\" IN ('b', 'it''s')")
                                         : QStringLiteral("\"public\".\"Odd\"\"T\" WHERE \"Key\" IN ('it''s', 'b')"));
        QCOMPARE(window.findChild<QLineEdit *>(QStringLiteral("graphRoot"))->text(),
            QStringLiteral("public.Odd\"T:") + first);
        QCOMPARE(window.findChild<QTabWidget *>()->currentWidget()->objectName(), QStringLiteral("restoreView"));

        // The same rows followed into the logs: a request that names one of their keys.
        salvage::test::LogFixture files;
        auto *timeline = window.findChild<TimelineView *>();
        QSignalSpy correlated(timeline, &TimelineView::correlated);
        timeline->setSources(
            { LogSource { files.write(QStringLiteral("production.log"),
                              "I, [2024-12-26T21:30:54.071002 #1514]  INFO -- : method=GET path=/ status=200 "
                              "duration=1.0 account_id=b\n"),
                {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        rows->findChild<QAction *>(QStringLiteral("showRowsInTimeline"))->trigger();
        QCOMPARE(timeline->filter().keys, QStringList { QStringLiteral("b") });
        QCOMPARE(window.findChild<QTabWidget *>()->currentWidget(), timeline);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
