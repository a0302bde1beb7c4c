#pragma once

#include "db/schema.h"

#include <QHash>
#include <QStringList>

namespace salvage {

class JobControl;
class PgSession;

/// The names people know rows by: a unique text column of the table (a username, an e-mail, a
/// slug), found by introspection — a text column of a unique key, or the one text column a unique
/// expression index is built on (`lower(username)`) — and looked up for a set of keys.
class RowLabels
{
public:
    /// The table's label column, or empty when no unique key holds a text column.
    static QString labelColumn(const Table &table);

    /// `keys` (values of `keyColumn`, as text) → the label column's value, for the rows that exist
    /// and have one. One indexed query; empty when the table has no label column.
    static QHash<QString, QString> fetch(PgSession &session, const Table &table, const QString &keyColumn,
        const QStringList &keys, JobControl *control = nullptr);
};

} // namespace salvage
