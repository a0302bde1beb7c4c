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

private:
    qint64 slotOf(QByteArrayView utf8, size_t hash) const;
    bool equals(quint32 id, QByteArrayView utf8) const;
    void grow();

    std::vector<char> m_arena;
    std::vector<qsizetype> m_starts { 0 }; ///< token i is m_arena[m_starts[i], m_starts[i + 1])
    std::vector<quint32> m_slots; ///< open addressing: id + 1, 0 = empty
};

} // namespace salvage
