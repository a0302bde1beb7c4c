// Correlation keys (exact), nginx ↔ Rails links (inferred), and job spans.
#include "logs/correlationindex.h"
#include "logs/spanbuilder.h"
#include "timeline/timeline.h"

#include <QTest>

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
            LogSource{m_files.write(u"access.log"_s,
                            "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n"
                            "203.0.113.9 - - [26/Dec/2024:20:35:00 +0000] \"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n"),
                      {}, {}, {}, 0},
            LogSource{m_files.write(u"production.log"_s,
                            "I, [2024-12-26T21:30:54.071002 #1514]  INFO -- : [b2f7c3a1-4d5e] method=POST path=/inbox format=*/* status=202 duration=12.84 key=https://remote.example/users/alice#main-key\n"
                            "I, [2024-12-26T21:30:55.000000 #1514]  INFO -- : [b2f7c3a1-4d5e] Completed 202 Accepted in 13ms\n"),
                      {}, {}, u"Europe/Berlin"_s, 0},
        });
        timeline.build();
        timeline.buildCorrelation();
        const CorrelationIndex &index = timeline.correlation();
        QCOMPARE(index.exact(u"b2f7c3a1-4d5e"_s).size(), size_t(2));
        QCOMPARE(index.kindsOf(u"b2f7c3a1-4d5e"_s), QStringList{u"request"_s});
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
            QCOMPARE(link.to, (EventRef{0, 0}));
        }
        QCOMPARE(inferred, 1);
        // Access-log levels come from the parsed status.
        QCOMPARE(timeline.level({0, 0}), LogLevel::Info);
    }

    void spansFromStartDoneAndElapsed()
    {
        Timeline timeline;
        timeline.setSources({LogSource{m_files.write(u"sidekiq.log"_s,
            "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
            "2024-12-26T20:40:55.000Z pid=1 tid=b class=LinkCrawlWorker jid=j2 INFO: start\n"
            "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n"
            "2024-12-26T20:41:00.000Z pid=1 tid=c class=PollWorker jid=j3 elapsed=0.25 INFO: fail\n"), {}, {}, {}, 0}});
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
};

QTEST_GUILESS_MAIN(TestCorrelation)
#include "tst_correlation.moc"
