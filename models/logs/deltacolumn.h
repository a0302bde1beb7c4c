#pragma once

#include <QtGlobal>

#include <vector>

namespace salvage {

/// A read-only column of 64-bit values (file offsets, instants) kept as a base per block of
/// entries plus a 4-byte delta per entry: half the memory of the plain column. A block whose
/// values stray more than 2^31 from its first one (a gap of years, a 4 GB line) keeps them whole.
class DeltaColumn
{
public:
    DeltaColumn() = default;
    explicit DeltaColumn(const std::vector<qint64> &values);

    qint64 operator[](size_t i) const
    {
        const Block &block = m_blocks[i >> blockBits];
        return block.wide < 0 ? block.base + m_deltas[i] : m_wide[size_t(block.wide) + (i & blockMask)];
    }
    size_t size() const { return m_deltas.size(); }
    bool empty() const { return m_deltas.empty(); }
    /// Heap bytes held.
    qint64 memoryBytes() const;

private:
    static constexpr size_t blockBits = 12;
    static constexpr size_t blockMask = (size_t(1) << blockBits) - 1;
    struct Block
    {
        qint64 base;
        qint64 wide; ///< where the block's whole values start in m_wide, or -1
    };
    std::vector<Block> m_blocks;
    std::vector<qint32> m_deltas; ///< 0 in a wide block
    std::vector<qint64> m_wide;
};

} // namespace salvage
