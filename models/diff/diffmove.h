#pragma once

#include "diff/diffvalue.h"

#include <QString>
#include <QStringList>

namespace salvage {

/// "N rows of table.column moved from X to Y": a foreign-key column that points elsewhere in live.
struct DiffMove
{
    QString table; ///< "schema.table"
    QString column; ///< the foreign-key columns, comma-separated
    DiffValue from; ///< backup value (columns comma-separated for composite keys)
    DiffValue to; ///< live value
    qint64 rows = 0;
    /// The column is part of the primary key: each moved row is listed as one row lost and one new
    /// (every other column equal), since a new key is a new row.
    bool keyChanged = false;
    QString target; ///< the referenced table, "schema.table": `to` is a row of it
    /// Set by DiffResult::moves() (MoveRanker), across all tables: how many distinct backup values
    /// were re-pointed at `to` of `target`, and whether that target looks like an incident's.
    qint64 fanIn = 0;
    bool incident = true;
};

/// Every move into one row of one table, across the tables that reference it: "40 sources →
/// public.users 42 across 9 tables". A merge shows as a large fan-in, life as scattered small ones.
struct DiffFanIn
{
    QString table; ///< the referenced table, "schema.table"
    DiffValue target; ///< the row's key as moves name it (`DiffMove::to`)
    qint64 sources = 0; ///< distinct backup values re-pointed at it
    qint64 rows = 0;
    QStringList tables; ///< the referencing tables, sorted
    bool incident = true;
};

} // namespace salvage
