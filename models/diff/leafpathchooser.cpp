#include "diff/leafpathchooser.h"

using namespace Qt::StringLiterals;

namespace salvage {

void LeafPathChooser::addIndexBatch(qsizetype ranges, double ns)
{
    m_rangesRead += ranges;
    m_indexNs += ns;
}

double LeafPathChooser::indexEstimateNs(qsizetype pendingRanges) const
{
    return m_rangesRead == 0 ? 0 : m_indexNs / double(m_rangesRead) * double(pendingRanges);
}

double LeafPathChooser::passEstimateNs() const
{
    return m_passNs ? *m_passNs : kFallbackPassShare * m_firstPassNs;
}

void LeafPathChooser::setPassEstimate(std::optional<double> ns)
{
    m_passTimed = true;
    m_passNs = ns;
}

bool LeafPathChooser::keepIndex(qsizetype pendingRanges) const
{
    return indexEstimateNs(pendingRanges) <= kMargin * passEstimateNs();
}

QString LeafPathChooser::describe(qsizetype pendingRanges) const
{
    const double index = indexEstimateNs(pendingRanges) / 1e9;
    QString line = u"leaf path %1: %2 ranges left on course for %3 s through the index (%4 ranges read in %5 s)"_s
                       .arg(keepIndex(pendingRanges) ? u"index"_s : u"sequential"_s)
                       .arg(pendingRanges)
                       .arg(index, 0, 'f', 3)
                       .arg(m_rangesRead)
                       .arg(m_indexNs / 1e9, 0, 'f', 3);
    return line
        + u", one more sequential pass %1 s (%2), margin %3"_s.arg(passEstimateNs() / 1e9, 0, 'f', 3)
              .arg(m_passNs
                      ? u"timed by heap slices"_s
                      : u"%1 of the first pass's %2 s"_s.arg(kFallbackPassShare).arg(m_firstPassNs / 1e9, 0, 'f', 3))
              .arg(kMargin);
}

} // namespace salvage
