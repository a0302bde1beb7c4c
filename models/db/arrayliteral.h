#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace salvage {

/// A PostgreSQL array literal ('{"a","b\"c"}') of text elements, to bind as one parameter and cast
/// server-side (`$1::text[]::bigint[]`) so that a whole batch travels in one statement.
QString arrayLiteral(const QStringList &elements);
QString arrayLiteral(const QList<int> &elements);
QString arrayLiteral(const QList<bool> &elements); ///< '{t,f,…}', compact: it may have a flag per key range

} // namespace salvage
