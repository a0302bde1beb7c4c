#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>

namespace salvage {

/// Decides how the key hashes of a table's mismatching ranges are read (docs/compare.md, step 5):
/// through the key index a batch of ranges at a time, or in one more sequential pass a side. Both
/// costs are measured as they stand at the time, not one guessed from the other: the index path by
/// the batches read so far, extrapolated to the ranges left; the sequential pass by a few slices of
/// each heap read the way that pass reads them, extrapolated to the whole heap (TableComparator).
/// The first pass's time is no measure of the second: read from a cold cache it leaves the heap
/// warm for the next, and it hashes every row where the second hashes a few.
class LeafPathChooser
{
public:
    /// The index path is left only when it is on course to cost this much more than the pass: it can
    /// still be left after any later batch while the pass cannot be undone, the pass leaves the key
    /// index cold for the rows fetched after it, and both figures are short wall-time measurements
    /// on a shared machine (at demo scale 300 the same probe took 0.29-0.44 s from run to run).
    static constexpr double kMargin = 1.5;
    /// Where the pass cannot be timed (before PostgreSQL 14: no TID range scans), its wall time as a
    /// share of the first pass: statuses at demo scale 300, warm (24.3 s against 36.2 s).
    static constexpr double kFallbackPassShare = 0.67;

    explicit LeafPathChooser(double firstPassNs)
        : m_firstPassNs(firstPassNs)
    {
    }

    /// `ranges` read through the index in `ns` of wall time (both sides at once).
    void addIndexBatch(qsizetype ranges, double ns);
    /// Whether the sequential pass is still to be timed (once a table: about 1/64 of a pass).
    bool needsPassTiming() const { return !m_passTimed; }
    /// The sequential pass's wall time as timed, or none where it cannot be.
    void setPassEstimate(std::optional<double> ns);
    /// True while the index path stays the way for the `pendingRanges` left.
    bool keepIndex(qsizetype pendingRanges) const;
    /// One line for salvage.diff.timing: the choice and the figures it was made on.
    QString describe(qsizetype pendingRanges) const;

private:
    double indexEstimateNs(qsizetype pendingRanges) const;
    double passEstimateNs() const;

    double m_firstPassNs;
    qsizetype m_rangesRead = 0;
    double m_indexNs = 0;
    bool m_passTimed = false;
    std::optional<double> m_passNs; ///< timed, when the server allows it
};

} // namespace salvage
