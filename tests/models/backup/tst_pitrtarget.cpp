#include "backup/basebackup.h"
#include "backup/pitrtarget.h"
#include "core/error.h"

#include <QTest>

using namespace salvage;

class TestPitrTarget : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void timesWithAZoneAreNormalisedToUtc_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("value");
        QTest::newRow("postgres offset") << "2026-12-03 05:00:00+02"
                                         << "2026-12-03 03:00:00.000+00";
        QTest::newRow("iso Z") << "2026-12-03T03:00:00Z"
                               << "2026-12-03 03:00:00.000+00";
        QTest::newRow("UTC word") << "2026-12-03 03:00:00.250 UTC"
                                  << "2026-12-03 03:00:00.250+00";
        QTest::newRow("minutes offset") << "2026-12-03 08:30:00+05:30"
                                        << "2026-12-03 03:00:00.000+00";
    }
    void timesWithAZoneAreNormalisedToUtc()
    {
        QFETCH(QString, text);
        QFETCH(QString, value);
        const PitrTarget target = PitrTarget::time(text);
        QCOMPARE(target.value, value);
        QCOMPARE(target.settingName(), QStringLiteral("recovery_target_time"));
    }
    void badTargetsAreRefusedWithAReason()
    {
        QVERIFY_THROWS_EXCEPTION(Error, PitrTarget::time(QStringLiteral("2026-12-03 05:00:00")));
        QVERIFY_THROWS_EXCEPTION(Error, PitrTarget::time(QStringLiteral("yesterday")));
        QVERIFY_THROWS_EXCEPTION(Error, PitrTarget::xid(QStringLiteral("12a")));
        QVERIFY_THROWS_EXCEPTION(Error, PitrTarget::lsn(QStringLiteral("0/XYZ")));
        QVERIFY_THROWS_EXCEPTION(Error, PitrTarget::name(QStringLiteral("a\nb")));
        QCOMPARE(PitrTarget::lsn(QStringLiteral("0/3000060")).value, QStringLiteral("0/3000060"));
        try {
            PitrTarget::time(QStringLiteral("2026-12-03 05:00:00"));
        } catch (const Error &error) {
            QVERIFY(QString::fromUtf8(error.what()).contains(QStringLiteral("no zone")));
        }
    }
    void backupLabelIsRead()
    {
        const QByteArray text = "START WAL LOCATION: 0/2000028 (file 000000010000000000000002)\n"
                                "CHECKPOINT LOCATION: 0/2000060\n"
                                "BACKUP METHOD: streamed\n"
                                "BACKUP FROM: primary\n"
                                "START TIME: 2026-12-03 05:41:43 UTC\n"
                                "LABEL: pg_basebackup base backup\n"
                                "START TIMELINE: 1\n";
        const BaseBackup::Label label = BaseBackup::parseLabel(text);
        QCOMPARE(label.startWalFile, QStringLiteral("000000010000000000000002"));
        QCOMPARE(label.timeline, 1);
        QCOMPARE(label.startTime, QDateTime::fromString(QStringLiteral("2026-12-03T05:41:43Z"), Qt::ISODate));
        QVERIFY_THROWS_EXCEPTION(Error, BaseBackup::parseLabel("LABEL: x\n"));
    }
};

QTEST_GUILESS_MAIN(TestPitrTarget)
#include "tst_pitrtarget.moc"
