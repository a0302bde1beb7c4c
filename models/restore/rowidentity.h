#pragma once

#include <QHash>
#include <QString>

namespace salvage {

struct Schema;

/// How a restore tells rows apart in a table without a primary key: by a unique index on plain
/// NOT NULL columns, not partial, as PostgreSQL's logical replication does
/// (REPLICA IDENTITY USING INDEX). Tables with neither stay out of the restore.
namespace RowIdentity {
/// Gives each such table that index's columns as its key; says which, per qualified table name.
QHash<QString, QString> adopt(Schema &schema);
} // namespace RowIdentity

} // namespace salvage
