#include "tokentable.h"

#include <QHashFunctions>

#include <cstring>

namespace salvage {

bool TokenTable::equals(quint32 id, QByteArrayView utf8) const
{
    const qsizetype from = start(id), length = start(id + 1) - from;
    return length == utf8.size() && std::memcmp(m_arena.data() + from, utf8.constData(), size_t(length)) == 0;
}

// Slot holding `utf8`, or the empty slot where it belongs; -1 when the table has no slots yet.
qint64 TokenTable::slotOf(QByteArrayView utf8, size_t hash) const
{
    if (m_slots.empty())
        return -1;
    const size_t mask = m_slots.size() - 1;
    const quint8 tag = tagOf(hash);
    for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const quint8 seen = m_tags[slot];
        if (seen == 0 || (seen == tag && equals(m_slots[slot] - 1, utf8)))
            return qint64(slot);
    }
}

namespace {
// Room for `count` values at most three quarters full: with the tags, probes past other values
// stay cheap.
size_t slotsFor(size_t count)
{
    size_t room = 64;
    while (count * 4 > room * 3)
        room *= 2;
    return room;
}
} // namespace

void TokenTable::reserve(quint32 count)
{
    if (slotsFor(count) > m_slots.size())
        grow(slotsFor(count));
}

void TokenTable::grow(size_t count)
{
    std::vector<quint32> table(count, 0);
    std::vector<quint8> tags(count, 0);
    const size_t mask = count - 1;
    for (quint32 id = 0; id < size(); ++id) {
        const size_t hash = qHash(bytes(id));
        size_t slot = hash & mask;
        while (tags[slot] != 0)
            slot = (slot + 1) & mask;
        table[slot] = id + 1;
        tags[slot] = tagOf(hash);
    }
    m_slots = std::move(table);
    m_tags = std::move(tags);
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
    if ((size_t(size()) + 1) * 4 > m_slots.size() * 3)
        grow(slotsFor(size_t(size()) + 1));
    const size_t hash = qHash(utf8);
    const qint64 slot = slotOf(utf8, hash);
    if (m_slots[size_t(slot)] != 0)
        return m_slots[size_t(slot)] - 1;
    const quint32 id = size();
    const qsizetype before = qsizetype(m_arena.size());
    m_arena.insert(m_arena.end(), utf8.begin(), utf8.end());
    const qsizetype after = qsizetype(m_arena.size());
    if ((before >> 32) != (after >> 32))
        m_wraps.push_back(id + 1); // token id + 1 starts past the next 4 GB
    m_starts.push_back(quint32(after));
    m_slots[size_t(slot)] = id + 1;
    m_tags[size_t(slot)] = tagOf(hash);
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
    const qsizetype from = start(id);
    return QByteArrayView(m_arena.data() + from, start(id + 1) - from);
}

void TokenTable::reserveValues(quint32 count, qsizetype bytes)
{
    m_arena.reserve(size_t(bytes));
    m_starts.reserve(size_t(count) + 1);
}

qint64 TokenTable::memoryBytes() const
{
    // The arena and offsets by size: their reserve beyond it is never written (reserveValues).
    return qint64(m_arena.size() + m_starts.size() * sizeof(quint32) + m_wraps.capacity() * sizeof(quint32)
        + m_slots.capacity() * (sizeof(quint32) + sizeof(quint8)));
}

} // namespace salvage
