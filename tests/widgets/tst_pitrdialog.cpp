#include "pitrdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTest>

using namespace salvage;

class TestPitrDialog : public QObject
{
    Q_OBJECT

    static QPushButton *okButton(PitrDialog &dialog)
    {
        return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    }

private Q_SLOTS:
    void recoverIsOnlyOfferedForACompleteForm()
    {
        PitrDialog dialog;
        QVERIFY(!okButton(dialog)->isEnabled());
        PitrSourceSpec source;
        source.baseBackup = QStringLiteral("/backups/base");
        source.walArchive = QStringLiteral("/backups/wal");
        dialog.setSource(source);
        QVERIFY(okButton(dialog)->isEnabled());
        QCOMPARE(dialog.source().baseBackup, source.baseBackup);
        QVERIFY(!dialog.source().isPgBackRest());

        // A transaction id that is not a number: the form says why and offers nothing.
        auto *kind = dialog.findChild<QComboBox *>();
        kind->setCurrentIndex(1);
        const auto edits = dialog.findChildren<QLineEdit *>();
        QLineEdit *targetText = nullptr;
        for (QLineEdit *edit : edits)
            if (edit->isVisibleTo(&dialog) && edit->placeholderText().isEmpty()
                && edit->parentWidget()->inherits("QStackedWidget"))
                targetText = edit;
        QVERIFY(targetText);
        targetText->setText(QStringLiteral("12x"));
        QVERIFY(!okButton(dialog)->isEnabled());
        targetText->setText(QStringLiteral("1234"));
        QVERIFY(okButton(dialog)->isEnabled());
        QCOMPARE(dialog.target().settingName(), QStringLiteral("recovery_target_xid"));
        QCOMPARE(dialog.target().value, QStringLiteral("1234"));

        // SALVAGE_SCREENSHOTS=DIR: the dialog as drawn, to look at.
        if (const QString dir = qEnvironmentVariable("SALVAGE_SCREENSHOTS"); !dir.isEmpty()) {
            dialog.show();
            QVERIFY(dialog.grab().save(dir + QStringLiteral("/pitrdialog.png")));
        }
    }

    void anEventsTimeBecomesTheTargetInUtc()
    {
        PitrDialog dialog;
        const QDateTime instant
            = QDateTime::fromString(QStringLiteral("2026-12-03T04:12:09.500+02:00"), Qt::ISODateWithMs);
        dialog.setTargetTime(instant);
        QCOMPARE(dialog.target().settingName(), QStringLiteral("recovery_target_time"));
        QCOMPARE(dialog.target().value, QStringLiteral("2026-12-03 02:12:09.500+00"));
    }

    void justBeforeAnEventTakesTheChosenMargin()
    {
        PitrDialog dialog;
        const QDateTime event = QDateTime::fromString(QStringLiteral("2026-12-03T04:12:09.500Z"), Qt::ISODateWithMs);
        dialog.setTargetJustBefore(event);
        QCOMPARE(dialog.marginSeconds(), 1.0); // the default
        QCOMPARE(dialog.target().value, QStringLiteral("2026-12-03 04:12:08.500+00"));
        auto *margin = dialog.findChild<QDoubleSpinBox *>(QStringLiteral("margin"));
        QVERIFY(margin && margin->isVisibleTo(&dialog));
        margin->setValue(0.25);
        QCOMPARE(dialog.target().value, QStringLiteral("2026-12-03 04:12:09.250+00"));
        margin->setValue(60);
        QCOMPARE(dialog.target().value, QStringLiteral("2026-12-03 04:11:09.500+00"));
        // Without an event there is no margin to choose.
        PitrDialog plain;
        QVERIFY(!plain.findChild<QDoubleSpinBox *>(QStringLiteral("margin"))->isVisibleTo(&plain));
    }

    void aPgBackRestStanzaIsASource()
    {
        PitrDialog dialog;
        PitrSourceSpec source;
        source.pgBackRestStanza = QStringLiteral("main");
        dialog.setSource(source);
        QVERIFY(dialog.source().isPgBackRest());
        QCOMPARE(dialog.source().pgBackRestStanza, QStringLiteral("main"));
        QVERIFY(okButton(dialog)->isEnabled());
        dialog.findChildren<QRadioButton *>().first()->setChecked(true); // back to a base backup: empty
        QVERIFY(!okButton(dialog)->isEnabled());
    }

    void aBarmanServerIsASource()
    {
        PitrDialog dialog;
        PitrSourceSpec source;
        source.barmanServer = QStringLiteral("pg");
        source.barmanConfig = QStringLiteral("/etc/barman.d/pg.conf");
        dialog.setSource(source);
        QVERIFY(dialog.source().isBarman());
        QVERIFY(!dialog.source().isPgBackRest());
        QCOMPARE(dialog.source().barmanConfig, source.barmanConfig);
        QVERIFY(okButton(dialog)->isEnabled());
        QCOMPARE(dialog.source().identity(), QStringLiteral("barman:pg:/etc/barman.d/pg.conf"));
        // The server's name is what the form needs.
        for (QLineEdit *edit : dialog.findChildren<QLineEdit *>())
            if (edit->text() == QLatin1String("pg"))
                edit->clear();
        QVERIFY(!okButton(dialog)->isEnabled());
    }
};

QTEST_MAIN(TestPitrDialog)
#include "tst_pitrdialog.moc"
