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

bool LeafPathChooser::keepIndex(qsizetype pendingRanges) const
{
    return indexEstimateNs(pendingRanges) <= kMargin * kPassShare * m_firstPassNs;
}

QString LeafPathChooser::describe(qsizetype pendingRanges) const
{
    return u"leaf path %1: %2 ranges left on course for %3 s through the index (%4 read in %5 s), "
           u"one more sequential pass about %6 s (%7 of the first pass's %8 s), margin %9"_s.arg(
               keepIndex(pendingRanges) ? u"index"_s : u"sequential"_s, QString::number(pendingRanges),
               QString::number(indexEstimateNs(pendingRanges) / 1e9, 'f', 3), QString::number(m_rangesRead),
               QString::number(m_indexNs / 1e9, 'f', 3), QString::number(kPassShare * m_firstPassNs / 1e9, 'f', 3),
               QString::number(kPassShare), QString::number(m_firstPassNs / 1e9, 'f', 3), QString::number(kMargin));
}

} // namespace salvage
