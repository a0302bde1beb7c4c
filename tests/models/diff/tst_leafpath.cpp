// How the mismatching ranges are read (LeafPathChooser), on the figures measured at demo scale 300
// (docs/performance.md, "Compare, whole database"): the choice follows what each path costs as
// timed, not half the first pass, and does not flip on a probe's run-to-run swing.
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
    // left (18.2 s on course), against half the first pass (18.08 s) it went sequential and took
    // 24.3 s, then 5.8 s of rows by key through a cold index, against about 13 s and 1 s. Timed at
    // what that pass took, the index path stays, with the pass untimed too (an older server).
    void theProbeNearHalfTheFirstPassKeepsTheIndex()
    {
        LeafPathChooser timed(36.16 * kSecond);
        timed.addIndexBatch(256, 0.436 * kSecond);
        QVERIFY(timed.needsPassTiming());
        timed.setPassEstimate(24.3 * kSecond);
        QVERIFY(!timed.needsPassTiming());
        QVERIFY2(timed.keepIndex(10680), qPrintable(timed.describe(10680)));

        LeafPathChooser untimed(36.16 * kSecond);
        untimed.addIndexBatch(256, 0.436 * kSecond);
        untimed.setPassEstimate(std::nullopt);
        QVERIFY2(untimed.keepIndex(10680), qPrintable(untimed.describe(10680)));
        QVERIFY(untimed.describe(10680).contains(QStringLiteral("of the first pass")));
    }

    // The probes of main's six runs took 0.29-0.44 s for the same 256 ranges: the choice is the same
    // across that swing, and across the same swing of the pass's own timing.
    void theChoiceHoldsAcrossTheProbesSwing()
    {
        for (const double probe : { 0.29, 0.35, 0.41, 0.436, 0.47 }) {
            for (const double pass : { 16.0, 20.0, 24.3 }) {
                LeafPathChooser path(36.16 * kSecond);
                path.addIndexBatch(256, probe * kSecond);
                path.setPassEstimate(pass * kSecond);
                QVERIFY2(path.keepIndex(10680), qPrintable(path.describe(10680)));
            }
        }
    }

    // A cold cache: the probe read the index and the heap from the disk (9.4 ms a range, about
    // 103 s on course for 10,939 ranges) while the first pass (132.9 s) had left the heap cached
    // for a pass that took 41.7 s. The sequential pass is taken, with it timed as with it untimed.
    void aProbeFarOverThePassGoesSequential()
    {
        LeafPathChooser path(132.9 * kSecond);
        path.addIndexBatch(256, 256 * 9.4e-3 * kSecond);
        path.setPassEstimate(41.7 * kSecond);
        QVERIFY2(!path.keepIndex(10939), qPrintable(path.describe(10939)));
        QVERIFY(path.describe(10939).startsWith(QStringLiteral("leaf path sequential")));
        QVERIFY(path.describe(10939).contains(QStringLiteral("timed by heap slices")));

        LeafPathChooser fast(36.16 * kSecond);
        fast.addIndexBatch(256, 256 * 9.4e-3 * kSecond);
        fast.setPassEstimate(std::nullopt);
        QVERIFY2(!fast.keepIndex(10939), qPrintable(fast.describe(10939)));
    }

    // Later batches count with the probe: a path that slows down as it goes is left once the ranges
    // read so far put it over, and the fewer ranges are left, the more a range may cost.
    void laterBatchesCount()
    {
        LeafPathChooser path(36.16 * kSecond);
        path.addIndexBatch(256, 0.3 * kSecond);
        path.setPassEstimate(20.0 * kSecond);
        QVERIFY(path.keepIndex(10680));
        path.addIndexBatch(2000, 20.0 * kSecond); // 10 ms a range from here
        QVERIFY2(!path.keepIndex(8680), qPrintable(path.describe(8680)));
        QVERIFY2(path.keepIndex(3000), qPrintable(path.describe(3000)));
    }
};

QTEST_GUILESS_MAIN(TestLeafPath)
#include "tst_leafpath.moc"
