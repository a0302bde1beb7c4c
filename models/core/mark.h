#pragma once

#include <Qt>

namespace salvage {

/// What a cell, row or event stands for in the incident, for views to colour from their palette
/// (widgets' StateColours): models name the meaning, never a colour.
enum class Mark { None, Lost, New, Changed, Moved, Null, Error, Warning, Info, Debug };

/// The item-model role that carries a Mark (as int).
inline constexpr int MarkRole = Qt::UserRole + 64;

} // namespace salvage
