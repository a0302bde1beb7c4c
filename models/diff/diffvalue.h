#pragma once

#include <QString>
#include <optional>

namespace salvage {

/// One column value as PostgreSQL prints it with the pinned settings; std::nullopt is SQL NULL.
using DiffValue = std::optional<QString>;

} // namespace salvage
