#pragma once

#include <QString>

#include <vector>

namespace salvage {

/// Interns strings: each distinct value is stored once, as UTF-8 in one arena, and gets a dense
/// id. A million distinct IPs cost about 30 bytes each instead of a QString, a hash node and a
/// list apiece.
class TokenTable
{
public:
    /// The id of `value`, adding it when new.
    quint32 intern(QStringView value);
    /// The same for a value already in UTF-8 (another table's bytes(): no conversion).
    quint32 intern(QByteArrayView utf8);
    /// The id of `value`, or -1 when it was never interned.
    qint64 find(QStringView value) const;
    QString value(quint32 id) const;
    /// The value's UTF-8 bytes, valid until the next intern().
    QByteArrayView bytes(quint32 id) const;
    quint32 size() const { return quint32(m_starts.size() - 1); }
    qint64 memoryBytes() const;
    /// Makes room for `count` values in all without growing the table again (a chunk's worth).
    void reserve(quint32 count);
    /// Reserves the arena and offsets for `count` values of `bytes` in all, so that they are not
    /// copied as they grow (a copy holds both at once). Only address space: a page is not memory
    /// until it is written, so a generous guess costs nothing.
    void reserveValues(quint32 count, qsizetype bytes);
    /// Bytes of all values.
    qsizetype byteCount() const { return start(size()); }

private:
    qint64 slotOf(QByteArrayView utf8, size_t hash) const;
    bool equals(quint32 id, QByteArrayView utf8) const;
    void grow(size_t slots);
    /// Where token `i` starts in the arena (i = size(): where the next one would).
    qsizetype start(quint32 i) const
    {
        qsizetype high = 0; // the arena rarely passes 4 GB: then count the wraps before i
        for (const quint32 wrap : m_wraps)
            high += wrap <= i ? qsizetype(1) << 32 : 0;
        return high + m_starts[i];
    }
    static quint8 tagOf(size_t hash) { return quint8(hash >> 56) | 1; }

    std::vector<char> m_arena;
    /// Token i is m_arena[start(i), start(i + 1)): the low 32 bits of the offsets, 4 bytes a
    /// token instead of 8; m_wraps holds each i whose offset passed another 4 GB.
    std::vector<quint32> m_starts { 0 };
    std::vector<quint32> m_wraps;
    /// Open addressing: id + 1, 0 = empty; m_tags holds 8 bits of each slot's hash (never 0),
    /// so a probe compares bytes only when they agree, and the table can be fuller.
    std::vector<quint32> m_slots;
    std::vector<quint8> m_tags;
};

} // namespace salvage
