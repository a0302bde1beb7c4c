#include "graphview.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "graph/graphbuilder.h"
#include "graph/graphlayout.h"
#include "graph/graphoverlay.h"
#include "graphgeometry.h"
#include "jobs/backgroundjob.h"
#include "statecolours.h"

#include <optional>

#include <QCheckBox>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QCoreApplication>
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
#include <QPainterPathStroker>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <QtMath>

namespace salvage {

namespace {

Mark markOf(Presence presence)
{
    switch (presence) {
    case Presence::OnlyBackup:
        return Mark::Lost;
    case Presence::OnlyLive:
        return Mark::New;
    case Presence::Moved:
        return Mark::Moved;
    case Presence::Both:
        break;
    }
    return Mark::Null; // present on both sides: quieter than the marks
}

/// Edge labels are a little smaller than the nodes' text.
QFont edgeLabelFont(QFont font)
{
    font.setPointSizeF(font.pointSizeF() * 0.85);
    return font;
}

/// An edge, easy to hover (a band wider than its line), that shows its label while hovered when
/// the label had no room of its own.
class EdgeItem : public QGraphicsPathItem
{
public:
    EdgeItem(const QPainterPath &path, QGraphicsItem *hoverLabel)
        : QGraphicsPathItem(path)
        , m_hoverLabel(hoverLabel)
    {
        setAcceptHoverEvents(true);
    }
    QPainterPath shape() const override
    {
        QPainterPathStroker band;
        band.setWidth(8);
        return band.createStroke(path());
    }

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override
    {
        if (m_hoverLabel)
            m_hoverLabel->setVisible(true);
        QGraphicsPathItem::hoverEnterEvent(event);
    }
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override
    {
        if (m_hoverLabel)
            m_hoverLabel->setVisible(false);
        QGraphicsPathItem::hoverLeaveEvent(event);
    }

private:
    QGraphicsItem *m_hoverLabel;
};

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
    m_root->setMinimumWidth(m_root->fontMetrics().averageCharWidth() * 14);
    m_depth = new QSpinBox(this);
    m_depth->setRange(0, 4);
    m_depth->setValue(1);
    m_depth->setPrefix(tr("depth "));
    m_overlay = new QCheckBox(tr("Overlay BACKUP"), this);
    m_overlay->setChecked(true);
    m_overlay->setToolTip(tr("Draw the graph on LIVE and BACKUP and mark what was lost, is new, or moved"));
    m_scope = new QComboBox(this);
    m_scope->setObjectName(QStringLiteral("graphScope"));
    m_scope->addItem(tr("Incident"), int(Scope::Incident));
    m_scope->addItem(tr("Moves only"), int(Scope::MovesOnly));
    m_scope->addItem(tr("Everything"), int(Scope::Everything));
    m_scope->setToolTip(tr("Incident: the root, the moves and what exists only in BACKUP (needs BACKUP overlaid).\n"
                           "Moves only: the picture of a merge. Everything: every foreign key around the row."));
    m_drawButton = new QPushButton(tr("Draw"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    auto *exportButton = new QPushButton(tr("Export…"), this);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_legend = new QLabel(StateColours::legendHtml(palette()), this);
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

    // Two short rows rather than one long one: the view must fit between the docks at 1280 px.
    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_root, 2);
    toolbar->addWidget(m_depth);
    toolbar->addWidget(m_drawButton);
    toolbar->addWidget(m_cancelButton);
    auto *options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Show:"), this));
    options->addWidget(m_scope);
    options->addWidget(m_overlay);
    options->addWidget(exportButton);
    options->addStretch(1);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_legend);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(toolbar);
    layout->addLayout(options);
    layout->addLayout(statusRow);
    layout->addWidget(m_view, 1);

    connect(m_drawButton, &QPushButton::clicked, this, &GraphView::draw);
    connect(m_cancelButton, &QPushButton::clicked, this, &GraphView::cancel);
    connect(m_scope, &QComboBox::activated, this, [this]() {
        if (!m_root->text().trimmed().isEmpty())
            draw();
    });
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

void GraphView::setScope(Scope scope)
{
    m_scope->setCurrentIndex(m_scope->findData(int(scope)));
}

GraphView::Scope GraphView::scope() const
{
    return Scope(m_scope->currentData().toInt());
}

void GraphView::cancel()
{
    // A copy: cancelling a waiting draw reports at once, which clears m_cancelDraw while it runs.
    if (const BackgroundJob::Canceller cancelDraw = m_cancelDraw)
        cancelDraw();
}

void GraphView::setDrawing(bool drawing)
{
    m_cancelButton->setEnabled(drawing);
    if (!drawing)
        m_cancelDraw = nullptr;
}

void GraphView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // The marks' colours come from the palette: draw again in the new one.
    if (event->type() == QEvent::PaletteChange) {
        m_legend->setText(StateColours::legendHtml(palette()));
        if (!m_graph.nodes.isEmpty())
            render();
    }
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
    // Without BACKUP there are no moves nor lost rows to show: everything on the one side.
    const Scope scope = overlay ? this->scope() : Scope::Everything;
    if (m_live->state() != Connection::State::Open && !overlay) {
        m_status->setText(tr("Connect LIVE (and BACKUP to overlay) first."));
        return;
    }
    cancel(); // a new draw supersedes the one still running
    const quint64 generation = m_generation.next();
    GraphBuilder::Options options;
    options.depth = m_depth->value();
    // The job holds recipes, not the connections: it may outlive this view and them.
    const Connection *primaryConnection = m_live->state() == Connection::State::Open ? m_live : m_backup;
    const Connection::SessionRecipe primary = primaryConnection->siblingRecipe();
    const QString primarySide = sideName(primaryConnection->side());
    const std::optional<Connection::SessionRecipe> other
        = overlay && primaryConnection == m_live ? std::optional(m_backup->siblingRecipe()) : std::nullopt;
    m_status->setText(tr("Drawing %1…").arg(m_root->text()));
    // Each stage goes to the jobs panel and to this view's status line, as it starts.
    QPointer<GraphView> guard(this);
    auto stage = [guard, generation](JobControl &control, int step, const QString &text) {
        control.throwIfCancelled();
        control.setProgress(step, 5, text);
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, generation, step, text]() {
                if (guard && guard->m_generation.isCurrent(generation))
                    guard->m_status->setText(tr("Drawing (%1 of 5): %2…").arg(step + 1).arg(text));
            },
            Qt::QueuedConnection);
    };
    setDrawing(true);
    // Label sizes are measured in the fonts the scene draws in, by the job, with the layout.
    const QFont nodeFont = m_view->font();
    const QFont labelFont = edgeLabelFont(nodeFont);
    m_cancelDraw = BackgroundJob::start<DrawnGraph>(
        m_jobs, tr("Graph around %1").arg(m_root->text()), tr("graph"),
        [primary, primarySide, other, table, key, options, scope, stage, nodeFont, labelFont](JobControl &control) {
            stage(control, 0, tr("reading the schema"));
            const std::unique_ptr<PgSession> main = primary.open();
            const Schema schema = SchemaReader::read(*main, &control);
            stage(control, 1, tr("walking %1").arg(primarySide));
            RelationGraph graph = GraphBuilder(*main, schema, options).build(table, key, &control);
            if (other) {
                stage(control, 2, tr("walking BACKUP"));
                const std::unique_ptr<PgSession> backup = other->open();
                const Schema backupSchema = SchemaReader::read(*backup, &control);
                graph = GraphOverlay::merge(
                    GraphBuilder(*backup, backupSchema, options).build(table, key, &control), graph);
                stage(control, 3, tr("finding the moves"));
                if (!graph.nodes.isEmpty())
                    GraphOverlay::addMoves(graph, *backup, *main, schema, table, key, options.fanout * 10, &control);
            }
            if (scope == Scope::MovesOnly)
                graph = graph.movesOnly();
            else if (scope == Scope::Incident)
                graph = graph.incidentView();
            graph = graph.aggregated(kPerRelation);
            stage(control, 4, tr("laying out %n node(s)", nullptr, int(graph.nodes.size())));
            GraphLayout::layout(graph, &control);
            GraphGeometry geometry = GraphGeometry::compute(graph, nodeFont, labelFont);
            return DrawnGraph { std::move(graph), std::move(geometry) };
        },
        this,
        [this, generation](DrawnGraph drawn) {
            if (!m_generation.isCurrent(generation))
                return;
            setDrawing(false);
            m_graph = std::move(drawn.graph);
            m_geometry = std::move(drawn.geometry);
            render();
            Q_EMIT graphReady();
        },
        [this, generation](const QString &message, bool cancelled) {
            if (!m_generation.isCurrent(generation))
                return;
            setDrawing(false);
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
    const QFont nodeFont = m_view->font();
    const QFont labelFont = edgeLabelFont(nodeFont);
    for (const GraphNode &node : std::as_const(m_graph.nodes)) {
        const QRectF box = m_geometry.boxes.value(node.id);
        QPainterPath shape;
        shape.addRoundedRect(box, node.group ? 2 : 8, node.group ? 2 : 8);
        auto *frame = m_scene->addPath(shape,
            QPen(StateColours::foreground(markOf(node.presence), palette), node.id == m_graph.root ? 3 : 1.5),
            StateColours::background(node.presence == Presence::Both ? Mark::None : markOf(node.presence), palette));
        frame->setToolTip(QStringLiteral("%1 %2").arg(node.table, node.key.join(QLatin1Char(','))));
        frame->setData(0, node.id);
        auto *label = new QGraphicsSimpleTextItem(nodeLabel(node), frame);
        label->setFont(nodeFont);
        label->setBrush(palette.color(QPalette::Text));
        label->setPos(box.left() + GraphGeometry::kPadX, box.top() + GraphGeometry::kPadY);
    }
    for (qsizetype i = 0; i < m_graph.edges.size() && i < m_geometry.edges.size(); ++i) {
        const GraphEdge &edge = m_graph.edges.at(i);
        const GraphGeometry::Edge &drawn = m_geometry.edges.at(i);
        if (drawn.path.isEmpty())
            continue;
        QPen pen(StateColours::foreground(markOf(edge.presence), palette), edge.presence == Presence::Moved ? 2 : 1.2);
        if (edge.presence == Presence::OnlyBackup)
            pen.setStyle(Qt::DashLine);
        auto *label = new QGraphicsSimpleTextItem(drawn.label);
        label->setFont(labelFont);
        label->setBrush(StateColours::foreground(markOf(edge.presence), palette));
        label->setToolTip(edge.via);
        label->setData(0, QStringLiteral("edgeLabel"));
        auto *item = new EdgeItem(drawn.path, drawn.labelBox ? nullptr : label);
        item->setPen(pen);
        item->setZValue(-1);
        item->setToolTip(drawn.labelBox ? edge.via : QStringLiteral("%1\n%2").arg(drawn.label, edge.via));
        m_scene->addItem(item);
        const QLineF head(drawn.last.p2(), drawn.last.p1());
        for (const double angle : { 25.0, -25.0 }) {
            QLineF wing = head;
            wing.setLength(9);
            wing.setAngle(head.angle() + angle);
            m_scene->addLine(wing, pen)->setZValue(-1);
        }
        m_scene->addItem(label);
        if (drawn.labelBox) {
            label->setPos(drawn.labelBox->topLeft() + QPointF(2, 1));
        } else {
            // Shown while the edge is hovered, over the rest, near the pointer's end of the edge.
            const QRectF box = label->boundingRect();
            label->setPos(drawn.path.pointAtPercent(0.5) - QPointF(box.width() / 2, box.height() / 2));
            label->setZValue(2);
            label->setVisible(false);
        }
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
    QString notes;
    if (m_graph.folded > 0)
        notes += tr(" — %L1 rows folded into \u201cmore\u201d nodes").arg(m_graph.folded);
    if (m_graph.truncated)
        notes += tr(" — node limit reached");
    if (m_geometry.hiddenLabels > 0)
        notes += tr(" — %n edge label(s) shown on hover (no room beside the edge)", nullptr, m_geometry.hiddenLabels);
    m_status->setText(tr("%1 nodes (%2 only in BACKUP, %3 only in LIVE), %4 edges (%5 lost, %6 new, %7 moved)%8")
                          .arg(m_graph.nodes.size())
                          .arg(lostRows)
                          .arg(newRows)
                          .arg(m_graph.edges.size())
                          .arg(lostEdges)
                          .arg(newEdges)
                          .arg(moved)
                          .arg(notes));
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
