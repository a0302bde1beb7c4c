#include "tokentable.h"

#include <QHashFunctions>

#include <cstring>

namespace salvage {

bool TokenTable::equals(quint32 id, QByteArrayView utf8) const
{
    const qsizetype start = m_starts[id], length = m_starts[id + 1] - start;
    return length == utf8.size() && std::memcmp(m_arena.data() + start, utf8.constData(), size_t(length)) == 0;
}

// Slot holding `utf8`, or the empty slot where it belongs; -1 when the table has no slots yet.
qint64 TokenTable::slotOf(QByteArrayView utf8, size_t hash) const
{
    if (m_slots.empty())
        return -1;
    const size_t mask = m_slots.size() - 1;
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const quint32 entry = m_slots[slot];
        if (entry == 0 || equals(entry - 1, utf8))
            return qint64(slot);
    }
}

void TokenTable::grow()
{
    // Keep the load under one half: probes stay short.
    std::vector<quint32> table(std::max<size_t>(64, m_slots.size() * 2), 0);
    const size_t mask = table.size() - 1;
    for (quint32 id = 0; id < size(); ++id) {
        const QByteArrayView bytes(m_arena.data() + m_starts[id], m_starts[id + 1] - m_starts[id]);
        size_t slot = qHash(bytes) & mask;
        while (table[slot] != 0)
            slot = (slot + 1) & mask;
        table[slot] = id + 1;
    }
    m_slots = std::move(table);
}

namespace {
// Short ASCII values (addresses, ids: nearly every token) are narrowed on the stack; others
// go through QString's UTF-8 conversion.
template <typename Use> auto withUtf8(QStringView value, Use use)
{
    constexpr qsizetype stackBytes = 128;
    if (value.size() <= stackBytes) {
        char narrow[stackBytes];
        qsizetype i = 0;
        for (const char16_t *c = value.utf16(); i < value.size() && c[i] < 0x80; ++i)
            narrow[i] = char(c[i]);
        if (i == value.size())
            return use(QByteArrayView(narrow, i));
    }
    return use(QByteArrayView(value.toUtf8()));
}
} // namespace

quint32 TokenTable::intern(QStringView value)
{
    return withUtf8(value, [this](QByteArrayView utf8) { return intern(utf8); });
}

quint32 TokenTable::intern(QByteArrayView utf8)
{
    if ((size_t(size()) + 1) * 2 > m_slots.size())
        grow();
    const qint64 slot = slotOf(utf8, qHash(utf8));
    if (m_slots[size_t(slot)] != 0)
        return m_slots[size_t(slot)] - 1;
    const quint32 id = size();
    m_arena.insert(m_arena.end(), utf8.begin(), utf8.end());
    m_starts.push_back(qsizetype(m_arena.size()));
    m_slots[size_t(slot)] = id + 1;
    return id;
}

qint64 TokenTable::find(QStringView value) const
{
    return withUtf8(value, [this](QByteArrayView utf8) {
        const qint64 slot = slotOf(utf8, qHash(utf8));
        return slot < 0 || m_slots[size_t(slot)] == 0 ? qint64(-1) : qint64(m_slots[size_t(slot)] - 1);
    });
}

QString TokenTable::value(quint32 id) const
{
    return QString::fromUtf8(bytes(id));
}

QByteArrayView TokenTable::bytes(quint32 id) const
{
    return QByteArrayView(m_arena.data() + m_starts[id], m_starts[id + 1] - m_starts[id]);
}

qint64 TokenTable::memoryBytes() const
{
    return qint64(m_arena.capacity() + m_starts.capacity() * sizeof(qsizetype) + m_slots.capacity() * sizeof(quint32));
}

} // namespace salvage
