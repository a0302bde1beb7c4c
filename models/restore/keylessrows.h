#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"

#include <QHash>

namespace salvage {

class PgRaw;

/// Rows of a table with no row identity at all (no primary key, no usable unique key: an audit
/// trail, a log): staged whole with a synthetic number, present when LIVE holds the same row as
/// many times as BACKUP does (a multiset), and restored whole when a parent it had is the
/// incident's (a root or a restored row); else life deleted them. Moves are not recognised in such
/// tables: nothing tells a moved row from a new one.
class KeylessRows
{
public:
    /// The staging column numbering the rows, the planner's key for them.
    static QString numberColumn() { return QStringLiteral("_salvage_n"); }
    /// `table` as the planner handles it: keyed by the synthetic number.
    static Table numbered(const Table &table);
    /// Decides every staged row of `table` (in `staging`, data `columns`): present, insert,
    /// deleted-since, cascade or unrestorable, with "_salvage_differs" set; returns the differing rows.
    static qint64 classify(const PgRaw &live, const Table &table, const QString &staging, const QStringList &columns,
        const QList<ClosureBuilder::Edge> &edges, const QHash<QString, QString> &stagingNames);
};

} // namespace salvage
