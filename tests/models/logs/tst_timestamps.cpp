// Time zones: offsets, abbreviations, naive times in a source zone, DST edges, year-less syslog.
#include "logs/sourceclock.h"
#include "logs/timestampparser.h"

#include <QDateTime>
#include <QTest>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestTimestamps : public QObject
{
    Q_OBJECT

    static qint64 iso(const char *utc)
    {
        return QDateTime::fromString(QString::fromLatin1(utc), Qt::ISODateWithMs).toMSecsSinceEpoch();
    }

private Q_SLOTS:
    void instants_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("offset -0700") << u"%d/%b/%Y:%H:%M:%S %z"_s << QByteArray("10/Oct/2000:13:55:36 -0700")
                                      << QString() << iso("2000-10-10T20:55:36Z");
        QTest::newRow("offset +02:00") << u"%Y-%m-%dT%H:%M:%S.%f%z"_s << QByteArray("2024-12-26T21:40:54.123456+02:00")
                                       << QString() << iso("2024-12-26T19:40:54.123Z");
        QTest::newRow("Z with nanoseconds")
            << u"%Y-%m-%dT%H:%M:%S.%f%z"_s << QByteArray("2024-12-26T20:30:54.058125123Z") << QString()
            << iso("2024-12-26T20:30:54.058Z");
        QTest::newRow("abbreviation CEST") << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2025-06-14 09:00:01.001 CEST")
                                           << QString() << iso("2025-06-14T07:00:01.001Z");
        QTest::newRow("abbreviation CET") << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2024-12-26 21:31:00.412 CET")
                                          << u"America/New_York"_s << iso("2024-12-26T20:31:00.412Z");
        QTest::newRow("abbreviation PDT") << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2025-06-14 09:00:01 PDT")
                                          << QString() << iso("2025-06-14T16:00:01Z");
        QTest::newRow("numeric zone +02") << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2025-06-14 09:00:03 +02")
                                          << QString() << iso("2025-06-14T07:00:03Z");
        QTest::newRow("naive default UTC") << u"%Y-%m-%dT%H:%M:%S.%f"_s << QByteArray("2024-12-26T20:30:54.058125")
                                           << QString() << iso("2024-12-26T20:30:54.058Z");
        QTest::newRow("naive Berlin winter") << u"%Y-%m-%dT%H:%M:%S.%f"_s << QByteArray("2024-12-26T21:30:54.058125")
                                             << u"Europe/Berlin"_s << iso("2024-12-26T20:30:54.058Z");
        QTest::newRow("naive Berlin summer") << u"%Y-%m-%dT%H:%M:%S"_s << QByteArray("2024-07-01T12:00:00")
                                             << u"Europe/Berlin"_s << iso("2024-07-01T10:00:00Z");
        QTest::newRow("DST spring: last CET minute") << u"%Y-%m-%dT%H:%M:%S"_s << QByteArray("2024-03-31T01:59:59")
                                                     << u"Europe/Berlin"_s << iso("2024-03-31T00:59:59Z");
        QTest::newRow("DST spring: first CEST hour") << u"%Y-%m-%dT%H:%M:%S"_s << QByteArray("2024-03-31T03:00:00")
                                                     << u"Europe/Berlin"_s << iso("2024-03-31T01:00:00Z");
        QTest::newRow("DST autumn: after the fold") << u"%Y-%m-%dT%H:%M:%S"_s << QByteArray("2024-10-27T03:00:00")
                                                    << u"Europe/Berlin"_s << iso("2024-10-27T02:00:00Z");
        QTest::newRow("DST autumn: before the fold") << u"%Y-%m-%dT%H:%M:%S"_s << QByteArray("2024-10-27T01:59:59")
                                                     << u"Europe/Berlin"_s << iso("2024-10-26T23:59:59Z");
        QTest::newRow("New York naive") << u"%Y-%m-%d %H:%M:%S"_s << QByteArray("2024-11-03 12:00:00")
                                        << u"America/New_York"_s << iso("2024-11-03T17:00:00Z");
        // Abbreviations as PostgreSQL 15 prints them (tzdata): an ambiguous one means what the source zone means by it.
        QTest::newRow("CST without a zone: US Central")
            << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2026-12-02 05:04:02.475 CST") << QString()
            << iso("2026-12-02T11:04:02.475Z");
        QTest::newRow("CST in Asia/Shanghai")
            << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2026-12-02 19:04:02.475 CST") << u"Asia/Shanghai"_s
            << iso("2026-12-02T11:04:02.475Z");
        QTest::newRow("CST in America/Chicago")
            << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2026-12-02 05:04:02.475 CST") << u"America/Chicago"_s
            << iso("2026-12-02T11:04:02.475Z");
        QTest::newRow("IST in a Dublin summer") << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2025-06-14 09:00:01 IST")
                                                << u"Europe/Dublin"_s << iso("2025-06-14T08:00:01Z");
        QTest::newRow("IST in Jerusalem") << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2025-01-14 09:00:01 IST")
                                          << u"Asia/Jerusalem"_s << iso("2025-01-14T07:00:01Z");
        QTest::newRow("IST in Kolkata") << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2025-01-14 09:00:01 IST")
                                        << u"Asia/Kolkata"_s << iso("2025-01-14T03:30:01Z");
        QTest::newRow("CET inside the autumn fold")
            << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2024-10-27 02:30:00 CET") << u"Europe/Berlin"_s
            << iso("2024-10-27T01:30:00Z");
        QTest::newRow("CEST inside the autumn fold")
            << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2024-10-27 02:30:00 CEST") << u"Europe/Berlin"_s
            << iso("2024-10-27T00:30:00Z");
        QTest::newRow("CET read in another zone") << u"%Y-%m-%d %H:%M:%S %Z"_s << QByteArray("2024-12-26 21:31:00 CET")
                                                  << u"Asia/Shanghai"_s << iso("2024-12-26T20:31:00Z");
        QTest::newRow("WAT") << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2026-12-02 12:04:02.855 WAT") << QString()
                             << iso("2026-12-02T11:04:02.855Z");
        QTest::newRow("NST (-03:30)") << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2026-12-02 07:34:03.175 NST")
                                      << QString() << iso("2026-12-02T11:04:03.175Z");
        QTest::newRow("numeric zone +0545")
            << u"%Y-%m-%d %H:%M:%S.%L %Z"_s << QByteArray("2026-12-02 16:45:24.043 +0545") << QString()
            << iso("2026-12-02T11:00:24.043Z");
        QTest::newRow("offset +0100 (journalctl)")
            << u"%Y-%m-%dT%H:%M:%S.%f%z"_s << QByteArray("2026-12-02T12:04:35.641660+0100") << QString()
            << iso("2026-12-02T11:04:35.641Z");
        QTest::newRow("epoch micros") << u"%s"_s << QByteArray("1735245654123456") << QString()
                                      << iso("2024-12-26T20:40:54.123Z");
    }
    void instants()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, text);
        QFETCH(QString, zone);
        QFETCH(qint64, expected);
        const TimestampParser parser({ format }, format == "%s"_L1 ? 1000000 : 1);
        TimestampFields fields;
        QVERIFY(parser.parseAt(text.constData(), text.constData() + text.size(), fields));
        QCOMPARE(fields.length, int(text.size()));
        const SourceClock clock(zone.isEmpty() ? QTimeZone::utc() : QTimeZone(zone.toUtf8()));
        QCOMPARE(clock.toUtc(fields), expected);
    }

    void clockOffsetCorrectsSkew()
    {
        const TimestampParser parser({ u"%Y-%m-%dT%H:%M:%S%z"_s });
        const QByteArray text = "2024-12-26T20:30:54Z";
        TimestampFields fields;
        QVERIFY(parser.parseAt(text.constData(), text.constData() + text.size(), fields));
        QCOMPARE(SourceClock(QTimeZone::utc(), -1500).toUtc(fields), iso("2024-12-26T20:30:52.500Z"));
    }

    void syslogYearInference()
    {
        const TimestampParser parser({ u"%b %d %H:%M:%S"_s });
        TimestampFields fields;
        const QByteArray dec = "Dec  6 07:01:02";
        QVERIFY(parser.parseAt(dec.constData(), dec.constData() + dec.size(), fields));
        QCOMPARE(fields.day, 6);
        SourceClock clock;
        clock.setReferenceDate(2025, 1); // a file written in January 2025: December is 2024
        QCOMPARE(clock.toUtc(fields), iso("2024-12-06T07:01:02Z"));
        clock.setReferenceDate(2025, 12);
        QCOMPARE(clock.toUtc(fields), iso("2025-12-06T07:01:02Z"));
        clock.setReferenceDate(2025, 12, 2); // written on 2 December: the 6th is last year's
        QCOMPARE(clock.toUtc(fields), iso("2024-12-06T07:01:02Z"));
        clock.setReferenceDate(2025, 12, 5); // a day's margin for zones: the 6th is this year's
        QCOMPARE(clock.toUtc(fields), iso("2025-12-06T07:01:02Z"));
    }

    void scanFindsTimestampInsideLine()
    {
        const TimestampParser parser({ u"%d/%b/%Y:%H:%M:%S %z"_s });
        const QByteArray line = "10.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1";
        TimestampFields fields;
        QCOMPARE(parser.scan(line.constData(), line.constData() + line.size(), 256, fields),
            qptrdiff(line.indexOf('[') + 1));
    }

    void rejectsGarbage_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("month 13") << QByteArray("2024-13-01T00:00:00Z");
        QTest::newRow("hour 25") << QByteArray("2024-12-01T25:00:00Z");
        QTest::newRow("cut") << QByteArray("2024-12-01T2");
        QTest::newRow("binary") << QByteArray("\x00\xff\xfe\x80 2024", 9);
    }
    void rejectsGarbage()
    {
        QFETCH(QByteArray, text);
        const TimestampParser parser({ u"%Y-%m-%dT%H:%M:%S%z"_s });
        TimestampFields fields;
        QVERIFY(!parser.parseAt(text.constData(), text.constData() + text.size(), fields));
        QCOMPARE(parser.scan(text.constData(), text.constData() + text.size(), 64, fields), qptrdiff(-1));
    }
};

QTEST_GUILESS_MAIN(TestTimestamps)
#include "tst_timestamps.moc"
