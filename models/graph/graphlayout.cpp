#include "graphlayout.h"

#include "core/error.h"
#include "graph/logcategory.h"
#include "jobs/jobcontrol.h"

#include <QHash>
#include <QMutex>
#include <QtMath>
#include <mutex>

#ifdef SALVAGE_HAVE_GRAPHVIZ
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#endif

namespace salvage {

namespace {

QMutex &graphvizMutex()
{
    static QMutex mutex;
    return mutex;
}

void radialLayout(RelationGraph &graph)
{
    const int count = int(graph.nodes.size());
    for (int i = 0; i < count; ++i) {
        GraphNode &node = graph.nodes[i];
        if (node.id == graph.root) {
            node.position = { 0, 0 };
            continue;
        }
        const double angle = 2 * M_PI * i / qMax(1, count);
        const double radius = 150 + 12 * count;
        node.position = { radius * qCos(angle), radius * qSin(angle) };
    }
}

#ifdef SALVAGE_HAVE_GRAPHVIZ
/// Graphviz's context for the whole process. A context keeps the font names of its layouts, and
/// graphviz 2.42's pango plugin remembers the last one across contexts: freeing a context and
/// making a new one left it dangling (AddressSanitizer: heap-use-after-free in tst_graph). Used
/// under graphvizMutex(), as every Graphviz call is.
GVC_t *sharedContext()
{
    static GVC_t *const context = gvContext();
    return context;
}

/// The process's Graphviz context and a graph for the duration of a call.
class GraphvizSession
{
public:
    explicit GraphvizSession(const RelationGraph &graph)
        : m_context(sharedContext())
    {
        const QByteArray dot = graph.toDot().toUtf8();
        m_graph = agmemread(dot.constData());
        if (!m_graph)
            throw Error(QStringLiteral("Graphviz could not read the graph."));
        // The DOT text names its engine (layout=twopi for large fans); dot otherwise.
        const char *engine = agget(m_graph, const_cast<char *>("layout"));
        if (gvLayout(m_context, m_graph, engine && *engine ? engine : "dot") != 0)
            throw Error(QStringLiteral("Graphviz could not lay out the graph."));
    }
    ~GraphvizSession()
    {
        if (m_graph) {
            gvFreeLayout(m_context, m_graph);
            agclose(m_graph);
        }
    }
    GVC_t *context() const { return m_context; }
    Agraph_t *graph() const { return m_graph; }

private:
    GVC_t *m_context;
    Agraph_t *m_graph = nullptr;
};
#endif

} // namespace

bool GraphLayout::hasGraphviz()
{
#ifdef SALVAGE_HAVE_GRAPHVIZ
    return true;
#else
    return false;
#endif
}

void GraphLayout::layout(RelationGraph &graph, JobControl *control)
{
#ifdef SALVAGE_HAVE_GRAPHVIZ
    std::unique_lock<QMutex> lock(graphvizMutex(), std::defer_lock);
    if (!lock.try_lock()) {
        if (control)
            control->setProgress(
                0, -1, QStringLiteral("waiting for another graph's layout (Graphviz lays out one at a time)"));
        while (!graphvizMutex().tryLock(100)) {
            if (control)
                control->throwIfCancelled();
        }
        lock = std::unique_lock<QMutex>(graphvizMutex(), std::adopt_lock);
    }
    if (control)
        control->setProgress(0, -1, QStringLiteral("laying out %1 nodes").arg(graph.nodes.size()));
    GraphvizSession session(graph);
    // "pos" is filled in by attaching the layout as attributes.
    gvRender(session.context(), session.graph(), "dot", nullptr);
    QHash<QString, std::pair<QPointF, QSizeF>> placed;
    for (Agnode_t *node = agfstnode(session.graph()); node; node = agnxtnode(session.graph(), node)) {
        const QString pos = QString::fromUtf8(agget(node, const_cast<char *>("pos")));
        const QStringList xy = pos.split(QLatin1Char(','));
        // width and height are in inches; positions in points.
        const QSizeF size(QString::fromUtf8(agget(node, const_cast<char *>("width"))).toDouble() * 72,
            QString::fromUtf8(agget(node, const_cast<char *>("height"))).toDouble() * 72);
        if (xy.size() == 2)
            placed.insert(
                QString::fromUtf8(agnameof(node)), { QPointF(xy.at(0).toDouble(), -xy.at(1).toDouble()), size });
    }
    for (GraphNode &node : graph.nodes) {
        node.position = placed.value(node.id).first;
        node.layoutSize = placed.value(node.id).second;
    }
    // Edges: "e,x,y p0 p1 p2 p3 …" — an arrow end point, then the B-spline's control points.
    auto point = [](const QString &text) {
        const QStringList xy = text.split(QLatin1Char(','));
        return xy.size() == 2 ? QPointF(xy.at(0).toDouble(), -xy.at(1).toDouble()) : QPointF();
    };
    for (Agnode_t *node = agfstnode(session.graph()); node; node = agnxtnode(session.graph(), node)) {
        for (Agedge_t *edge = agfstout(session.graph(), node); edge; edge = agnxtout(session.graph(), edge)) {
            const QString id = QString::fromUtf8(agget(edge, const_cast<char *>("id")));
            const int index = id.mid(1).toInt();
            if (!id.startsWith(QLatin1Char('e')) || index < 0 || index >= graph.edges.size())
                continue;
            GraphEdge &target = graph.edges[index];
            QPointF tip;
            target.spline.clear();
            for (const QString &part :
                QString::fromUtf8(agget(edge, const_cast<char *>("pos"))).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                if (part.startsWith(QLatin1String("e,")))
                    tip = point(part.mid(2));
                else if (!part.startsWith(QLatin1String("s,")))
                    target.spline << point(part);
            }
            if (!tip.isNull())
                target.spline << tip;
            target.labelPosition = point(QString::fromUtf8(agget(edge, const_cast<char *>("lp"))));
        }
    }
    qCDebug(lcGraph) << "Graphviz laid out" << graph.nodes.size() << "nodes," << graph.edges.size() << "edges";
#else
    Q_UNUSED(control);
    qCDebug(lcGraph) << "no Graphviz in this build: a radial layout for" << graph.nodes.size() << "nodes";
    radialLayout(graph);
#endif
    Q_UNUSED(&radialLayout);
}

QByteArray GraphLayout::renderSvg(const RelationGraph &graph)
{
#ifdef SALVAGE_HAVE_GRAPHVIZ
    QMutexLocker lock(&graphvizMutex());
    GraphvizSession session(graph);
    char *data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(session.context(), session.graph(), "svg", &data, &length) != 0)
        throw Error(QStringLiteral("Graphviz could not render SVG."));
    const QByteArray svg(data, int(length));
    gvFreeRenderData(data);
    return svg;
#else
    Q_UNUSED(graph);
    throw Error(QStringLiteral("This build has no Graphviz; use --format dot and run dot yourself."));
#endif
}

} // namespace salvage
