// How the mismatching ranges are read (LeafPathChooser), on the figures measured at demo scale 300
// (docs/performance.md, "Compare, whole database"): the choice follows what a second pass was
// measured to cost, not half the first pass, and does not flip on a probe's run-to-run swing.
#include "diff/leafpathchooser.h"

#include <QTest>

using namespace salvage;

namespace {
constexpr double kSecond = 1e9;
}

class TestLeafPath : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The run that flipped: statuses' first pass 36.16 s, 256 ranges probed in 0.436 s, 10,680
    // left (18.2 s on course) against half the first pass (18.08 s): it went sequential and took
    // 24.3 s, then 5.8 s of rows by key through a cold index, against about 13 s and 1 s.
    void theProbeNearHalfTheFirstPassKeepsTheIndex()
    {
        LeafPathChooser path(36.16 * kSecond);
        path.addIndexBatch(256, 0.436 * kSecond);
        QVERIFY2(path.keepIndex(10680), qPrintable(path.describe(10680)));
        QVERIFY(path.describe(10680).startsWith(QStringLiteral("leaf path index: 10680 ranges")));
    }

    // main's probes took 0.29-0.44 s for the same 256 ranges over six runs, and the first pass
    // 29.4-36.2 s: the choice is the same across the swing of both.
    void theChoiceHoldsAcrossTheProbesSwing()
    {
        for (const double probe : { 0.21, 0.29, 0.35, 0.436, 0.5 }) {
            for (const double firstPass : { 29.4, 31.1, 36.16 }) {
                LeafPathChooser path(firstPass * kSecond);
                path.addIndexBatch(256, probe * kSecond);
                QVERIFY2(path.keepIndex(10927), qPrintable(path.describe(10927)));
            }
        }
    }

    // A probe that found the index and the heap gone from the cache (9.4 ms a range, 103 s on
    // course for 10,939 ranges) after a warm first pass goes sequential.
    void aProbeFarOverThePassGoesSequential()
    {
        LeafPathChooser path(36.16 * kSecond);
        path.addIndexBatch(256, 256 * 9.4e-3 * kSecond);
        QVERIFY2(!path.keepIndex(10939), qPrintable(path.describe(10939)));
        QVERIFY(path.describe(10939).startsWith(QStringLiteral("leaf path sequential")));
    }

    // Later batches count with the probe: a path that slows down as it goes is left once the ranges
    // read so far put it over, and the fewer ranges are left, the more a range may cost.
    void laterBatchesCount()
    {
        LeafPathChooser path(36.16 * kSecond);
        path.addIndexBatch(256, 0.3 * kSecond);
        QVERIFY(path.keepIndex(10680));
        path.addIndexBatch(2000, 20.0 * kSecond); // 10 ms a range from here
        QVERIFY2(!path.keepIndex(8680), qPrintable(path.describe(8680)));
        QVERIFY2(path.keepIndex(3000), qPrintable(path.describe(3000)));
    }
};

QTEST_GUILESS_MAIN(TestLeafPath)
#include "tst_leafpath.moc"
