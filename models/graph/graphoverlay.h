#pragma once

#include "db/schema.h"
#include "graph/relationgraph.h"

namespace salvage {

class JobControl;
class PgSession;

/// Lays the BACKUP and LIVE graphs of the same root over each other, and adds the moves: rows
/// that point at the root on one side and at another row on the other (a merge's fingerprint —
/// 198 accounts fanning into one).
class GraphOverlay
{
public:
    /// Nodes and edges present on one side only are marked lost (backup) or new (live).
    static RelationGraph merge(const RelationGraph &backup, const RelationGraph &live);

    /// For every single-column foreign key into the root's table: rows that reference the root in
    /// LIVE but referenced another row in BACKUP (moved in), and the reverse (moved away). Keys
    /// cross from one server to the other as one array parameter per foreign key.
    static void addMoves(RelationGraph &graph, PgSession &backup, PgSession &live, const Schema &schema,
        const QString &table, const QStringList &key, int limit, JobControl *control = nullptr);
};

} // namespace salvage
