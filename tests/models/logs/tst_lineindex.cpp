// The index over real files: multi-line joins, gzip, and garbage that must never crash.
#include "core/error.h"
#include "logs/deltacolumn.h"
#include "logs/indexedlog.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

#include "logfixture.h"

#include <limits>

#include <zlib.h>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestLineIndex : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;
    FormatRegistry m_registry = FormatRegistry::standard();

    std::unique_ptr<IndexedLog> index(const QString &path, const QString &zone = {})
    {
        auto log = std::make_unique<IndexedLog>(LogSource { path, {}, {}, zone, 0 }, m_registry);
        log->build();
        return log;
    }

    static QByteArray postgres()
    {
        return "2024-12-26 21:31:00.412 CET [48213] ERROR:  duplicate key value violates unique constraint \"x\"\n"
               "2024-12-26 21:31:00.412 CET [48213] DETAIL:  Key (id)=(1) already exists.\n"
               "2024-12-26 21:31:00.412 CET [48213] STATEMENT:  INSERT INTO accounts (id)\n"
               "\tVALUES (1)\n"
               "2024-12-26 21:31:01.000 CET [48214] LOG:  checkpoint starting: time\n";
    }

private Q_SLOTS:
    void postgresJoinsDetailAndStatement()
    {
        const auto log = index(m_files.write(u"postgresql.log"_s, postgres()));
        QCOMPARE(log->format()->id, u"postgresql_log"_s);
        QCOMPARE(log->index().count(), 2);
        QCOMPARE(log->index().lineCount(), 5);
        QVERIFY(log->index().flags(0) & LineIndex::Multiline);
        QCOMPARE(log->index().level(0), LogLevel::Error);
        QCOMPARE(log->index().level(1), LogLevel::Info);
        const LogEvent e = log->event(0);
        QCOMPARE(e.message,
            u"duplicate key value violates unique constraint \"x\"\nDETAIL:  Key (id)=(1) already exists.\n"
            "STATEMENT:  INSERT INTO accounts (id)\n\tVALUES (1)"_s);
        QVERIFY(e.raw.startsWith(u"2024-12-26 21:31:00.412 CET [48213] ERROR:"_s)); // original text kept
        QCOMPARE(
            e.instantMs, QDateTime::fromString(u"2024-12-26T20:31:00.412Z"_s, Qt::ISODateWithMs).toMSecsSinceEpoch());
        QCOMPARE(log->index().line(1), 5);
    }

    void rubyBacktraceJoins()
    {
        const auto log = index(m_files.write(u"production.log"_s,
                                   "E, [2024-12-26T21:31:00.000001 #1514] ERROR -- : [0f1e2d3c-4b5a] NoMethodError "
                                   "(undefined method `id' for nil)\n"
                                   "app/models/account.rb:12:in `merge!'\n"
                                   "  app/workers/account_merging_worker.rb:9:in `perform'\n"
                                   "I, [2024-12-26T21:31:01.000001 #1514]  INFO -- : next\n"),
            u"Europe/Berlin"_s);
        QCOMPARE(log->format()->id, u"rails_log"_s);
        QCOMPARE(log->index().count(), 2);
        QVERIFY(log->event(0).message.endsWith(u"account_merging_worker.rb:9:in `perform'"_s));
        QCOMPARE(log->event(0).instantMs,
            QDateTime::fromString(u"2024-12-26T20:31:00.000Z"_s, Qt::ISODateWithMs).toMSecsSinceEpoch());
    }

    void gzipReadTransparently()
    {
        const auto plain = index(m_files.write(u"a.log"_s, postgres()));
        const auto gz = index(m_files.writeGzip(u"a.log.1.gz"_s, postgres()));
        QVERIFY(gz->file().isCompressed());
        QVERIFY(gz->file().damage().isEmpty());
        QCOMPARE(gz->index().count(), plain->index().count());
        QCOMPARE(gz->event(0).message, plain->event(0).message);
    }

    void gzipConcatenatedMembers()
    {
        const QString first = m_files.writeGzip(u"m1.gz"_s, postgres());
        QFile a(first);
        QVERIFY(a.open(QIODevice::ReadOnly));
        const QByteArray member = a.readAll();
        const auto log = index(m_files.write(u"two-members.gz"_s, member + member));
        QVERIFY(log->file().damage().isEmpty());
        QCOMPARE(log->index().count(), 4);
    }

    void gzipTruncatedKeepsWhatIsReadable()
    {
        QByteArray big;
        for (int i = 0; i < 2000; ++i)
            big += postgres();
        QFile gz(m_files.writeGzip(u"cut.gz"_s, big));
        QVERIFY(gz.open(QIODevice::ReadOnly));
        const QByteArray bytes = gz.readAll();
        const auto log = index(m_files.write(u"cut.log.gz"_s, bytes.left(bytes.size() / 2)));
        QVERIFY(!log->file().damage().isEmpty());
        QVERIFY(log->index().count() > 10);
        QVERIFY(log->index().count() < 4000);
        QCOMPARE(log->caveats().size(), 1); // said up front in the Timeline view
        QVERIFY(log->caveats().first().contains(log->file().damage()));
    }

    // What makes a source's times doubtful, one sentence each; nothing for a sound file.
    void caveats()
    {
        QVERIFY(index(m_files.write(u"sound.log"_s, postgres()))->caveats().isEmpty());
        const auto unknown = index(m_files.write(u"notes.txt"_s, "just some words\nand more words\n"));
        QCOMPARE(unknown->caveats().size(), 1);
        QVERIFY(unknown->caveats().first().contains(u"no known log format"_s));
        const QByteArray cst = "2024-12-26 21:31:00.412 CST [48213] LOG:  checkpoint starting: time\n";
        const auto ambiguous = index(m_files.write(u"cst.log"_s, cst));
        QCOMPARE(ambiguous->caveats().size(), 1);
        QVERIFY2(ambiguous->caveats().first().contains(u"CST read as UTC-06:00"_s),
            qPrintable(ambiguous->caveats().first()));
        QVERIFY(index(m_files.write(u"cst-zoned.log"_s, cst), u"Asia/Shanghai"_s)->caveats().isEmpty());
    }

    void garbageNeverCrashes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("entries");
        const QByteArray good = "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=abc INFO: start\n";
        QTest::newRow("invalid UTF-8") << QByteArray(
            good + "2024-12-26T20:40:55.123Z pid=1 tid=a class=W jid=abc INFO: caf\xe9 \xff\xfe\n")
                                       << 2;
        QTest::newRow("NUL bytes") << QByteArray(
            good + QByteArray("2024-12-26T20:40:55.123Z pid=1 tid=a jid=abc INFO: a\0b\n", 55))
                                   << 2;
        QTest::newRow("CRLF") << QByteArray("2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=abc INFO: start\r\n"
                                            "2024-12-26T20:40:55.123Z pid=1 tid=a class=W jid=abc INFO: done\r\n")
                              << 2;
        QTest::newRow("truncated last line") << QByteArray(good + "2024-12-26T20:40:55.123Z pid=1 tid=a cla") << 2;
        QTest::newRow("empty") << QByteArray() << 0;
        QTest::newRow("only newlines") << QByteArray("\n\n\n") << 3; // unrecognised: every line stands alone
        QTest::newRow("binary") << QByteArray(4096, '\x01') << 1;
    }
    void garbageNeverCrashes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, entries);
        const QString name = u"garbage-%1.log"_s.arg(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'-'));
        const auto log = index(m_files.write(name, bytes));
        QCOMPARE(log->index().count(), entries);
        for (qint64 i = 0; i < log->index().count(); ++i) {
            const LogEvent e = log->event(i);
            QVERIFY(!e.raw.contains(u'\r'));
            if (QByteArray(QTest::currentDataTag()) == "invalid UTF-8" && i == 1)
                QVERIFY(e.flags & LogEvent::InvalidUtf8);
            if (QByteArray(QTest::currentDataTag()) == "NUL bytes" && i == 1) {
                QVERIFY(e.flags & LogEvent::HasNul);
                QVERIFY(e.message.contains(QChar(0x2400)));
            }
            if (QByteArray(QTest::currentDataTag()) == "truncated last line" && i == 1)
                QVERIFY(e.flags & LineIndex::Truncated);
        }
    }

    void hugeLineIsCutNotLoaded()
    {
        QByteArray bytes = "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=abc INFO: ";
        bytes += QByteArray(10 * 1024 * 1024, 'x');
        bytes += "\n2024-12-26T20:40:55.123Z pid=1 tid=a class=W jid=abc INFO: after\n";
        const auto log = index(m_files.write(u"huge.log"_s, bytes));
        QCOMPARE(log->index().count(), 2);
        QVERIFY(log->index().flags(0) & LineIndex::LongLine);
        const LogEvent e = log->event(0);
        QVERIFY(e.flags & LogEvent::Cut);
        QVERIFY(e.raw.size() <= 64 * 1024 + 1);
        QCOMPARE(log->event(1).message, u"after"_s);
    }

    void perLineFallback()
    {
        // A Sidekiq file with a stray Rails line: each keeps its own format.
        const auto log = index(m_files.write(u"mixed.log"_s,
            "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=abc INFO: start\n"
            "2024-12-26T20:40:55.123Z pid=1 tid=a class=W jid=abc INFO: done\n"
            "I, [2024-12-26T20:40:56.000001 #1514]  INFO -- : [0f1e2d3c-4b5a] Started GET \"/\" for 1.2.3.4\n"));
        QCOMPARE(log->format()->id, u"sidekiq_log"_s);
        QCOMPARE(log->index().count(), 3);
        QVERIFY(log->index().flags(2) & LineIndex::Fallback);
        QCOMPARE(log->event(2).format, u"rails_log"_s);
    }

    // The columns keep 4-byte steps from a base per block of entries: blocks whose instants lie
    // weeks apart, negative and extreme values are kept whole, and every value comes back.
    void deltaColumnKeepsEveryValue()
    {
        std::vector<qint64> values;
        for (qint64 i = 0; i < 5000; ++i)
            values.push_back(1'700'000'000'000 + i * 1000); // narrow
        for (qint64 i = 0; i < 5000; ++i)
            values.push_back(1'700'000'000'000 + i * 86'400'000); // a day apart: wide
        values.push_back(std::numeric_limits<qint64>::min());
        values.push_back(std::numeric_limits<qint64>::max());
        values.push_back(-5);
        for (qint64 i = 0; i < 4100; ++i)
            values.push_back(-(qint64(1) << 31) + i); // down to INT32_MIN from the block's base
        const DeltaColumn column(values);
        QCOMPARE(column.size(), values.size());
        for (size_t i = 0; i < values.size(); ++i)
            QCOMPARE(column[i], values[i]);
        QVERIFY(DeltaColumn(std::vector<qint64>()).empty());
    }

    // A file whose entries lie years apart after a leading line without a timestamp: offsets and
    // instants read back exactly.
    void instantsYearsApart()
    {
        QByteArray bytes = "no time on this line\n";
        std::vector<qint64> offsets { 0 }, instants;
        const QDateTime start(QDate(1990, 1, 1), QTime(0, 0), QTimeZone::utc());
        for (int i = 0; i < 9000; ++i) {
            // A second apart for 5000 entries, then a day apart.
            const QDateTime at = i < 5000 ? start.addSecs(i) : start.addDays(i - 4999);
            offsets.push_back(bytes.size());
            instants.push_back(at.toMSecsSinceEpoch());
            bytes
                += at.toString(Qt::ISODateWithMs).toUtf8() + " pid=1 tid=a INFO: entry " + QByteArray::number(i) + "\n";
        }
        instants.insert(instants.begin(), instants.front()); // the leading line takes the first instant
        const auto log = index(m_files.write(u"years.log"_s, bytes));
        QCOMPARE(log->index().count(), qint64(offsets.size()));
        for (size_t i = 0; i < offsets.size(); ++i) {
            QCOMPARE(log->index().offset(qint64(i)), offsets[i]);
            QCOMPARE(log->index().instant(qint64(i)), instants[i]);
        }
        QCOMPARE(log->index().end(qint64(offsets.size()) - 1), qint64(bytes.size()));
    }

    void unsortedFileIsReportedUnsorted()
    {
        const auto log = index(m_files.write(u"unsorted.log"_s,
            "2024-12-26T20:40:55.123Z pid=1 tid=a INFO: second\n2024-12-26T20:40:54.123Z pid=1 tid=a INFO: first\n"));
        QVERIFY(!log->index().isSorted());
    }

    void dockerJournaldSyslogEnvelopes_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("envelope");
        QTest::addColumn<QString>("payload");
        QTest::addColumn<qint64>("instant");
        const QByteArray sk
            = "2024-12-26T20:40:54.123Z pid=7 tid=gsq2r class=AccountMergingWorker jid=0b5a7c1d INFO: start";
        const qint64 at = QDateTime::fromString(u"2024-12-26T20:40:54.123Z"_s, Qt::ISODateWithMs).toMSecsSinceEpoch();
        QTest::newRow("docker") << QByteArray(
            "{\"log\":\"" + sk + "\\n\",\"stream\":\"stdout\",\"time\":\"2024-12-26T20:40:54.123456789Z\"}\n")
                                << u"docker_json"_s << u"sidekiq_log"_s << at;
        QTest::newRow("journald") << QByteArray("{\"__REALTIME_TIMESTAMP\":\"1735245654123456\",\"PRIORITY\":\"6\","
                                                "\"SYSLOG_IDENTIFIER\":\"sidekiq\",\"MESSAGE\":\""
            + sk + "\"}\n") << u"journald_json"_s
                                  << u"sidekiq_log"_s << at;
        QTest::newRow("syslog") << QByteArray("Dec 26 21:40:54 web1 sidekiq[1514]: " + sk + "\n") << u"syslog_log"_s
                                << u"sidekiq_log"_s << at;
    }
    void dockerJournaldSyslogEnvelopes()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, envelope);
        QFETCH(QString, payload);
        QFETCH(qint64, instant);
        const auto log = index(m_files.write(envelope + u".log"_s, bytes), u"Europe/Berlin"_s);
        QCOMPARE(log->format()->id, envelope);
        QVERIFY(log->payload());
        QCOMPARE(log->payload()->id, payload);
        QCOMPARE(log->index().instant(0), instant);
        QCOMPARE(log->index().level(0), LogLevel::Info);
        QCOMPARE(log->event(0).message, u"start"_s);
    }

    // The text search reads blocks: a match across a block border counts, case is ignored, a
    // continuation line belongs to its entry.
    void textSearchOverBlocks()
    {
        QByteArray bytes;
        const QByteArray prefix = "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=j INFO: ";
        for (int i = 0; bytes.size() < (1 << 20) + 5000; ++i) {
            QByteArray line = prefix + QByteArray::number(i);
            line += QByteArray(99 - line.size(), ' ') + '\n'; // 100 bytes a line
            bytes += line;
        }
        // Line 10485 starts at 1,048,500: bytes 70..79 of it straddle the 1 MiB border.
        bytes.replace(1048500 + 70, 10, "Needle-XYZ");
        const auto log = index(m_files.write(u"search.log"_s, bytes));
        std::vector<bool> hits = log->entriesContaining("needle-xyz");
        QCOMPARE(qsizetype(std::count(hits.begin(), hits.end(), true)), qsizetype(1));
        QVERIFY(hits[10485]);
        const auto joined = index(m_files.write(u"search-pg.log"_s, postgres()));
        hits = joined->entriesContaining("already exists");
        QVERIFY(std::find(hits.begin(), hits.end(), true) != hits.end()); // found in a DETAIL line
    }

    void payloadOnlyFormatCannotBeChosenForAFile()
    {
        IndexedLog log(LogSource { m_files.write(u"bare-lograge.log"_s, "method=GET path=/ status=200\n"), {},
                           u"lograge"_s, {}, 0 },
            m_registry);
        QVERIFY_THROWS_EXCEPTION(Error, log.build());
    }

    void unreadableFileThrows()
    {
        QVERIFY_THROWS_EXCEPTION(
            Error, IndexedLog(LogSource { m_files.path(u"missing.log"_s), {}, {}, {}, 0 }, m_registry));
        QVERIFY_THROWS_EXCEPTION(Error, IndexedLog(LogSource { m_files.path({}), {}, {}, {}, 0 }, m_registry));
        QVERIFY_THROWS_EXCEPTION(Error,
            IndexedLog(LogSource { m_files.write(u"z.log"_s, "x\n"), {}, {}, u"Mars/Olympus"_s, 0 }, m_registry));
    }
};

QTEST_GUILESS_MAIN(TestLineIndex)
#include "tst_lineindex.moc"
