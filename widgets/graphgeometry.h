#pragma once

#include "graph/relationgraph.h"

#include <QFont>
#include <QHash>
#include <QLineF>
#include <QList>
#include <QPainterPath>
#include <QRectF>

#include <optional>

namespace salvage {

/// Where a laid-out graph's pieces go in the Graph view's scene, computed with the fonts the view
/// draws in, off the GUI thread like the layout itself: a box per node, a path per edge, and each
/// edge's label where it covers no node and no other label. Labels that find no such place (many
/// lost edges converging on one row) are left out and shown when the edge is hovered.
struct GraphGeometry
{
    struct Edge
    {
        QPainterPath path; ///< empty: an end of the edge is not drawn
        QLineF last; ///< the path's last segment, for the arrow head
        QString label;
        std::optional<QRectF> labelBox; ///< none: shown on hover only
    };

    QHash<QString, QRectF> boxes; ///< node id → its frame
    QList<Edge> edges; ///< in the graph's edge order
    int hiddenLabels = 0;
    qreal scale = 1; ///< the layout's units to the scene's pixels: its boxes made room for ours

    /// Moved edges' labels are placed first, then lost, then the rest, larger counts first.
    static GraphGeometry compute(const RelationGraph &graph, const QFont &nodeFont, const QFont &labelFont);
    /// The padding between a node's frame and its text.
    static constexpr qreal kPadX = 8;
    static constexpr qreal kPadY = 5;
};

} // namespace salvage
