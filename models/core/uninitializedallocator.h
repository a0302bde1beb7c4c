#pragma once

#include <memory>
#include <new>
#include <utility>

namespace salvage {

/// std::allocator whose resize() leaves new values unwritten: a large column filled out of order
/// (a counting sort's output) then becomes memory page by page as it is written, not all at once.
template <typename T> struct UninitializedAllocator : std::allocator<T>
{
    template <typename U> struct rebind
    {
        using other = UninitializedAllocator<U>;
    };
    UninitializedAllocator() = default;
    template <typename U> UninitializedAllocator(const UninitializedAllocator<U> &) noexcept { }

    template <typename U> void construct(U *p) noexcept { ::new (static_cast<void *>(p)) U; }
    template <typename U, typename... Args> void construct(U *p, Args &&...args)
    {
        ::new (static_cast<void *>(p)) U(std::forward<Args>(args)...);
    }
};

} // namespace salvage
