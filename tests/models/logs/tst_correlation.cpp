// Correlation keys (exact), nginx ↔ Rails links (inferred), and job spans.
#include "logs/combinedlinematcher.h"
#include "logs/correlationindex.h"
#include "logs/correlationpass.h"
#include "logs/eventreader.h"
#include "logs/formatregistry.h"
#include "logs/logkeycandidates.h"
#include "logs/spanbuilder.h"
#include "logs/tokentable.h"
#include "timeline/timeline.h"
#include "timeline/timelinelanes.h"

#include "core/error.h"

#include <QDateTime>
#include <QDirIterator>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>

#include <numeric>

#include "logfixture.h"

using namespace salvage;
using namespace Qt::StringLiterals;

class TestCorrelation : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;

private Q_SLOTS:
    void keysAndInferredLinks()
    {
        Timeline timeline;
        timeline.setSources({
            LogSource {
                m_files.write(u"access.log"_s,
                    "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n"
                    "203.0.113.9 - - [26/Dec/2024:20:35:00 +0000] \"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n"),
                {}, {}, {}, 0 },
            LogSource { m_files.write(u"production.log"_s,
                            "I, [2024-12-26T21:30:54.071002 #1514]  INFO -- : [b2f7c3a1-4d5e] method=POST path=/inbox "
                            "format=*/* status=202 duration=12.84 key=https://remote.example/users/alice#main-key\n"
                            "I, [2024-12-26T21:30:55.000000 #1514]  INFO -- : [b2f7c3a1-4d5e] Completed 202 Accepted "
                            "in 13ms\n"),
                {}, {}, u"Europe/Berlin"_s, 0 },
        });
        timeline.build();
        timeline.buildCorrelation();
        const CorrelationIndex &index = timeline.correlation();
        QCOMPARE(index.exact(u"b2f7c3a1-4d5e"_s).size(), size_t(2));
        QCOMPARE(index.kindsOf(u"b2f7c3a1-4d5e"_s), QStringList { u"request"_s });
        QCOMPARE(index.exact(u"https://remote.example/users/alice"_s).size(), size_t(1)); // actor without #main-key
        QCOMPARE(index.exact(u"203.0.113.9"_s).size(), size_t(2));
        // The first nginx line (20:30:54) is inferred to be the Rails request; the second (20:35) is not.
        const QList<CorrelationLink> links = index.related(u"b2f7c3a1-4d5e"_s);
        QCOMPARE(links.size(), 3);
        int inferred = 0;
        for (const CorrelationLink &link : links) {
            if (link.exact)
                continue;
            ++inferred;
            QCOMPARE(link.to, (EventRef { 0, 0 }));
        }
        QCOMPARE(inferred, 1);
        // Access-log levels come from the parsed status.
        QCOMPARE(timeline.level({ 0, 0 }), LogLevel::Info);
    }

    // A database row's values that the logs carry become keys: the actor and the address, not a
    // number that only equals a process id.
    void rowValuesBecomeKeys()
    {
        Timeline timeline;
        timeline.setSources({
            LogSource { m_files.write(u"rows-production.log"_s,
                            "I, [2024-12-26T21:30:54.071002 #1514]  INFO -- : [b2f7c3a1-4d5e] method=POST path=/inbox "
                            "status=202 duration=1.0 "
                            "key=https://remote.example/users/alice#main-key remote_ip=203.0.113.9\n"),
                {}, {}, {}, 0 },
            LogSource {
                m_files.write(u"rows-postgresql.log"_s,
                    "2024-12-26 21:30:54.100 UTC [1514] LOG:  connection received: host=203.0.113.9 port=5000\n"),
                {}, {}, {}, 0 },
        });
        timeline.build();
        timeline.buildCorrelation();
        QCOMPARE(timeline.correlation().kindsOf(u"1514"_s), QStringList { u"pid"_s });
        // A row's values as the database prints them: inet adds "/32" to a single host.
        LogKeyCandidates row;
        for (const QString &value :
            { u"42"_s, u"https://remote.example/users/alice"_s, u"1514"_s, u"b2f7c3a1-4d5e"_s, u"alice"_s,
                u"https://remote.example/users/alice"_s, u"203.0.113.9/32"_s, QString(), QString(300, u'x') })
            row.add(value);
        QCOMPARE(row.values().size(), 6); // no duplicate, no empty value, nothing too long for a key
        QCOMPARE(timeline.keysAmong(row.values()),
            (QStringList { u"https://remote.example/users/alice"_s, u"b2f7c3a1-4d5e"_s, u"203.0.113.9"_s }));
        LogKeyCandidates addresses;
        for (const QString &value :
            { u"2001:db8::1/128"_s, u"10.0.0.0/8"_s, u"2001:db8::/32"_s, u"::ffff:192.0.2.1/128"_s })
            addresses.add(value);
        QCOMPARE(addresses.values(),
            (QStringList { u"2001:db8::1"_s, u"10.0.0.0/8"_s, u"2001:db8::/32"_s, u"::ffff:192.0.2.1"_s }));
    }

    void spansFromStartDoneAndElapsed()
    {
        Timeline timeline;
        timeline.setSources({ LogSource {
            m_files.write(u"sidekiq.log"_s,
                "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
                "2024-12-26T20:40:55.000Z pid=1 tid=b class=LinkCrawlWorker jid=j2 INFO: start\n"
                "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n"
                "2024-12-26T20:41:00.000Z pid=1 tid=c class=PollWorker jid=j3 elapsed=0.25 INFO: fail\n"),
            {}, {}, {}, 0 } });
        timeline.build();
        timeline.buildCorrelation();
        const QList<Span> spans = timeline.spans();
        QCOMPARE(spans.size(), 3);
        QCOMPARE(spans.at(0).id, u"j1"_s);
        QCOMPARE(spans.at(0).label, u"AccountMergingWorker"_s);
        QCOMPARE(spans.at(0).endMs - spans.at(0).startMs, qint64(4500));
        QVERIFY(!spans.at(0).open);
        QCOMPARE(spans.at(1).id, u"j2"_s);
        QVERIFY(spans.at(1).open);
        QCOMPARE(spans.at(2).id, u"j3"_s);
        QVERIFY(spans.at(2).failed);
        QVERIFY(spans.at(2).fromElapsed);
        QCOMPARE(spans.at(2).endMs - spans.at(2).startMs, qint64(250));
    }

    void tokenTableInternsOnce()
    {
        TokenTable table;
        QCOMPARE(table.find(u"x"_s), qint64(-1));
        std::vector<quint32> ids;
        for (int i = 0; i < 5000; ++i) // grows its slots many times
            ids.push_back(table.intern(u"10.0.%1.%2"_s.arg(i / 256).arg(i % 256)));
        QCOMPARE(table.size(), quint32(5000));
        QCOMPARE(table.intern(u"10.0.0.7"_s), ids[7]);
        QCOMPARE(table.find(u"10.0.12.34"_s), qint64(ids[12 * 256 + 34]));
        QCOMPARE(table.value(ids[4999]), u"10.0.19.135"_s);
        QCOMPARE(table.value(table.intern(u"ü#ß"_s)), u"ü#ß"_s);
        QCOMPARE(table.size(), quint32(5001));

        // Reserved for fewer values and bytes than come: the table grows past it as before.
        TokenTable reserved;
        reserved.reserveValues(10, 40);
        qsizetype bytes = 0;
        for (quint32 t = 0; t < table.size(); ++t) {
            QCOMPARE(reserved.intern(table.bytes(t)), t);
            bytes += table.bytes(t).size();
        }
        QCOMPARE(reserved.byteCount(), bytes);
        QCOMPARE(reserved.value(4999), u"10.0.19.135"_s);
    }

    // More distinct sets of kinds than a byte numbers (1023 from ten kinds), some added in a second
    // index whose kinds are numbered the other way round and merged: every token keeps its own.
    void kindsBeyondAByteOfSets()
    {
        QStringList names;
        for (int k = 0; k < 10; ++k)
            names.append(u"kind%1"_s.arg(k));
        const auto fill = [&](CorrelationIndex &index, int from, int to, bool reversed) {
            for (int v = from; v < to; ++v) {
                EventKeys keys;
                for (int k = 0; k < 10; ++k) {
                    const int bit = reversed ? 9 - k : k;
                    if (v & (1 << bit))
                        keys.keys.append({ names.at(bit), "v" + QByteArray::number(v), {} });
                }
                index.add({ 0, quint32(v) }, keys);
            }
        };
        CorrelationIndex index, other;
        fill(index, 1, 700, false);
        fill(other, 600, 1024, true);
        index.merge(std::move(other));
        index.finish();
        for (int v = 1; v < 1024; ++v) {
            QStringList expected;
            for (int k = 0; k < 10; ++k)
                if (v & (1 << k))
                    expected.append(names.at(k));
            expected.sort();
            QCOMPARE(index.kindsOf(u"v%1"_s.arg(v)), expected);
            const std::vector<EventRef> refs = index.exact(u"v%1"_s.arg(v));
            QCOMPARE(refs.size(), size_t(1));
            QCOMPARE(refs.front().entry, quint32(v));
        }
    }

    // Entries more than 65,535 apart in one source's postings start a new block of them.
    // Requests of three logs at the same instant and of the same shape: whichever chunk a thread
    // merges first, every event gets the same inferred links in the same order (exports list them).
    void inferredLinksDoNotDependOnTheMergeOrder()
    {
        const auto chunk = [](quint32 source) {
            CorrelationIndex index;
            for (quint32 entry = 0; entry < 4; ++entry) {
                EventKeys event;
                event.instantMs = 1000 + entry / 2; // two requests an instant
                event.method = u"POST"_s;
                event.path = u"/inbox"_s;
                event.status = u"202"_s;
                index.add(EventRef { source, entry }, event);
            }
            return index;
        };
        const auto built = [&](const QList<quint32> &order) {
            CorrelationIndex index;
            for (quint32 source : order)
                index.merge(chunk(source));
            index.finish();
            return index;
        };
        const CorrelationIndex forward = built({ 0, 1, 2 }), backward = built({ 2, 1, 0 });
        QCOMPARE(forward.inferredLinkCount(), backward.inferredLinkCount());
        QVERIFY(forward.inferredLinkCount() > 0);
        for (quint32 source = 0; source < 3; ++source) {
            for (quint32 entry = 0; entry < 4; ++entry) {
                const EventRef ref { source, entry };
                QVERIFY(!forward.inferred(ref).isEmpty());
                QCOMPARE(forward.inferred(ref), backward.inferred(ref));
            }
        }
    }

    void postingsFarApart()
    {
        CorrelationIndex index;
        const std::vector<quint32> entries { 0, 5, 70000, 70001, 200000, 4000000000u };
        for (const quint32 entry : entries) {
            EventKeys keys;
            keys.keys.append({ u"ip"_s, "10.0.0.1", {} });
            index.add({ 1, entry }, keys);
        }
        EventKeys first;
        first.keys.append({ u"ip"_s, "10.0.0.2", {} });
        index.add({ 0, 3 }, first);
        index.finish();
        std::vector<EventRef> expected;
        for (const quint32 entry : entries)
            expected.push_back({ 1, entry });
        QCOMPARE(index.exact(u"10.0.0.1"_s), expected);
        QCOMPARE(index.exact(u"10.0.0.2"_s), std::vector<EventRef>({ { 0, 3 } }));
    }

    // finish() lays out the postings block by block, giving the freed pages back every few hundred
    // thousand postings, into refs that are not zeroed first: every ref must still be written,
    // past the releases too (eight chunks merged out of order, 640,000 postings).
    void layoutPastFreedPages()
    {
        const quint32 chunks = 8, perChunk = 40000;
        CorrelationIndex index;
        for (const quint32 chunk : { 3u, 0u, 7u, 1u, 6u, 2u, 5u, 4u }) {
            CorrelationIndex partial;
            for (quint32 entry = chunk * perChunk; entry < (chunk + 1) * perChunk; ++entry) {
                EventKeys keys;
                keys.keys.append({ u"ip"_s, "u" + QByteArray::number(entry), {} });
                keys.keys.append({ u"user"_s, "s" + QByteArray::number(entry % 7), {} });
                partial.add({ 0, entry }, keys);
            }
            index.merge(std::move(partial), 1.0 / chunks);
        }
        index.finish();
        QCOMPARE(index.tokenCount(), qsizetype(chunks * perChunk + 7));
        for (quint32 entry = 0; entry < chunks * perChunk; entry += 997)
            QCOMPARE(index.exact(u"u"_s + QString::number(entry)), std::vector<EventRef>({ { 0, entry } }));
        const std::vector<EventRef> shared = index.exact(u"s3"_s);
        QCOMPARE(shared.size(), size_t(chunks * perChunk / 7));
        for (size_t i = 0; i < shared.size(); ++i)
            QCOMPARE(shared[i], (EventRef { 0, quint32(3 + 7 * i) }));
    }

    // 100 000 entries are parsed in several chunks in parallel: jobs that start in one chunk
    // and end in the next still pair, keys keep every event once and in order.
    void chunksJoinAcrossBorders()
    {
        QByteArray text;
        const int jobs = 25000, lag = 2500; // a job ends 2 500 jobs (10 000 lines, 25 s) after it starts
        auto at = [](qint64 ms) -> QByteArray {
            return QDateTime::fromMSecsSinceEpoch(1735245654000LL + ms, QTimeZone::utc())
                       .toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s)
                       .toUtf8()
                + 'Z';
        };
        auto line = [](const QByteArray &time, int job, const QByteArray &tail) -> QByteArray {
            return time + " pid=1 tid=a class=" + (job % 3 == 0 ? "PollWorker" : "MergeWorker") + " jid=j"
                + QByteArray::number(job) + ' ' + tail + '\n';
        };
        for (int j = 0; j < jobs + lag; ++j) {
            if (j < jobs) {
                text += line(at(j * 10), j, "account_id=42 INFO: start");
                text += line(at(j * 10), j, "INFO: working");
            }
            if (j >= lag) {
                text += line(at(j * 10), j - lag, "elapsed=25.0 INFO: done");
                text += line(at(j * 10), j - lag, "INFO: bye");
            }
        }
        Timeline timeline;
        timeline.setSources({ LogSource { m_files.write(u"big-sidekiq.log"_s, text), {}, {}, {}, 0 } });
        timeline.build();
        QCOMPARE(timeline.merged().size(), size_t(jobs * 4));
        std::atomic<qint64> reported = 0;
        CorrelationPass::Result result = timeline.correlate(nullptr, [&](qint64 done, qint64 total) {
            QCOMPARE(total, qint64(jobs * 4));
            reported = std::max<qint64>(reported, done);
        });
        QCOMPARE(reported.load(), qint64(jobs * 4));
        timeline.adopt(std::move(result));
        const QList<Span> spans = timeline.spans();
        QCOMPARE(spans.size(), jobs);
        for (const Span &span : spans) {
            QVERIFY2(!span.open && !span.fromElapsed, qPrintable(span.id));
            QCOMPARE(span.endMs - span.startMs, qint64(25000));
        }
        const std::vector<EventRef> account = timeline.correlation().exact(u"42"_s);
        QCOMPARE(account.size(), size_t(jobs));
        QVERIFY(std::is_sorted(account.begin(), account.end()));
        QCOMPARE(timeline.correlation().exact(u"j12345"_s).size(), size_t(4));
        // Worker classes become sub-lanes, sorted.
        QCOMPARE(timeline.subLanes(0), (QStringList { u"MergeWorker"_s, u"PollWorker"_s }));
        QCOMPARE(timeline.subLane({ 0, 0 }), 1);
        QCOMPARE(timeline.subLane({ 0, 2 }), 0);
        const std::vector<TimelineLane> folded = timelineLanes(timeline, timeline.merged().toVector(), {}, {});
        QCOMPARE(folded.size(), size_t(1));
        QCOMPARE(folded.front().subLaneCount, 2);
        const std::vector<TimelineLane> lanes = timelineLanes(timeline, timeline.merged().toVector(), {}, { 0 });
        QCOMPARE(lanes.size(), size_t(3));
        QCOMPARE(lanes[1].label, u"MergeWorker"_s);
        QCOMPARE(lanes[1].instants.size() + lanes[2].instants.size(), lanes[0].instants.size());
        QCOMPARE(lanes[2].spans.size(), qsizetype((jobs + 2) / 3)); // PollWorker: every third job
        // The histogram counts each event once (sub-lanes repeat their source's events).
        const std::vector<qint64> bins = histogram(lanes, lanes[0].instants.front(), lanes[0].instants.back() + 1, 37);
        QCOMPARE(std::accumulate(bins.begin(), bins.end(), qint64(0)), qint64(jobs * 4));
    }

    void cancelStopsThePass()
    {
        Timeline timeline;
        QByteArray text;
        for (int i = 0; i < 70000; ++i)
            text += "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=j" + QByteArray::number(i) + " INFO: start\n";
        timeline.setSources({ LogSource { m_files.write(u"cancel.log"_s, text), {}, {}, {}, 0 } });
        timeline.build();
        std::atomic_bool cancel = true;
        QVERIFY_THROWS_EXCEPTION(Cancelled, timeline.correlate(&cancel));
        QVERIFY(!timeline.hasCorrelation());
    }

    // The parse pass cut into many small chunks on several threads finds exactly what one serial
    // pass over whole sources finds, on a mix of every real format, multi-line entries, spans and
    // lanes crossing chunk borders and requests linked across sources.
    void parallelPassEqualsSerial()
    {
        QList<LogSource> sources;
        QDirIterator files(QStringLiteral(SALVAGE_SOURCE_DIR) + u"/tests/models/logs/real"_s, QDir::Files,
            QDirIterator::Subdirectories);
        while (files.hasNext()) {
            const QString file = files.next();
            if (!file.endsWith(u".md"_s))
                sources.append(LogSource { file, {}, {}, {}, 0 });
        }
        QByteArray sidekiq;
        for (int j = 0; j < 300; ++j) {
            const QByteArray time = QDateTime::fromMSecsSinceEpoch(1735245654000LL + j * 10, QTimeZone::utc())
                                        .toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s)
                                        .toUtf8();
            const QByteArray job = " pid=1 tid=a class=" + QByteArray(j % 3 ? "MergeWorker" : "PollWorker") + " jid=j";
            sidekiq += time + "Z" + job + QByteArray::number(j) + " account_id=" + QByteArray::number(j % 7)
                + " INFO: start\n";
            if (j >= 5)
                sidekiq += time + "Z" + job + QByteArray::number(j - 5) + " elapsed=0.05 INFO: done\n";
        }
        sources.append(LogSource { m_files.write(u"mixed-sidekiq.log"_s, sidekiq), {}, {}, {}, 0 });
        sources.append(LogSource { m_files.write(u"mixed-access.log"_s,
                                       "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"POST /inbox HTTP/1.1\" 202 0 "
                                       "\"-\" \"http.rb\"\n"
                                       "198.51.100.7 - - [26/Dec/2024:20:31:02 +0000] \"GET /api/v1/accounts/9001 "
                                       "HTTP/2.0\" 502 157 \"-\" \"curl\"\n"),
            {}, {}, {}, 0 });
        sources.append(LogSource { m_files.write(u"mixed-production.log"_s, salvage::test::LogFixture::railsLines()),
            {}, {}, u"Europe/Berlin"_s, 0 });
        Timeline timeline;
        timeline.setSources(sources);
        timeline.build();
        std::vector<const IndexedLog *> logs;
        for (int i = 0; i < timeline.sourceCount(); ++i)
            logs.push_back(&timeline.source(i));
        const CorrelationPass::Result serial = CorrelationPass(logs, qint64(1) << 40, 1).run();
        const CorrelationPass::Result parallel = CorrelationPass(logs, 3, 4).run();

        QVERIFY(serial.index.tokenCount() > 300); // the jobs alone are 300
        QVERIFY(serial.index.inferredLinkCount() > 0);
        QVERIFY(serial.spans.size() >= 295);
        QCOMPARE(parallel.levels, serial.levels);
        QCOMPARE(parallel.lanes, serial.lanes);
        QCOMPARE(parallel.laneNames, serial.laneNames);
        QCOMPARE(parallel.spans.size(), serial.spans.size());
        for (qsizetype i = 0; i < serial.spans.size(); ++i) {
            const Span &a = parallel.spans.at(i), &b = serial.spans.at(i);
            QCOMPARE(std::tie(a.id, a.label, a.source, a.startMs, a.endMs, a.failed, a.open, a.fromElapsed),
                std::tie(b.id, b.label, b.source, b.startMs, b.endMs, b.failed, b.open, b.fromElapsed));
        }
        QCOMPARE(parallel.index.tokenCount(), serial.index.tokenCount());
        QCOMPARE(parallel.index.tags(), serial.index.tags());
        QCOMPARE(parallel.index.inferredLinkCount(), serial.index.inferredLinkCount());
        for (quint32 token = 0; token < quint32(serial.index.tokenCount()); ++token) {
            const QString value = serial.index.tokenValue(token);
            const std::vector<EventRef> a = parallel.index.exact(value), b = serial.index.exact(value);
            QVERIFY2(std::equal(a.begin(), a.end(), b.begin(), b.end()), qPrintable(value));
            QCOMPARE(parallel.index.kindsOf(value), serial.index.kindsOf(value));
            for (const EventRef &ref : b) {
                QCOMPARE(parallel.index.inferred(ref), serial.index.inferred(ref)); // in the same order
            }
        }
    }

    // The pass reads plain one-line entries from their bytes (EventParser::keysOf): it must find
    // what a whole Keys parse finds, and leave every other entry to that parse.
    void lineKeysEqualParse()
    {
        QStringList files;
        QDirIterator real(QStringLiteral(SALVAGE_SOURCE_DIR) + u"/tests/models/logs/real"_s, QDir::Files,
            QDirIterator::Subdirectories);
        while (real.hasNext())
            if (const QString file = real.next(); !file.endsWith(u".md"_s))
                files.append(file);
        const QByteArray line = "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"GET /accounts/44/statuses/12 "
                                "HTTP/1.1\" 502 0 \"-\" \"curl\"";
        QByteArray odd;
        for (const QByteArray &variant : QList<QByteArray> { line, QByteArray(line + "\r"),
                 QByteArray(line).replace("203.0.113.9", "[2001:db8::1]:443"),
                 QByteArray(line).replace("203.0.113.9", "10.0.0.5:51234"),
                 QByteArray(line).replace("203.0.113.9", "2001:db8::7"), QByteArray(line).replace(" - - ", " - frank "),
                 QByteArray(line).replace("curl", "cu\xff\xferl"),
                 QByteArray(line).replace("curl", QByteArray("cu\0rl", 5)),
                 QByteArray(line).replace("curl", "\x1b[31mcurl\x1b[0m"),
                 QByteArray(line).replace("/accounts/44", "/accounts/44?x=args=[1,2]"),
                 QByteArray(line).replace("/accounts/44", "/x/\"user_id\":5"),
                 QByteArray(line).replace("/accounts/44", "/parameters: $1"),
                 QByteArray(line).replace("/accounts/44", "/users/alice/statuses/1133.json"),
                 QByteArray(line).replace("curl", QByteArray(70000, 'x')), QByteArray("not an access line at all"),
                 QByteArray(line).replace("/accounts/44", "https://remote.example/users/bob#main-key/9") })
            odd += variant + "\n";
        files.append(m_files.write(u"odd-access.log"_s, odd));

        qint64 read = 0, parsed = 0;
        for (const QString &file : std::as_const(files)) {
            Timeline timeline;
            timeline.setSources({ LogSource { file, {}, {}, {}, 0 } });
            timeline.build();
            const IndexedLog &log = timeline.source(0);
            const LogFormat &format = log.payload() ? *log.payload() : *log.format();
            const QString &method = format.requestMethodField;
            EventReader fast(log), whole(log);
            for (qint64 entry = 0; entry < log.index().count(); ++entry) {
                const LogEvent *event = nullptr, *wholeEvent = nullptr;
                const EventKeys &a
                    = fast.keys(entry, false, method, format.requestPathField, format.requestStatusField, &event);
                const EventKeys &b
                    = whole.keys(entry, true, method, format.requestPathField, format.requestStatusField, &wholeEvent);
                QVERIFY(wholeEvent);
                ++(event ? parsed : read);
                const QString where = file + u" entry "_s + QString::number(entry);
                QVERIFY2(a.instantMs == b.instantMs && a.level == b.level && a.lane == b.lane, qPrintable(where));
                QVERIFY2(a.method == b.method && a.path == b.path && a.status == b.status, qPrintable(where));
                QCOMPARE(a.keys.size(), b.keys.size());
                for (qsizetype k = 0; k < a.keys.size(); ++k)
                    QVERIFY2(a.keys[k].kind == b.keys[k].kind && a.keys[k].value == b.keys[k].value
                            && a.keys[k].table == b.keys[k].table,
                        qPrintable(where + u" key "_s + QString::fromUtf8(b.keys[k].value)));
            }
        }
        QVERIFY(read >= 26); // the 18 lines of the real access logs, 8 of the odd ones
        QVERIFY(parsed > 100); // everything else
    }

    // The hand-written matcher of the access log's "combined" pattern against the regex, group by
    // group, over the real access lines and thousands of mutations of them (quotes, backslashes,
    // spaces, brackets, digits and control bytes put in, taken out or swapped).
    void combinedMatcherEqualsRegex()
    {
        const FormatRegistry registry = FormatRegistry::standard();
        const int at = registry.indexOf(u"access_log"_s);
        QVERIFY(at >= 0);
        const LogFormat &format = registry.formats().at(at);
        QVERIFY(CombinedLineMatcher::reads(format.patterns.at(0)));
        QVERIFY(!CombinedLineMatcher::reads(format.patterns.at(1))); // "malformed" keeps its regex
        const QRegularExpression &regex = format.patterns.at(0);
        QCOMPARE(regex.captureCount(), CombinedLineMatcher::groupCount);

        QList<QByteArray> lines;
        for (const char *name :
            { "/tests/models/logs/real/nginx/access.log", "/tests/models/logs/real/apache/access.log" }) {
            QFile file(QStringLiteral(SALVAGE_SOURCE_DIR) + QString::fromLatin1(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            for (const QByteArray &line : file.readAll().split('\n'))
                if (!line.isEmpty())
                    lines.append(line);
        }
        const QByteArray line = "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"GET /accounts/44?x=1 HTTP/1.1\" 502 0 "
                                "\"-\" \"cu\\\"rl\\\\\"";
        lines << line << QByteArray(line).replace("?x=1", "?x=\"1") << QByteArray(line).replace(" 0 ", " - ")
              << QByteArray(line).replace("cu", "cu\\\v") << QByteArray(line + "\f") << QByteArray(line).chopped(1)
              << QByteArray(line).replace("\"-\" ", "");
        const QByteArray inserts(" \"?\\[]-0129AZaz\t\v\f\r\x01\x7f", 21);
        QRandomGenerator random(14);
        const qsizetype real = lines.size();
        for (int i = 0; i < 30000; ++i) {
            QByteArray mutated = lines.at(random.bounded(real));
            for (int edits = 1 + random.bounded(3); edits > 0 && !mutated.isEmpty(); --edits) {
                const qsizetype where = random.bounded(mutated.size());
                const char c = inserts.at(random.bounded(inserts.size()));
                switch (random.bounded(3)) {
                case 0:
                    mutated.insert(where, c);
                    break;
                case 1:
                    mutated.remove(where, 1);
                    break;
                default:
                    mutated[where] = c;
                }
            }
            lines.append(mutated);
        }

        int matches = 0, misses = 0, unsure = 0;
        for (const QByteArray &bytes : std::as_const(lines)) {
            CombinedLineMatcher::Groups groups;
            const CombinedLineMatcher::Result result = CombinedLineMatcher::match(bytes, groups);
            const QRegularExpressionMatch m = regex.match(QString::fromLatin1(bytes));
            const QString where = QString::fromLatin1(bytes.toPercentEncoding(" \"?[]-/:.+();"));
            if (result == CombinedLineMatcher::Result::Unsure) {
                ++unsure;
                continue;
            }
            QVERIFY2(m.hasMatch() == (result == CombinedLineMatcher::Result::Match), qPrintable(where));
            if (!m.hasMatch()) {
                ++misses;
                continue;
            }
            ++matches;
            for (int group = 1; group <= CombinedLineMatcher::groupCount; ++group)
                QVERIFY2(m.capturedStart(group) == groups.start[size_t(group)]
                        && m.capturedEnd(group) == groups.end[size_t(group)],
                    qPrintable(where + u" group "_s + QString::number(group)));
        }
        // Both outcomes are common, so a matcher that always answers one way fails.
        QVERIFY2(matches > 5000 && misses > 5000 && unsure > 100,
            qPrintable(u"%1 %2 %3"_s.arg(matches).arg(misses).arg(unsure)));
    }
};

QTEST_GUILESS_MAIN(TestCorrelation)
#include "tst_correlation.moc"
