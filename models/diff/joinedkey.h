#pragma once

#include <QString>
#include <QStringList>

namespace salvage {

/// A row's key values as one string, for sets and maps: "length:value" per part, so no value can
/// end or begin a neighbour's.
namespace JoinedKey {
QString join(const QStringList &key);
/// The key values join() was made from.
QStringList split(const QString &joined);
} // namespace JoinedKey

} // namespace salvage
