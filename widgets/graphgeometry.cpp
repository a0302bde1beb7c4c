#include "graphgeometry.h"

#include <QFontMetricsF>

#include <algorithm>
#include <numeric>

namespace salvage {

namespace {

QSizeF textSize(const QFontMetricsF &metrics, const QString &text)
{
    return metrics.boundingRect(QRectF(0, 0, 1e6, 1e6), Qt::AlignLeft | Qt::AlignTop, text).size();
}

/// Graphviz's spline when there is one (control points, then the arrow tip); else a straight
/// line from centre to centre, stopped at the target's frame.
GraphGeometry::Edge edgePath(const GraphEdge &edge, const QRectF &from, const QRectF &to, qreal scale)
{
    GraphGeometry::Edge drawn;
    if (edge.spline.size() >= 5) {
        const auto at = [&edge, scale](qsizetype i) { return edge.spline.at(i) * scale; };
        drawn.path.moveTo(at(0));
        qsizetype i = 1;
        for (; i + 2 < edge.spline.size() - 1; i += 3)
            drawn.path.cubicTo(at(i), at(i + 1), at(i + 2));
        drawn.path.lineTo(at(edge.spline.size() - 1));
        drawn.last = QLineF(at(edge.spline.size() - 2), at(edge.spline.size() - 1));
    } else {
        QLineF line(from.center(), to.center());
        line.setLength(qMax(0.0, line.length() - qMin(line.length() / 2, qMax(to.width(), to.height()) / 2)));
        drawn.path.moveTo(line.p1());
        drawn.path.lineTo(line.p2());
        drawn.last = line;
    }
    return drawn;
}

int placementRank(Presence presence)
{
    switch (presence) {
    case Presence::Moved:
        return 0;
    case Presence::OnlyBackup:
        return 1;
    case Presence::OnlyLive:
        return 2;
    case Presence::Both:
        break;
    }
    return 3;
}

} // namespace

GraphGeometry GraphGeometry::compute(const RelationGraph &graph, const QFont &nodeFont, const QFont &labelFont)
{
    GraphGeometry geometry;
    const QFontMetricsF nodeMetrics(nodeFont);
    QHash<QString, QSizeF> sizes;
    for (const GraphNode &node : graph.nodes)
        sizes.insert(node.id, textSize(nodeMetrics, nodeLabel(node)) + QSizeF(2 * kPadX, 2 * kPadY));
    // The layout made room for its own font's boxes (Graphviz's points); ours are drawn in this
    // font's pixels, larger on most screens: spread the layout until every box fits its room.
    qreal scale = 1;
    for (const GraphNode &node : graph.nodes)
        if (node.layoutSize.width() > 0 && node.layoutSize.height() > 0)
            scale = std::max({ scale, sizes.value(node.id).width() / node.layoutSize.width(),
                sizes.value(node.id).height() / node.layoutSize.height() });
    geometry.scale = scale;
    for (const GraphNode &node : graph.nodes) {
        const QSizeF size = sizes.value(node.id);
        geometry.boxes.insert(
            node.id, QRectF(node.position * scale - QPointF(size.width() / 2, size.height() / 2), size));
    }
    geometry.edges.resize(graph.edges.size());
    for (qsizetype i = 0; i < graph.edges.size(); ++i) {
        const GraphEdge &edge = graph.edges.at(i);
        if (!geometry.boxes.contains(edge.from) || !geometry.boxes.contains(edge.to))
            continue;
        geometry.edges[i] = edgePath(edge, geometry.boxes.value(edge.from), geometry.boxes.value(edge.to), scale);
        geometry.edges[i].label = edgeLabel(edge);
    }

    // Labels go where they cover nothing: Graphviz's place first, then along the edge outwards from
    // its middle. The moves (the incident's story) get first pick.
    QList<qsizetype> order(graph.edges.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&graph](qsizetype a, qsizetype b) {
        const GraphEdge &x = graph.edges.at(a);
        const GraphEdge &y = graph.edges.at(b);
        const int rx = placementRank(x.presence), ry = placementRank(y.presence);
        return rx != ry ? rx < ry : x.count > y.count;
    });
    QList<QRectF> taken;
    for (const QRectF &box : std::as_const(geometry.boxes))
        taken << box.adjusted(-2, -2, 2, 2);
    const QFontMetricsF labelMetrics(labelFont);
    static constexpr qreal kAlong[] = { 0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8 };
    for (const qsizetype i : std::as_const(order)) {
        Edge &edge = geometry.edges[i];
        if (edge.path.isEmpty())
            continue;
        const QSizeF size = textSize(labelMetrics, edge.label) + QSizeF(4, 2);
        QList<QPointF> anchors;
        if (!graph.edges.at(i).labelPosition.isNull())
            anchors << graph.edges.at(i).labelPosition * scale;
        for (const qreal along : kAlong)
            anchors << edge.path.pointAtPercent(along);
        for (const QPointF &anchor : std::as_const(anchors)) {
            const QRectF box(anchor - QPointF(size.width() / 2, size.height() / 2), size);
            if (std::none_of(
                    taken.cbegin(), taken.cend(), [&box](const QRectF &other) { return other.intersects(box); })) {
                edge.labelBox = box;
                taken << box;
                break;
            }
        }
        geometry.hiddenLabels += !edge.labelBox;
    }
    return geometry;
}

} // namespace salvage
