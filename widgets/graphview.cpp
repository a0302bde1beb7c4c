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
    m_cancelDraw = BackgroundJob::start<RelationGraph>(
        m_jobs, tr("Graph around %1").arg(m_root->text()), tr("graph"),
        [primary, primarySide, other, table, key, options, scope, stage](JobControl &control) {
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
            return graph;
        },
        this,
        [this, generation](RelationGraph graph) {
            if (!m_generation.isCurrent(generation))
                return;
            setDrawing(false);
            m_graph = std::move(graph);
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
    QHash<QString, QRectF> boxes;
    for (const GraphNode &node : std::as_const(m_graph.nodes)) {
        auto *label = new QGraphicsSimpleTextItem(nodeLabel(node));
        label->setBrush(palette.color(QPalette::Text));
        const QRectF textBox = label->boundingRect();
        const QRectF box(node.position.x() - textBox.width() / 2 - 8, node.position.y() - textBox.height() / 2 - 5,
            textBox.width() + 16, textBox.height() + 10);
        QPainterPath shape;
        shape.addRoundedRect(box, node.group ? 2 : 8, node.group ? 2 : 8);
        auto *frame = m_scene->addPath(shape,
            QPen(StateColours::foreground(markOf(node.presence), palette), node.id == m_graph.root ? 3 : 1.5),
            StateColours::background(node.presence == Presence::Both ? Mark::None : markOf(node.presence), palette));
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
        QPen pen(StateColours::foreground(markOf(edge.presence), palette), edge.presence == Presence::Moved ? 2 : 1.2);
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
        label->setBrush(StateColours::foreground(markOf(edge.presence), palette));
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
    QString notes;
    if (m_graph.folded > 0)
        notes += tr(" — %L1 rows folded into \u201cmore\u201d nodes").arg(m_graph.folded);
    if (m_graph.truncated)
        notes += tr(" — node limit reached");
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
