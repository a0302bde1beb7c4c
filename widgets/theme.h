#pragma once

#include <QString>

namespace salvage {

/// The window's colours: the desktop's palette, or a light or dark one the operator picks
/// (a 2 AM incident is often worked in the dark).
namespace theme {
enum class Choice { System, Light, Dark };
void apply(Choice choice);
Choice fromString(const QString &name);
QString toString(Choice choice);
} // namespace theme

} // namespace salvage
