#include "relationgraph.h"

#include <QJsonArray>
#include <QSet>
#include <QXmlStreamWriter>

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

RelationGraph RelationGraph::movesOnly() const
{
    RelationGraph focused;
    focused.root = root;
    // Moves have their own limit (a "more rows" node); the node limit of the full walk does not apply.
    focused.truncated = false;
    QSet<QString> keep { root };
    for (const GraphEdge &edge : edges) {
        if (edge.presence != Presence::Moved)
            continue;
        focused.edges.append(edge);
        keep.insert(edge.from);
        keep.insert(edge.to);
    }
    for (const GraphNode &candidate : nodes) {
        if (keep.contains(candidate.id))
            focused.nodes.append(candidate);
    }
    return focused;
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
        return QStringLiteral("%1 %2→%3").arg(edge.via).arg(edge.backupCount).arg(edge.liveCount);
    if (edge.count > 1)
        return QStringLiteral("%1 ×%2").arg(edge.via).arg(edge.count);
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
                       e.presence == Presence::OnlyBackup ? QStringLiteral(", style=dashed") : QString())
                   .arg(index)
                   .arg(dotQuote(e.via));
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
