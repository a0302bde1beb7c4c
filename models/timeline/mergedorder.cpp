#include "mergedorder.h"

#include <algorithm>
#include <bit>

namespace salvage {

MergedOrder::MergedOrder(const std::vector<qint64> &entryCounts)
{
    // As many high bits as the source numbers need; the rest must hold every entry number.
    const int sourceBits = entryCounts.size() <= 1 ? 0 : int(std::bit_width(entryCounts.size() - 1));
    const bool fits = sourceBits < 32 && std::all_of(entryCounts.begin(), entryCounts.end(), [&](qint64 count) {
        return count <= (qint64(1) << (32 - sourceBits));
    });
    m_form = fits ? Form::Packed : Form::Wide;
    m_entryBits = fits ? 32 - sourceBits : 32;
    m_entryMask = quint32((qint64(1) << m_entryBits) - 1);
}

MergedOrder MergedOrder::fileOrder(quint32 source, size_t count)
{
    MergedOrder order;
    order.m_form = Form::Single;
    order.m_source = source;
    order.m_size = count;
    return order;
}

void MergedOrder::reserve(size_t count)
{
    if (m_form == Form::Packed)
        m_packed.reserve(count);
    else if (m_form == Form::Wide)
        m_wide.reserve(count);
}

void MergedOrder::append(EventRef ref)
{
    Q_ASSERT(m_form != Form::Single);
    if (m_form == Form::Packed)
        m_packed.push_back(quint32(quint64(ref.source) << m_entryBits) | ref.entry);
    else
        m_wide.push_back(ref);
    ++m_size;
}

void MergedOrder::finish()
{
    m_packed.shrink_to_fit();
    m_wide.shrink_to_fit();
}

std::vector<EventRef> MergedOrder::toVector() const
{
    return std::vector<EventRef>(begin(), end());
}

qint64 MergedOrder::memoryBytes() const
{
    return qint64(m_packed.capacity() * sizeof(quint32) + m_wide.capacity() * sizeof(EventRef));
}

} // namespace salvage
