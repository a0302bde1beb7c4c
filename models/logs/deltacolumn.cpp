#include "deltacolumn.h"

#include <QtNumeric>

#include <algorithm>
#include <limits>

namespace salvage {

DeltaColumn::DeltaColumn(const std::vector<qint64> &values)
{
    m_deltas.resize(values.size(), 0);
    m_blocks.reserve((values.size() >> blockBits) + 1);
    for (size_t first = 0; first < values.size(); first += blockMask + 1) {
        const size_t last = std::min(values.size(), first + blockMask + 1);
        const qint64 base = values[first];
        bool narrow = true;
        for (size_t i = first; i < last && narrow; ++i) {
            qint64 delta = 0;
            narrow = !qSubOverflow(values[i], base, &delta) && delta >= std::numeric_limits<qint32>::min()
                && delta <= std::numeric_limits<qint32>::max();
        }
        if (narrow) {
            for (size_t i = first; i < last; ++i)
                m_deltas[i] = qint32(values[i] - base);
            m_blocks.push_back({ base, -1 });
        } else {
            m_blocks.push_back({ base, qint64(m_wide.size()) });
            m_wide.insert(m_wide.end(), values.begin() + qsizetype(first), values.begin() + qsizetype(last));
            m_wide.resize(m_wide.size() + (first + blockMask + 1 - last)); // whole blocks: indexes stay simple
        }
    }
}

qint64 DeltaColumn::memoryBytes() const
{
    return qint64(m_blocks.capacity() * sizeof(Block) + m_deltas.capacity() * sizeof(qint32)
        + m_wide.capacity() * sizeof(qint64));
}

} // namespace salvage
