#pragma once

#include <QString>
#include <QtGlobal>

namespace salvage {

/// Decides how the key hashes of a table's mismatching ranges are read (docs/compare.md, step 5):
/// through the key index a batch of ranges at a time, or in one more sequential pass a side. The
/// index path is timed on the batches read so far and extrapolated to the ranges left; the pass is
/// weighed at what it was measured to cost against the first pass, with a margin for what it costs
/// after it, so that a probe's run-to-run swing does not flip the choice.
class LeafPathChooser
{
public:
    /// One more sequential pass as a share of the first pass's wall time: statuses at demo scale
    /// 300, 24.3 s against 36.2 s (2026-12-04 night) and 19.9 s against 31.1 s (2026-12-04,
    /// load 15); it scans the whole heap again but hashes only the rows of the mismatching ranges.
    static constexpr double kPassShare = 0.67;
    /// The index path is left only when on course for this much more than the pass: the pass leaves
    /// the key index cold for the rows fetched after it (statuses at scale 300: 5.8 s against 1 s,
    /// a fifth of the pass), and the index path can still be left after any later batch while the
    /// pass cannot be undone. So the rule is index while under 0.8x the first pass: 1.6x above
    /// the probe of the run that flipped on half of it, more than the probes' swing (0.29-0.44 s).
    static constexpr double kMargin = 1.2;

    explicit LeafPathChooser(double firstPassNs)
        : m_firstPassNs(firstPassNs)
    {
    }

    /// `ranges` read through the index in `ns` of wall time (both sides at once).
    void addIndexBatch(qsizetype ranges, double ns);
    /// True while the index path stays the way for the `pendingRanges` left.
    bool keepIndex(qsizetype pendingRanges) const;
    /// One line for salvage.diff.timing: the choice and the figures it was made on.
    QString describe(qsizetype pendingRanges) const;

private:
    double indexEstimateNs(qsizetype pendingRanges) const;

    double m_firstPassNs;
    qsizetype m_rangesRead = 0;
    double m_indexNs = 0;
};

} // namespace salvage
