// Compare with a second BACKUP known: after the comparison it shows, per table, the lost rows each
// BACKUP holds and how many only one of them does (nightly vs PITR in the demo); the window offers
// a workspace's other BACKUPs and keeps both known when BACKUP switches between them.
#include "openconnection.h"
#include "testcluster.h"

#include "compareview.h"
#include "db/connection.h"
#include "db/recentconnections.h"
#include "jobs/jobregistry.h"
#include "mainwindow.h"
#include "workspace/workspace.h"

#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace salvage;
using salvage::test::openConnection;
using salvage::test::TestCluster;

class TestBackupGainPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("salvage-tests-backupgain"));
        QSettings().clear();
        auto &cluster = TestCluster::instance();
        const QString schema = QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, note text);");
        // nightly: 1–10. PITR, just before the incident: 11–15 written during the day, 3 deleted on
        // purpose. LIVE: the incident deleted 5, 6, 12 and 13.
        cluster.createDatabase(QStringLiteral("tst_gainpanel_nightly"));
        cluster.execute(QStringLiteral("tst_gainpanel_nightly"),
            schema + QStringLiteral("INSERT INTO items SELECT g, 'n' FROM generate_series(1, 10) g;"));
        cluster.createDatabase(QStringLiteral("tst_gainpanel_pitr"));
        cluster.execute(QStringLiteral("tst_gainpanel_pitr"),
            schema
                + QStringLiteral("INSERT INTO items SELECT g, 'n' FROM generate_series(1, 15) g;"
                                 "DELETE FROM items WHERE id = 3;"));
        cluster.createDatabase(QStringLiteral("tst_gainpanel_live"));
        cluster.execute(QStringLiteral("tst_gainpanel_live"),
            schema
                + QStringLiteral("INSERT INTO items SELECT g, 'n' FROM generate_series(1, 15) g;"
                                 "DELETE FROM items WHERE id IN (3, 5, 6, 12, 13);"));
    }

    void compareShowsWhatEachBackupRecovers()
    {
        Connection live(Side::Live);
        Connection nightly(Side::Backup);
        openConnection(live, QStringLiteral("tst_gainpanel_live"));
        openConnection(nightly, QStringLiteral("tst_gainpanel_nightly"));
        QTRY_VERIFY_WITH_TIMEOUT(!live.schema().tables.isEmpty() && !nightly.schema().tables.isEmpty(), 10000);
        JobRegistry jobs;
        CompareView view(&live, &nightly, &jobs);
        view.resize(1100, 700);
        view.show();
        auto *panel = view.findChild<QWidget *>(QStringLiteral("backupGain"));
        QVERIFY(panel);
        QVERIFY(panel->isHidden()); // no second BACKUP known yet

        view.setOtherBackup(ConnectionProfile {
            QStringLiteral("PITR"), TestCluster::instance().conninfo(QStringLiteral("tst_gainpanel_pitr")) });
        QVERIFY(!panel->isHidden());
        QSignalSpy computed(&view, &CompareView::backupGainComputed);
        view.compare();
        QVERIFY(computed.wait(60000));

        auto *table = view.findChild<QTreeWidget *>(QStringLiteral("backupGainTable"));
        QCOMPARE(table->topLevelItemCount(), 1);
        QCOMPARE(table->topLevelItem(0)->text(0), QStringLiteral("public.items"));
        QCOMPARE(table->topLevelItem(0)->text(1), QStringLiteral("2")); // only in PITR: 12, 13
        QCOMPARE(table->topLevelItem(0)->text(2), QStringLiteral("4")); // lost, in PITR: 5, 6, 12, 13
        QCOMPARE(table->topLevelItem(0)->text(3), QStringLiteral("3")); // lost, in nightly: 3, 5, 6
        QCOMPARE(table->topLevelItem(0)->text(4), QStringLiteral("1")); // only in nightly: 3, deleted on purpose
        QCOMPARE(table->headerItem()->text(1), QStringLiteral("Only in PITR"));
        const QString summary = view.findChild<QLabel *>(QStringLiteral("backupGainSummary"))->text();
        QVERIFY2(summary.contains(QStringLiteral("PITR holds 2 lost rows that tst_gainpanel_nightly does not")),
            qPrintable(summary));

        view.setOtherBackup({});
        QVERIFY(panel->isHidden());
    }

    void windowKeepsBothBackupsKnown()
    {
        const ConnectionProfile nightly { QStringLiteral("nightly"),
            TestCluster::instance().conninfo(QStringLiteral("tst_gainpanel_nightly")) };
        const ConnectionProfile pitr { QStringLiteral("PITR"),
            TestCluster::instance().conninfo(QStringLiteral("tst_gainpanel_pitr")) };
        QTemporaryDir dir;
        Workspace workspace;
        workspace.live
            = { QStringLiteral("live"), TestCluster::instance().conninfo(QStringLiteral("tst_gainpanel_live")) };
        workspace.backup = nightly;
        workspace.otherBackups = { pitr };
        const QString path = dir.filePath(QStringLiteral("two.salvage"));
        workspace.save(path);
        MainWindow window;
        QVERIFY(window.openWorkspace(path));
        // The Connect dialog lists both, the connected one first.
        QSettings settings;
        const QList<ConnectionProfile> recent = RecentConnections(settings).list(Side::Backup);
        QVERIFY(recent.size() >= 2);
        QCOMPARE(recent[0].conninfo, nightly.conninfo);
        QCOMPARE(recent[1].conninfo, pitr.conninfo);
        QVERIFY(!window.findChild<QWidget *>(QStringLiteral("backupGain"))->isHidden());
        // Switching BACKUP to the PITR one keeps the nightly one as the other.
        window.connectSide(Side::Backup, pitr);
        QCOMPARE(window.workspace().backup.conninfo, pitr.conninfo);
        QCOMPARE(window.workspace().otherBackups.size(), 1);
        QCOMPARE(window.workspace().otherBackups[0].conninfo, nightly.conninfo);
        QTRY_COMPARE_WITH_TIMEOUT(window.connection(Side::Backup)->state(), Connection::State::Open, 15000);
    }
};

QTEST_MAIN(TestBackupGainPanel)
#include "tst_backupgainpanel.moc"
