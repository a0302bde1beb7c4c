#pragma once

#include <QHashFunctions>
#include <QtGlobal>

#include <compare>

namespace salvage {

/// One entry of one source of a timeline: source index and entry index in its LineIndex.
struct EventRef
{
    quint32 source = 0;
    quint32 entry = 0;

    auto operator<=>(const EventRef &other) const = default;
    bool operator==(const EventRef &other) const = default;
};

inline size_t qHash(const EventRef &ref, size_t seed = 0)
{
    return qHashMulti(seed, ref.source, ref.entry);
}

} // namespace salvage
