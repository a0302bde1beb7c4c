#include "relationgraph.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QXmlStreamWriter>
#include <algorithm>
#include <climits>
#include <functional>

namespace salvage {

QString presenceName(Presence presence)
{
    switch (presence) {
    case Presence::Both:
        return QStringLiteral("both");
    case Presence::OnlyBackup:
        return QStringLiteral("only_in_backup");
    case Presence::OnlyLive:
        return QStringLiteral("only_in_live");
    case Presence::Moved:
        return QStringLiteral("moved");
    }
    return {};
}

const GraphNode *RelationGraph::node(const QString &id) const
{
    for (const GraphNode &candidate : nodes) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

GraphNode *RelationGraph::node(const QString &id)
{
    return const_cast<GraphNode *>(std::as_const(*this).node(id));
}

namespace {

/// The edges `keep` accepts and the nodes at their ends, with the root.
RelationGraph edgesWhere(const RelationGraph &graph, const std::function<bool(const GraphEdge &)> &keepEdge)
{
    RelationGraph focused;
    focused.root = graph.root;
    focused.folded = graph.folded;
    QSet<QString> keep { graph.root };
    for (const GraphEdge &edge : graph.edges) {
        if (!keepEdge(edge))
            continue;
        focused.edges.append(edge);
        keep.insert(edge.from);
        keep.insert(edge.to);
    }
    for (const GraphNode &candidate : graph.nodes) {
        if (keep.contains(candidate.id))
            focused.nodes.append(candidate);
    }
    return focused;
}

} // namespace

RelationGraph RelationGraph::movesOnly() const
{
    // Moves have their own limit (a "more rows" node); the node limit of the full walk does not apply.
    return edgesWhere(*this, [](const GraphEdge &edge) { return edge.presence == Presence::Moved; });
}

RelationGraph RelationGraph::incidentView() const
{
    RelationGraph focused = edgesWhere(*this, [](const GraphEdge &edge) {
        return edge.presence == Presence::Moved || edge.presence == Presence::OnlyBackup;
    });
    focused.truncated = truncated;
    // A lost edge to a row that still exists (a victim's status, now someone else's) is context:
    // one node per relation says how many; the rows lost themselves stay in sight.
    return focused.foldFans([](const GraphNode &leaf) { return leaf.presence == Presence::Both ? 0 : INT_MAX; });
}

RelationGraph RelationGraph::foldFans(const std::function<int(const GraphNode &leaf)> &limitFor) const
{
    QHash<QString, int> degree;
    for (const GraphEdge &edge : edges) {
        ++degree[edge.from];
        ++degree[edge.to];
    }
    // A leaf is a row node with one edge: folding it away hides nothing else.
    auto isLeaf = [&](const QString &id) {
        const GraphNode *candidate = node(id);
        return id != root && candidate && !candidate->group && degree.value(id) == 1;
    };
    struct Fan
    {
        QString anchor;
        bool leafIsTarget = true;
        QList<int> edges;
    };
    QHash<QString, Fan> fans;
    QStringList order;
    for (int index = 0; index < edges.size(); ++index) {
        const GraphEdge &edge = edges.at(index);
        if (edge.presence == Presence::Moved)
            continue;
        const bool leafIsTarget = isLeaf(edge.to);
        if (!leafIsTarget && !isLeaf(edge.from))
            continue;
        const QString anchor = leafIsTarget ? edge.from : edge.to;
        const GraphNode *leaf = node(leafIsTarget ? edge.to : edge.from);
        const QString leafTable = leaf->table;
        const QString fanKey = QStringList { anchor, edge.via, leafTable, presenceName(edge.presence),
            presenceName(leaf->presence), leafIsTarget ? QStringLiteral(">") : QStringLiteral("<") }
                                   .join(QChar(0x1f));
        Fan &fan = fans[fanKey];
        if (fan.edges.isEmpty()) {
            fan.anchor = anchor;
            fan.leafIsTarget = leafIsTarget;
            order << fanKey;
        }
        fan.edges << index;
    }
    QSet<int> droppedEdges;
    QSet<QString> droppedNodes;
    RelationGraph result = *this;
    result.edges.clear();
    QList<GraphEdge> moreEdges;
    for (const QString &fanKey : std::as_const(order)) {
        const Fan &fan = fans.value(fanKey);
        const GraphEdge &sample = edges.at(fan.edges.first());
        const int perRelation = limitFor(*node(fan.leafIsTarget ? sample.to : sample.from));
        if (fan.edges.size() <= perRelation)
            continue;
        // The heaviest edges stay; the rest are summed into one node.
        QList<int> ranked = fan.edges;
        std::stable_sort(
            ranked.begin(), ranked.end(), [this](int a, int b) { return edges.at(a).count > edges.at(b).count; });
        qint64 rows = 0;
        const GraphEdge &first = edges.at(ranked.first());
        for (int i = perRelation; i < ranked.size(); ++i) {
            const GraphEdge &edge = edges.at(ranked.at(i));
            droppedEdges.insert(ranked.at(i));
            droppedNodes.insert(fan.leafIsTarget ? edge.to : edge.from);
            rows += edge.count;
        }
        const qint64 hidden = ranked.size() - perRelation;
        const QString table = node(fan.leafIsTarget ? first.to : first.from)->table;
        const QString moreId
            = QStringLiteral("%1:more-%2-%3-%4").arg(table, first.via, presenceName(first.presence), fan.anchor);
        // Rows that still exist, folded whole, are context; the rest of a fan of lost rows is "N more".
        const QString label = perRelation > 0 ? QStringLiteral("%L1 more").arg(hidden)
            : hidden == 1                     ? QStringLiteral("1 row, still in LIVE")
                                              : QStringLiteral("%L1 rows, still in LIVE").arg(hidden);
        GraphNode more { moreId, table, {}, label, true, rows, perRelation > 0 ? first.presence : Presence::Both, {} };
        result.nodes.append(more);
        if (perRelation > 0)
            result.folded += hidden;
        moreEdges.append({ fan.leafIsTarget ? fan.anchor : moreId, fan.leafIsTarget ? moreId : fan.anchor, first.via,
            rows, -1, -1, first.presence });
    }
    for (int index = 0; index < edges.size(); ++index) {
        if (!droppedEdges.contains(index))
            result.edges.append(edges.at(index));
    }
    result.edges.append(moreEdges);
    result.nodes.removeIf([&](const GraphNode &candidate) { return droppedNodes.contains(candidate.id); });
    return result;
}

RelationGraph RelationGraph::aggregated(int perRelation) const
{
    return foldFans([perRelation](const GraphNode &) { return perRelation; });
}

QJsonObject RelationGraph::toJson() const
{
    QJsonArray nodeArray;
    for (const GraphNode &n : nodes) {
        nodeArray.append(QJsonObject { { QStringLiteral("id"), n.id }, { QStringLiteral("table"), n.table },
            { QStringLiteral("key"), QJsonArray::fromStringList(n.key) }, { QStringLiteral("label"), n.label },
            { QStringLiteral("kind"), n.group ? QStringLiteral("group") : QStringLiteral("row") },
            { QStringLiteral("rows"), double(n.rows) }, { QStringLiteral("state"), presenceName(n.presence) } });
    }
    QJsonArray edgeArray;
    for (const GraphEdge &e : edges) {
        QJsonObject object { { QStringLiteral("from"), e.from }, { QStringLiteral("to"), e.to },
            { QStringLiteral("via"), e.via }, { QStringLiteral("rows"), double(e.count) },
            { QStringLiteral("state"), presenceName(e.presence) } };
        if (e.backupCount >= 0)
            object.insert(QStringLiteral("backup_rows"), double(e.backupCount));
        if (e.liveCount >= 0)
            object.insert(QStringLiteral("live_rows"), double(e.liveCount));
        edgeArray.append(object);
    }
    return { { QStringLiteral("root"), root }, { QStringLiteral("truncated"), truncated },
        { QStringLiteral("nodes"), nodeArray }, { QStringLiteral("edges"), edgeArray } };
}

namespace {

QString dotQuote(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('"'), QLatin1String("\\\""));
    escaped.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString colour(Presence presence)
{
    switch (presence) {
    case Presence::OnlyBackup:
        return QStringLiteral("#c0392b"); // lost
    case Presence::OnlyLive:
        return QStringLiteral("#27ae60"); // new
    case Presence::Moved:
        return QStringLiteral("#d35400");
    case Presence::Both:
        break;
    }
    return QStringLiteral("#34495e");
}

} // namespace

QString nodeLabel(const GraphNode &node)
{
    return node.table.section(u'.', 1) + u'\n' + node.label;
}

QString edgeLabel(const GraphEdge &edge)
{
    if (edge.presence == Presence::Moved)
        return QStringLiteral("moved ×%1").arg(edge.count);
    if (edge.backupCount >= 0 && edge.liveCount >= 0 && edge.backupCount != edge.liveCount)
        return QStringLiteral("%1 %2→%3")
            .arg(edge.via, QString::number(edge.backupCount), QString::number(edge.liveCount));
    if (edge.count > 1)
        return QStringLiteral("%1 ×%2").arg(edge.via, QString::number(edge.count));
    return edge.via;
}

QString RelationGraph::toDot() const
{
    // Small graphs read best left to right; a large fan (a merge of hundreds of rows into one)
    // reads best as a circle around its root.
    const bool radial = nodes.size() > 12;
    QString dot = QStringLiteral("digraph relations {\n  graph [%1];\n")
                      .arg(radial ? QStringLiteral("layout=twopi, root=%1, ranksep=3, overlap=false, splines=true")
                                        .arg(dotQuote(root))
                                  : QStringLiteral("rankdir=LR, overlap=false, splines=true"))
        + QStringLiteral("  node [shape=box, style=\"rounded\", fontname=\"DejaVu Sans\", fontsize=10];\n"
                         "  edge [fontname=\"DejaVu Sans\", fontsize=9];\n");
    for (const GraphNode &n : nodes) {
        dot += QStringLiteral("  %1 [label=%2, color=%3%4%5];\n")
                   .arg(dotQuote(n.id), dotQuote(nodeLabel(n)), dotQuote(colour(n.presence)),
                       n.group ? QStringLiteral(", shape=folder") : QString(),
                       n.id == root ? QStringLiteral(", penwidth=2.5") : QString());
    }
    for (int index = 0; index < edges.size(); ++index) {
        const GraphEdge &e = edges.at(index);
        dot += QStringLiteral("  %1 -> %2 [id=\"e%6\", label=%3, tooltip=%7, color=%4%5];\n")
                   .arg(dotQuote(e.from), dotQuote(e.to), dotQuote(edgeLabel(e)), dotQuote(colour(e.presence)),
                       e.presence == Presence::OnlyBackup ? QStringLiteral(", style=dashed") : QString(),
                       QString::number(index), dotQuote(e.via));
    }
    return dot + QStringLiteral("}\n");
}

QString RelationGraph::toGraphml() const
{
    QString out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("graphml"));
    xml.writeDefaultNamespace(QStringLiteral("http://graphml.graphdrawing.org/xmlns"));
    const QList<QPair<QString, QString>> keys { { QStringLiteral("table"), QStringLiteral("node") },
        { QStringLiteral("label"), QStringLiteral("node") }, { QStringLiteral("rows"), QStringLiteral("all") },
        { QStringLiteral("state"), QStringLiteral("all") }, { QStringLiteral("via"), QStringLiteral("edge") } };
    for (const auto &[name, scope] : keys) {
        xml.writeStartElement(QStringLiteral("key"));
        xml.writeAttribute(QStringLiteral("id"), name);
        xml.writeAttribute(QStringLiteral("for"), scope);
        xml.writeAttribute(QStringLiteral("attr.name"), name);
        xml.writeAttribute(QStringLiteral("attr.type"),
            name == QLatin1String("rows") ? QStringLiteral("long") : QStringLiteral("string"));
        xml.writeEndElement();
    }
    xml.writeStartElement(QStringLiteral("graph"));
    xml.writeAttribute(QStringLiteral("edgedefault"), QStringLiteral("directed"));
    auto data = [&xml](const QString &key, const QString &value) {
        xml.writeStartElement(QStringLiteral("data"));
        xml.writeAttribute(QStringLiteral("key"), key);
        xml.writeCharacters(value);
        xml.writeEndElement();
    };
    for (const GraphNode &n : nodes) {
        xml.writeStartElement(QStringLiteral("node"));
        xml.writeAttribute(QStringLiteral("id"), n.id);
        data(QStringLiteral("table"), n.table);
        data(QStringLiteral("label"), n.label);
        data(QStringLiteral("rows"), QString::number(n.rows));
        data(QStringLiteral("state"), presenceName(n.presence));
        xml.writeEndElement();
    }
    for (const GraphEdge &e : edges) {
        xml.writeStartElement(QStringLiteral("edge"));
        xml.writeAttribute(QStringLiteral("source"), e.from);
        xml.writeAttribute(QStringLiteral("target"), e.to);
        data(QStringLiteral("via"), e.via);
        data(QStringLiteral("rows"), QString::number(e.count));
        data(QStringLiteral("state"), presenceName(e.presence));
        xml.writeEndElement();
    }
    xml.writeEndDocument();
    return out;
}

} // namespace salvage
