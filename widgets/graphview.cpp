#include "graphview.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "graph/graphbuilder.h"
#include "graph/graphlayout.h"
#include "graph/graphoverlay.h"
#include "jobs/backgroundjob.h"

#include <QCheckBox>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsSceneMouseEvent>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtMath>

namespace salvage {

namespace {

QColor presenceColour(Presence presence)
{
    switch (presence) {
    case Presence::OnlyBackup:
        return QColor(0xc0, 0x39, 0x2b);
    case Presence::OnlyLive:
        return QColor(0x27, 0xae, 0x60);
    case Presence::Moved:
        return QColor(0xd3, 0x54, 0x00);
    case Presence::Both:
        break;
    }
    return QColor(0x5d, 0x6d, 0x7e);
}

/// A QGraphicsView that zooms with the wheel around the cursor and reports double-clicked nodes.
class ZoomingView : public QGraphicsView
{
public:
    using QGraphicsView::QGraphicsView;
    std::function<void(const QString &nodeId)> onNodeActivated;
    std::function<void(const QString &nodeId, const QPoint &globalPos)> onNodeMenu;

protected:
    void contextMenuEvent(QContextMenuEvent *event) override
    {
        for (QGraphicsItem *item = itemAt(event->pos()); item; item = item->parentItem()) {
            if (item->data(0).isValid() && onNodeMenu) {
                onNodeMenu(item->data(0).toString(), event->globalPos());
                return;
            }
        }
        QGraphicsView::contextMenuEvent(event);
    }

    void mouseDoubleClickEvent(QMouseEvent *event) override
    {
        for (QGraphicsItem *item = itemAt(event->pos()); item; item = item->parentItem()) {
            if (item->data(0).isValid() && onNodeActivated) {
                onNodeActivated(item->data(0).toString());
                return;
            }
        }
        QGraphicsView::mouseDoubleClickEvent(event);
    }

    void wheelEvent(QWheelEvent *event) override
    {
        const double factor = qPow(1.0015, event->angleDelta().y());
        setTransformationAnchor(AnchorUnderMouse);
        scale(factor, factor);
    }
};

} // namespace

GraphView::GraphView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent)
    : QWidget(parent)
    , m_live(live)
    , m_backup(backup)
    , m_jobs(jobs)
{
    m_root = new QLineEdit(this);
    m_root->setObjectName(QStringLiteral("graphRoot"));
    m_root->setPlaceholderText(tr("root row, e.g. accounts:42"));
    m_root->setMinimumWidth(160);
    m_depth = new QSpinBox(this);
    m_depth->setRange(0, 4);
    m_depth->setValue(1);
    m_depth->setPrefix(tr("depth "));
    m_overlay = new QCheckBox(tr("Overlay BACKUP"), this);
    m_overlay->setChecked(true);
    m_overlay->setToolTip(tr("Draw the graph on LIVE and BACKUP and mark what was lost, is new, or moved"));
    m_movesOnly = new QCheckBox(tr("Moves only"), this);
    m_movesOnly->setToolTip(tr("Keep the root, the moved rows' owners and the moves: the picture of a merge"));
    auto *drawButton = new QPushButton(tr("Draw"), this);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    m_status = new QLabel(this);
    auto *legend = new QLabel(tr("<span style='color:#c0392b'>■ only in BACKUP (lost)</span>  "
                                 "<span style='color:#27ae60'>■ only in LIVE (new)</span>  "
                                 "<span style='color:#d35400'>■ moved</span>"),
        this);
    m_scene = new QGraphicsScene(this);
    auto *view = new ZoomingView(m_scene, this);
    view->onNodeActivated = [this](const QString &id) {
        const GraphNode *node = m_graph.node(id);
        if (!node || node->group || node->key.isEmpty())
            return;
        Q_EMIT rowActivated(node->table, node->key);
        showRoot(node->table + QLatin1Char(':') + node->key.join(QLatin1Char(',')));
    };
    view->onNodeMenu = [this](const QString &id, const QPoint &globalPos) {
        const GraphNode *node = m_graph.node(id);
        if (!node || node->group)
            return;
        QMenu menu;
        QAction *logs = menu.addAction(tr("Show in timeline"), this, [this, id] { showInTimeline(id); });
        logs->setEnabled(!node->values.isEmpty());
        logs->setToolTip(tr("Filter the timeline to the log events that carry this row's ids, names or addresses"));
        const QString root = node->table + QLatin1Char(':') + node->key.join(QLatin1Char(','));
        menu.addAction(tr("Centre the graph here"), this, [this, root] { showRoot(root); });
        menu.exec(globalPos);
    };
    m_view = view;
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setDragMode(QGraphicsView::ScrollHandDrag);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_root, 2);
    toolbar->addWidget(m_depth);
    toolbar->addWidget(m_overlay);
    toolbar->addWidget(m_movesOnly);
    toolbar->addWidget(drawButton);
    toolbar->addWidget(exportButton);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(legend);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(toolbar);
    layout->addLayout(statusRow);
    layout->addWidget(m_view, 1);

    connect(drawButton, &QPushButton::clicked, this, &GraphView::draw);
    connect(m_root, &QLineEdit::returnPressed, this, &GraphView::draw);
    connect(exportButton, &QPushButton::clicked, this, &GraphView::exportGraph);
}

void GraphView::showInTimeline(const QString &nodeId)
{
    const GraphNode *node = m_graph.node(nodeId);
    if (!node || node->group)
        return;
    Q_EMIT logsRequested(
        QStringLiteral("%1 %2 (%3)").arg(node->table, node->key.join(QLatin1Char(',')), node->label), node->values);
}

QString GraphView::statusText() const
{
    return m_status->text();
}

void GraphView::showRoot(const QString &root)
{
    m_root->setText(root);
    draw();
}

void GraphView::draw()
{
    QString table;
    QStringList key;
    try {
        std::tie(table, key) = GraphBuilder::parseRoot(m_root->text().trimmed());
    } catch (const Error &error) {
        m_status->setText(error.message());
        return;
    }
    const bool overlay = m_overlay->isChecked() && m_backup->state() == Connection::State::Open;
    const bool movesOnly = m_movesOnly->isChecked() && overlay;
    if (m_live->state() != Connection::State::Open && !overlay) {
        m_status->setText(tr("Connect LIVE (and BACKUP to overlay) first."));
        return;
    }
    const quint64 generation = m_generation.next();
    GraphBuilder::Options options;
    options.depth = m_depth->value();
    Connection *primary = m_live->state() == Connection::State::Open ? m_live : m_backup;
    Connection *other = overlay && primary == m_live ? m_backup : nullptr;
    m_status->setText(tr("Drawing %1…").arg(m_root->text()));
    BackgroundJob::start<RelationGraph>(
        m_jobs, tr("Graph around %1").arg(m_root->text()), tr("graph"),
        [primary, other, table, key, options, movesOnly](JobControl &control) {
            const std::unique_ptr<PgSession> main = primary->openSiblingSession();
            const Schema schema = SchemaReader::read(*main, &control);
            RelationGraph graph = GraphBuilder(*main, schema, options).build(table, key, &control);
            if (other) {
                const std::unique_ptr<PgSession> backup = other->openSiblingSession();
                const Schema backupSchema = SchemaReader::read(*backup, &control);
                graph = GraphOverlay::merge(
                    GraphBuilder(*backup, backupSchema, options).build(table, key, &control), graph);
                if (!graph.nodes.isEmpty())
                    GraphOverlay::addMoves(graph, *backup, *main, schema, table, key, options.fanout * 10, &control);
            }
            control.throwIfCancelled();
            if (movesOnly)
                graph = graph.movesOnly();
            GraphLayout::layout(graph);
            return graph;
        },
        this,
        [this, generation](RelationGraph graph) {
            if (!m_generation.isCurrent(generation))
                return;
            m_graph = std::move(graph);
            render();
            Q_EMIT graphReady();
        },
        [this, generation](const QString &message, bool cancelled) {
            if (m_generation.isCurrent(generation))
                m_status->setText(cancelled ? tr("Cancelled.") : message);
        });
}

void GraphView::render()
{
    m_scene->clear();
    if (m_graph.nodes.isEmpty()) {
        m_status->setText(tr("No such row in either database."));
        return;
    }
    const QPalette palette = this->palette();
    QHash<QString, QRectF> boxes;
    for (const GraphNode &node : std::as_const(m_graph.nodes)) {
        auto *label = new QGraphicsSimpleTextItem(nodeLabel(node));
        label->setBrush(palette.color(QPalette::Text));
        const QRectF textBox = label->boundingRect();
        const QRectF box(node.position.x() - textBox.width() / 2 - 8, node.position.y() - textBox.height() / 2 - 5,
            textBox.width() + 16, textBox.height() + 10);
        QPainterPath shape;
        shape.addRoundedRect(box, node.group ? 2 : 8, node.group ? 2 : 8);
        auto *frame = m_scene->addPath(shape, QPen(presenceColour(node.presence), node.id == m_graph.root ? 3 : 1.5),
            palette.color(QPalette::Base));
        frame->setToolTip(QStringLiteral("%1 %2").arg(node.table, node.key.join(QLatin1Char(','))));
        frame->setData(0, node.id);
        label->setParentItem(frame);
        label->setPos(box.left() + 8, box.top() + 5);
        boxes.insert(node.id, box);
    }
    for (const GraphEdge &edge : std::as_const(m_graph.edges)) {
        if (!boxes.contains(edge.from) || !boxes.contains(edge.to))
            continue;
        const QPointF from = boxes.value(edge.from).center();
        const QPointF to = boxes.value(edge.to).center();
        QPen pen(presenceColour(edge.presence), edge.presence == Presence::Moved ? 2 : 1.2);
        if (edge.presence == Presence::OnlyBackup)
            pen.setStyle(Qt::DashLine);
        // Graphviz's spline when there is one (control points, then the arrow tip); else a straight line.
        QPainterPath path;
        QLineF last;
        if (edge.spline.size() >= 5) {
            path.moveTo(edge.spline.at(0));
            int i = 1;
            for (; i + 2 < edge.spline.size() - 1; i += 3)
                path.cubicTo(edge.spline.at(i), edge.spline.at(i + 1), edge.spline.at(i + 2));
            path.lineTo(edge.spline.last());
            last = QLineF(edge.spline.at(edge.spline.size() - 2), edge.spline.last());
        } else {
            QLineF line(from, to);
            const QRectF target = boxes.value(edge.to);
            line.setLength(
                qMax(0.0, line.length() - qMin(line.length() / 2, qMax(target.width(), target.height()) / 2)));
            path.moveTo(line.p1());
            path.lineTo(line.p2());
            last = line;
        }
        auto *item = m_scene->addPath(path, pen);
        item->setZValue(-1);
        const QLineF head(last.p2(), last.p1());
        for (const double angle : { 25.0, -25.0 }) {
            QLineF wing = head;
            wing.setLength(9);
            wing.setAngle(head.angle() + angle);
            m_scene->addLine(wing, pen)->setZValue(-1);
        }
        const QPointF labelAnchor = edge.labelPosition.isNull() ? path.pointAtPercent(0.5) : edge.labelPosition;
        item->setToolTip(edge.via);
        auto *label = m_scene->addSimpleText(edgeLabel(edge));
        label->setToolTip(edge.via);
        label->setBrush(presenceColour(edge.presence));
        QFont font = label->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        label->setFont(font);
        label->setPos(labelAnchor - QPointF(label->boundingRect().width() / 2, label->boundingRect().height() / 2));
    }
    m_view->fitInView(m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
    int lostRows = 0;
    int newRows = 0;
    int lostEdges = 0;
    int newEdges = 0;
    int moved = 0;
    for (const GraphNode &node : std::as_const(m_graph.nodes)) {
        lostRows += node.presence == Presence::OnlyBackup;
        newRows += node.presence == Presence::OnlyLive;
    }
    for (const GraphEdge &edge : std::as_const(m_graph.edges)) {
        lostEdges += edge.presence == Presence::OnlyBackup;
        newEdges += edge.presence == Presence::OnlyLive;
        moved += edge.presence == Presence::Moved;
    }
    m_status->setText(tr("%1 nodes (%2 only in BACKUP, %3 only in LIVE), %4 edges (%5 lost, %6 new, %7 moved)%8")
                          .arg(m_graph.nodes.size())
                          .arg(lostRows)
                          .arg(newRows)
                          .arg(m_graph.edges.size())
                          .arg(lostEdges)
                          .arg(newEdges)
                          .arg(moved)
                          .arg(m_graph.truncated ? tr(" — node limit reached") : QString()));
}

void GraphView::exportGraph()
{
    if (m_graph.nodes.isEmpty())
        return;
    QString filter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export graph"), QString(),
        tr("SVG (*.svg);;Graphviz DOT (*.dot);;GraphML (*.graphml);;JSON (*.json)"), &filter);
    if (path.isEmpty())
        return;
    QByteArray data;
    try {
        if (path.endsWith(QLatin1String(".dot")))
            data = m_graph.toDot().toUtf8();
        else if (path.endsWith(QLatin1String(".graphml")))
            data = m_graph.toGraphml().toUtf8();
        else if (path.endsWith(QLatin1String(".json")))
            data = QJsonDocument(m_graph.toJson()).toJson();
        else
            data = GraphLayout::renderSvg(m_graph);
    } catch (const Error &error) {
        QMessageBox::warning(this, tr("Export graph"), error.message());
        return;
    }
    try {
        SafeFileWriter::save(path, data, SafeFileWriter::Existing::Replace); // the dialog confirmed replacing
    } catch (const Error &error) {
        QMessageBox::warning(this, tr("Export graph"), error.message());
    }
}

} // namespace salvage
