#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QStringList>
#include <functional>

namespace salvage {

/// Where a node or edge of an overlaid graph exists: both sides, only BACKUP (lost), only LIVE (new);
/// `Moved` marks edges of rows whose foreign key was re-pointed between the two.
enum class Presence { Both, OnlyBackup, OnlyLive, Moved };
QString presenceName(Presence presence); ///< "both", "only_in_backup", "only_in_live", "moved"

struct GraphNode
{
    QString id; ///< "schema.table:key1,key2"
    QString table; ///< "schema.table"
    QStringList key; ///< the key values (as text) the node was reached by
    QString label; ///< a human label ("alice", "statuses (88 rows)")
    bool group = false; ///< true: stands for many rows of `table`, not one
    qint64 rows = 1;
    Presence presence = Presence::Both;
    QPointF position; ///< set by GraphLayout
    /// The box the layout made room for around position (Graphviz's width and height, in its
    /// points); empty when the layout gives none (the radial layout without Graphviz).
    QSizeF layoutSize = {};
    /// The row's values that could name it in a log line (ids, uuids, addresses, short text), to
    /// follow the row into the timeline; empty for groups.
    QStringList values = {};
};

struct GraphEdge
{
    GraphEdge() = default;
    GraphEdge(QString from_, QString to_, QString via_, qint64 count_, qint64 backupCount_, qint64 liveCount_,
        Presence presence_)
        : from(std::move(from_))
        , to(std::move(to_))
        , via(std::move(via_))
        , count(count_)
        , backupCount(backupCount_)
        , liveCount(liveCount_)
        , presence(presence_)
    {
    }

    QString from;
    QString to;
    QString via; ///< "follows.account_id → target_account_id" or "statuses.account_id"
    qint64 count = 1; ///< rows behind the edge (live when overlaid, else the side's own)
    qint64 backupCount = -1;
    qint64 liveCount = -1;
    Presence presence = Presence::Both;
    QList<QPointF> spline; ///< B-spline control points from GraphLayout, then the arrow tip; empty: straight
    QPointF labelPosition; ///< set by GraphLayout
};

/// The text on a node, the same in the Graph view and in the DOT/SVG export (Graphviz sizes the
/// boxes from it): the table without its schema, then the row's label.
QString nodeLabel(const GraphNode &node);
/// The text on an edge, the same in the view and the export: a move says how many rows (which
/// foreign keys moved is in `via`, the tooltip); counts that differ between BACKUP and LIVE show both.
QString edgeLabel(const GraphEdge &edge);

/// The relationships around one root row: which rows reference it and which it references,
/// through which foreign keys, with counts. Plain value; layout and rendering are separate.
struct RelationGraph
{
    QString root;
    QList<GraphNode> nodes;
    QList<GraphEdge> edges;
    bool truncated = false; ///< the node limit stopped the walk
    qint64 folded = 0; ///< rows folded into "N more" nodes by aggregated()

    const GraphNode *node(const QString &id) const;
    GraphNode *node(const QString &id);

    /// The root, the moved edges and the rows at their ends: the picture of a merge, without the rest.
    RelationGraph movesOnly() const;
    /// The incident's picture: the root, the moves and the lost edges (only in BACKUP), and the rows
    /// at their ends; lost edges to rows that still exist are summed up per relation.
    RelationGraph incidentView() const;
    /// At most `perRelation` leaf rows per (row, relation, table, state); the rest of each such
    /// fan becomes one "N more" group node carrying their row count. Moves keep their own limit.
    RelationGraph aggregated(int perRelation) const;

    QJsonObject toJson() const;

private:
    /// Folds each fan of leaf rows (same row, relation, table and states) beyond `limitFor(leaf)`
    /// into one group node; a limit of 0 folds the whole fan into a "N rows, still in LIVE" node.
    RelationGraph foldFans(const std::function<int(const GraphNode &leaf)> &limitFor) const;

public:
    QString toDot() const;
    QString toGraphml() const;
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::RelationGraph)
