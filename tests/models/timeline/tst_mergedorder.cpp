// The merged order's 4-byte form: which sources and entries fit it, the wide form past that,
// one source in file order kept as nothing, and reading it back through its iterator.
#include "timeline/mergedorder.h"
#include "timeline/timeline.h"

#include <QTest>

#include "logfixture.h"

#include <algorithm>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestMergedOrder : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;

    /// An order for `counts` holding `refs`, checked to read them back in every way.
    static MergedOrder filled(const std::vector<qint64> &counts, const std::vector<EventRef> &refs)
    {
        MergedOrder order(counts);
        order.reserve(refs.size() + 100); // more than used: finish() gives it back
        for (const EventRef ref : refs)
            order.append(ref);
        order.finish();
        [&] {
            QCOMPARE(order.size(), refs.size());
            QCOMPARE(order.empty(), refs.empty());
            for (size_t i = 0; i < refs.size(); ++i)
                QCOMPARE(order[i], refs[i]);
            QCOMPARE(order.toVector(), refs);
        }();
        return order;
    }

private Q_SLOTS:
    void packsFourBytesAnEntry_data()
    {
        QTest::addColumn<std::vector<qint64>>("counts");
        QTest::addColumn<std::vector<EventRef>>("refs");
        // The source takes the fewest high bits its numbers need; an entry number the rest.
        QTest::newRow("one source, the last entry number 32 bits hold")
            << std::vector<qint64> { qint64(1) << 32 } << std::vector<EventRef> { { 0, 0 }, { 0, 0xffffffffu } };
        QTest::newRow("two sources, 31 bits of entries each, to the last") << std::vector<qint64> { qint64(1) << 31,
            qint64(1) << 31 } << std::vector<EventRef> { { 1, 0x7fffffffu }, { 0, 0x7fffffffu }, { 1, 0 }, { 0, 1 } };
        QTest::newRow("three sources, two bits") << std::vector<qint64> { 5, 7,
            qint64(1) << 30 } << std::vector<EventRef> { { 2, (1u << 30) - 1 }, { 0, 4 }, { 1, 6 }, { 2, 0 } };
        QTest::newRow("1,024 sources, ten bits, 22 of entries")
            << std::vector<qint64>(1024, qint64(1) << 22)
            << std::vector<EventRef> { { 1023, (1u << 22) - 1 }, { 512, 1 }, { 0, (1u << 22) - 1 }, { 1, 0 } };
        QTest::newRow("one entry") << std::vector<qint64> { 3, 1 } << std::vector<EventRef> { { 1, 0 } };
        QTest::newRow("sources without entries") << std::vector<qint64> { 0, 0 } << std::vector<EventRef> {};
    }
    void packsFourBytesAnEntry()
    {
        QFETCH(std::vector<qint64>, counts);
        QFETCH(std::vector<EventRef>, refs);
        const MergedOrder order = filled(counts, refs);
        QCOMPARE(order.memoryBytes(), qint64(refs.size() * 4));
    }

    void keepsWholeRefsPastThirtyTwoBits_data()
    {
        QTest::addColumn<std::vector<qint64>>("counts");
        QTest::addColumn<std::vector<EventRef>>("refs");
        QTest::newRow("two sources, one entry past 31 bits") << std::vector<qint64> { (qint64(1) << 31) + 1,
            1 } << std::vector<EventRef> { { 0, 1u << 31 }, { 1, 0 }, { 0, 0xffffffffu >> 1 } };
        QTest::newRow("1,025 sources need 11 bits: 2^22 entries no longer fit") << std::vector<qint64>(
            1025, qint64(1) << 22) << std::vector<EventRef> { { 1024, (1u << 22) - 1 }, { 0, 1u << 21 }, { 7, 0 } };
        QTest::newRow("one source of more than 2^32 entries")
            << std::vector<qint64> { (qint64(1) << 32) + 1 } << std::vector<EventRef> { { 0, 0xffffffffu } };
    }
    void keepsWholeRefsPastThirtyTwoBits()
    {
        QFETCH(std::vector<qint64>, counts);
        QFETCH(std::vector<EventRef>, refs);
        const MergedOrder order = filled(counts, refs);
        QCOMPARE(order.memoryBytes(), qint64(refs.size() * sizeof(EventRef)));
    }

    void fileOrderKeepsNothing()
    {
        const MergedOrder order = MergedOrder::fileOrder(2, 5);
        QCOMPARE(order.size(), size_t(5));
        QCOMPARE(order.memoryBytes(), qint64(0));
        QCOMPARE(order.front(), (EventRef { 2, 0 }));
        QCOMPARE(order.back(), (EventRef { 2, 4 }));
        QCOMPARE(order.toVector(), (std::vector<EventRef> { { 2, 0 }, { 2, 1 }, { 2, 2 }, { 2, 3 }, { 2, 4 } }));
        const MergedOrder one = MergedOrder::fileOrder(0, 1);
        QCOMPARE(one.front(), one.back());
        QVERIFY(MergedOrder::fileOrder(0, 0).empty());
        QVERIFY(MergedOrder().empty());
        QCOMPARE(MergedOrder().begin(), MergedOrder().end());
    }

    void iteratesAtRandom()
    {
        const std::vector<EventRef> refs { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 2, 0 }, { 1, 1 } };
        const MergedOrder order = filled({ 2, 2, 1 }, refs);
        QCOMPARE(order.end() - order.begin(), std::ptrdiff_t(5));
        QCOMPARE(*(order.begin() + 3), (EventRef { 2, 0 }));
        QCOMPARE(*(order.end() - 1), (EventRef { 1, 1 }));
        QCOMPARE(order.begin()[2], (EventRef { 0, 1 }));
        QVERIFY(order.begin() < order.end());
        std::vector<EventRef> backwards(order.begin(), order.end());
        std::reverse(backwards.begin(), backwards.end());
        std::vector<EventRef> read;
        for (auto it = order.end(); it != order.begin();)
            read.push_back(*--it);
        QCOMPARE(read, backwards);
        // What Timeline::select does: a binary search over the order (source + entry ascends here).
        const auto at = std::lower_bound(order.begin(), order.end(), quint32(2),
            [](EventRef ref, quint32 sum) { return ref.source + ref.entry < sum; });
        QCOMPARE(at - order.begin(), std::ptrdiff_t(3));
    }

    void timelineKeepsOneSortedSourceAsNothing()
    {
        // One log in order: the merge is its file order. Out of order: sorted, 4 bytes an entry.
        const QByteArray sorted = "2024-12-26 20:30:54.071 UTC [7] LOG:  a\n"
                                  "2024-12-26 20:30:55.071 UTC [7] LOG:  b\n"
                                  "2024-12-26 20:30:56.071 UTC [7] LOG:  c\n";
        const QByteArray unsorted = "2024-12-26 20:30:56.071 UTC [7] LOG:  c\n"
                                    "2024-12-26 20:30:54.071 UTC [7] LOG:  a\n"
                                    "2024-12-26 20:30:55.071 UTC [7] LOG:  b\n";
        Timeline one;
        one.setSources({ LogSource { m_files.write(u"sorted.log"_s, sorted), {}, {}, {}, 0 } });
        one.build();
        QCOMPARE(one.merged().toVector(), (std::vector<EventRef> { { 0, 0 }, { 0, 1 }, { 0, 2 } }));
        QCOMPARE(one.merged().memoryBytes(), qint64(0));

        Timeline shuffled;
        shuffled.setSources({ LogSource { m_files.write(u"unsorted.log"_s, unsorted), {}, {}, {}, 0 } });
        shuffled.build();
        QCOMPARE(shuffled.merged().toVector(), (std::vector<EventRef> { { 0, 1 }, { 0, 2 }, { 0, 0 } }));
        QCOMPARE(shuffled.merged().memoryBytes(), qint64(3 * 4));

        // An empty source first: the other one is still its own merge.
        Timeline second;
        second.setSources({ LogSource { m_files.write(u"empty.log"_s, {}), {}, {}, {}, 0 },
            LogSource { m_files.path(u"sorted.log"_s), {}, {}, {}, 0 } });
        second.build();
        QCOMPARE(second.merged().toVector(), (std::vector<EventRef> { { 1, 0 }, { 1, 1 }, { 1, 2 } }));
        QCOMPARE(second.merged().memoryBytes(), qint64(0));

        Timeline both;
        both.setSources({ LogSource { m_files.path(u"sorted.log"_s), {}, {}, {}, 0 },
            LogSource { m_files.path(u"unsorted.log"_s), {}, {}, {}, 0 } });
        both.build();
        QCOMPARE(both.merged().toVector(),
            (std::vector<EventRef> { { 0, 0 }, { 1, 1 }, { 0, 1 }, { 1, 2 }, { 0, 2 }, { 1, 0 } }));
        QCOMPARE(both.merged().memoryBytes(), qint64(6 * 4));

        Timeline none;
        none.setSources({ LogSource { m_files.path(u"empty.log"_s), {}, {}, {}, 0 } });
        none.build();
        QVERIFY(none.merged().empty());
    }
};

QTEST_GUILESS_MAIN(TestMergedOrder)
#include "tst_mergedorder.moc"
