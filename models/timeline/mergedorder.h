#pragma once

#include "logs/eventref.h"

#include <QtGlobal>

#include <cstddef>
#include <iterator>
#include <vector>

namespace salvage {

/// A timeline's entries in merged order, 4 bytes an entry instead of an 8-byte EventRef: each kept
/// as (source << entryBits) | entry, the source in as few high bits as the count of sources needs.
/// One source in file order (fileOrder()) keeps nothing; sources too many or too long for 32 bits
/// keep whole EventRefs.
class MergedOrder
{
public:
    /// An empty order for sources with these entry counts (what decides the form).
    explicit MergedOrder(const std::vector<qint64> &entryCounts = {});
    /// The `count` entries of `source` in file order: nothing kept.
    static MergedOrder fileOrder(quint32 source, size_t count);

    void reserve(size_t count);
    /// Appends the next entry of the order.
    void append(EventRef ref);
    /// After the last append(): gives back the room reserved and not used.
    void finish();

    EventRef operator[](size_t i) const
    {
        switch (m_form) {
        case Form::Single:
            return { m_source, quint32(i) };
        case Form::Packed: {
            const quint32 value = m_packed[i];
            return { quint32(quint64(value) >> m_entryBits), value & m_entryMask };
        }
        case Form::Wide:
            break;
        }
        return m_wide[i];
    }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    EventRef front() const { return (*this)[0]; }
    EventRef back() const { return (*this)[m_size - 1]; }
    /// All of it as EventRefs (what a filter without conditions selects).
    std::vector<EventRef> toVector() const;
    /// Heap bytes held.
    qint64 memoryBytes() const;

    /// Random access over the refs, by value.
    class Iterator
    {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = EventRef;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = EventRef;

        Iterator() = default;
        Iterator(const MergedOrder *order, size_t at)
            : m_order(order)
            , m_at(at)
        {
        }
        EventRef operator*() const { return (*m_order)[m_at]; }
        EventRef operator[](difference_type n) const { return (*m_order)[size_t(difference_type(m_at) + n)]; }
        Iterator &operator++()
        {
            ++m_at;
            return *this;
        }
        Iterator operator++(int)
        {
            Iterator was = *this;
            ++m_at;
            return was;
        }
        Iterator &operator--()
        {
            --m_at;
            return *this;
        }
        Iterator operator--(int)
        {
            Iterator was = *this;
            --m_at;
            return was;
        }
        Iterator &operator+=(difference_type n)
        {
            m_at = size_t(difference_type(m_at) + n);
            return *this;
        }
        Iterator &operator-=(difference_type n) { return *this += -n; }
        friend Iterator operator+(Iterator it, difference_type n) { return it += n; }
        friend Iterator operator+(difference_type n, Iterator it) { return it += n; }
        friend Iterator operator-(Iterator it, difference_type n) { return it -= n; }
        friend difference_type operator-(const Iterator &a, const Iterator &b)
        {
            return difference_type(a.m_at) - difference_type(b.m_at);
        }
        friend bool operator==(const Iterator &a, const Iterator &b) { return a.m_at == b.m_at; }
        friend auto operator<=>(const Iterator &a, const Iterator &b) { return a.m_at <=> b.m_at; }

    private:
        const MergedOrder *m_order = nullptr;
        size_t m_at = 0;
    };
    Iterator begin() const { return { this, 0 }; }
    Iterator end() const { return { this, m_size }; }

private:
    enum class Form : quint8 {
        Single, ///< entry i is m_source's entry i: nothing kept
        Packed, ///< m_packed
        Wide, ///< m_wide
    };
    Form m_form = Form::Packed;
    int m_entryBits = 32;
    quint32 m_entryMask = ~quint32(0);
    quint32 m_source = 0; ///< Single's source
    size_t m_size = 0;
    std::vector<quint32> m_packed;
    std::vector<EventRef> m_wide;
};

} // namespace salvage
