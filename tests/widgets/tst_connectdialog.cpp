// The Connect dialog's "As of an instant" tab (issue 15: `salvage-cli backup pitr` mirrored in the
// GUI): its fields, the zone of the target, and that Recover hands the chosen source and target to
// the same recovery job as Connect ▸ BACKUP as of an instant (seen in the jobs registry: the job is
// named after the target and fails on the base backup named, which does not exist).
// SALVAGE_SCREENSHOTS=DIR under Xvfb saves the screen with the dialog filled (SALVAGE_THEME=dark too).
#include "connectdialog.h"
#include "jobs/jobregistry.h"
#include "mainwindow.h"
#include "modaldialogs.h"
#include "pitrform.h"
#include "theme.h"

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QGuiApplication>
#include <QLineEdit>
#include <QMenuBar>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace salvage;

namespace {

/// The accept button (Connect on the server tab, Recover on the PITR tab).
QPushButton *acceptButton(ConnectDialog *dialog)
{
    auto *box = dialog->findChild<QDialogButtonBox *>();
    for (QAbstractButton *button : box->buttons())
        if (box->buttonRole(button) == QDialogButtonBox::AcceptRole)
            return qobject_cast<QPushButton *>(button);
    return nullptr;
}

/// Fills the PITR tab: a base backup and archive under `dir`, 2026-12-03 04:12:09.500 in Europe/Berlin.
void fillPitrTab(ConnectDialog *dialog, const QString &dir)
{
    dialog->showPitrTab();
    PitrForm *form = dialog->pitrForm();
    form->findChild<QLineEdit *>(QStringLiteral("baseBackup"))->setText(dir + QStringLiteral("/base"));
    form->findChild<QLineEdit *>(QStringLiteral("walArchive"))->setText(dir + QStringLiteral("/wal"));
    form->setTimeZone(QTimeZone("Europe/Berlin"));
    form->findChild<QDateTimeEdit *>(QStringLiteral("targetTime"))
        ->setDateTime(QDateTime(QDate(2026, 12, 3), QTime(4, 12, 9, 500), QTimeZone::utc()));
}

} // namespace

class TestConnectDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("salvage-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_connectdialog"));
        QSettings().clear();
        if (!QTimeZone("Europe/Berlin").isValid())
            QSKIP("No time zone data (Debian's tzdata) on this machine.");
        if (qEnvironmentVariable("SALVAGE_THEME") == QLatin1String("dark"))
            theme::apply(theme::Choice::Dark);
    }

    void onlyBackupOffersAnInstant()
    {
        ConnectDialog live(Side::Live, {});
        QVERIFY(!live.pitrForm());
        QVERIFY(!live.findChild<QTabWidget *>());
        QVERIFY(!live.recoversAsOfInstant());
        ConnectDialog backup(Side::Backup, {});
        QVERIFY(backup.pitrForm());
        QVERIFY(!backup.recoversAsOfInstant()); // the server tab comes first
    }

    void theTargetIsReadInTheChosenZone()
    {
        QTemporaryDir dir;
        ConnectDialog dialog(Side::Backup, {});
        dialog.showPitrTab();
        QVERIFY(dialog.recoversAsOfInstant());
        QCOMPARE(acceptButton(&dialog)->text(), QStringLiteral("&Recover"));
        QVERIFY(!acceptButton(&dialog)->isEnabled()); // no source yet
        fillPitrTab(&dialog, dir.path());
        QVERIFY(acceptButton(&dialog)->isEnabled());
        // 04:12:09.500 in Berlin in December (CET, +01) is 03:12:09.500 UTC.
        QCOMPARE(dialog.pitrForm()->target().value, QStringLiteral("2026-12-03 03:12:09.500+00"));
        // Changing the zone keeps the instant and shows it in the new zone.
        auto *zone = dialog.pitrForm()->findChild<QComboBox *>(QStringLiteral("zone"));
        zone->setCurrentIndex(zone->findData(QByteArray("UTC")));
        QCOMPARE(
            dialog.pitrForm()->findChild<QDateTimeEdit *>(QStringLiteral("targetTime"))->time(), QTime(3, 12, 9, 500));
        QCOMPARE(dialog.pitrForm()->target().value, QStringLiteral("2026-12-03 03:12:09.500+00"));
        // Back on the server tab the button connects again.
        dialog.findChild<QTabWidget *>()->setCurrentIndex(0);
        QVERIFY(!dialog.recoversAsOfInstant());
        QCOMPARE(acceptButton(&dialog)->text(), QStringLiteral("&Connect"));
    }

    void recoverStartsTheRecoveryJobWithTheChosenSourceAndTarget()
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("wal"))); // the archive exists, the base backup does not
        MainWindow window;
        window.resize(1200, 740);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QAction *connectBackup = nullptr;
        for (QAction *action : window.menuBar()->findChildren<QAction *>())
            if (action->text() == QStringLiteral("Connect &BACKUP…"))
                connectBackup = action;
        QVERIFY(connectBackup);

        bool filled = false;
        const QString shots = qEnvironmentVariable("SALVAGE_SCREENSHOTS");
        const auto shoot = [&shots](QWidget *dialog, const QString &name) {
            if (shots.isEmpty())
                return;
            QTest::qWait(400); // painted
            const QString path
                = QStringLiteral("%1/%2%3.png")
                      .arg(shots, name,
                          qEnvironmentVariable("SALVAGE_THEME") == QLatin1String("dark") ? QStringLiteral("-dark")
                                                                                         : QString());
            if (QGuiApplication::platformName() == QLatin1String("xcb")
                && !QStandardPaths::findExecutable(QStringLiteral("import")).isEmpty())
                QProcess::execute(
                    QStringLiteral("import"), { QStringLiteral("-window"), QStringLiteral("root"), path });
            else
                dialog->grab().save(path);
        };
        test::onNextModal<ConnectDialog>([&](ConnectDialog *dialog) {
            shoot(dialog, QStringLiteral("connectdialog-server"));
            fillPitrTab(dialog, dir.path());
            filled = true;
            shoot(dialog, QStringLiteral("connectdialog-pitr"));
            acceptButton(dialog)->click();
        });
        connectBackup->trigger();
        QVERIFY(filled);

        // The job is the menu's recovery job, named after the chosen instant, and it fails on the
        // chosen base backup (which does not exist): the request carried source and target.
        JobRegistry *jobs = window.jobs();
        QTRY_VERIFY_WITH_TIMEOUT(jobs->rowCount() >= 1 && jobs->runningCount() == 0, 15000);
        const int row = jobs->rowCount() - 1;
        QCOMPARE(jobs->data(jobs->index(row, JobRegistry::TitleColumn)).toString(),
            QStringLiteral("BACKUP as of 2026-12-03 03:12:09.500 UTC"));
        const QString outcome = jobs->data(jobs->index(row, JobRegistry::StateColumn)).toString();
        QVERIFY2(outcome.contains(QStringLiteral("The base backup %1/base does not exist").arg(dir.path())),
            qPrintable(outcome));
        // The source is remembered for the next time, as the menu's dialog does.
        QCOMPARE(QSettings().value(QStringLiteral("pitr/base")).toString(), dir.path() + QStringLiteral("/base"));
    }
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
