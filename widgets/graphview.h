#pragma once

#include "graph/relationgraph.h"
#include "graphgeometry.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobcontrol.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QPushButton;
class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace salvage {

class Connection;
class JobRegistry;

/// The relationship graph around a row: who references whom, through which foreign key, with
/// counts; BACKUP overlaid so lost, new and moved edges show at a glance. It opens on the incident's
/// view (moves and lost edges); a large fan is folded into "N more" nodes. Built and laid out off
/// the GUI thread, each stage shown as it goes; a new draw cancels the one before it; double-click
/// a row to re-centre on it.
class GraphView : public QWidget
{
    Q_OBJECT
public:
    GraphView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent = nullptr);

    const RelationGraph &graph() const { return m_graph; }
    /// The drawn graph's geometry: node boxes, edge paths, placed labels.
    const GraphGeometry &geometry() const { return m_geometry; }
    QString statusText() const;

    /// What a draw shows: the incident (moves and lost edges), the moves alone, or every edge.
    enum class Scope { Incident, MovesOnly, Everything };
    void setScope(Scope scope);
    Scope scope() const;
    /// Leaf rows shown per (row, relation) before the rest are folded into one "N more" node.
    static constexpr int kPerRelation = 12;

public Q_SLOTS:
    /// "accounts:42"; draws it with the current depth and overlay choice.
    void showRoot(const QString &root);
    void draw();
    /// Stops the draw in progress (also from the jobs panel).
    void cancel();
    /// Asks for the log events that carry a node's row values (logsRequested).
    void showInTimeline(const QString &nodeId);

Q_SIGNALS:
    void graphReady();
    void rowActivated(const QString &table, const QStringList &key);
    /// "Show in timeline" on a row node: its name for people and its identifying values.
    void logsRequested(const QString &rowName, const QStringList &values);

protected:
    void changeEvent(QEvent *event) override;

private:
    /// What a draw's job hands back: the graph and where its pieces go.
    struct DrawnGraph
    {
        RelationGraph graph;
        GraphGeometry geometry;
    };
    void render();
    void setDrawing(bool drawing);
    void exportGraph();

    Connection *m_live;
    Connection *m_backup;
    JobRegistry *m_jobs;
    QLineEdit *m_root;
    QSpinBox *m_depth;
    QCheckBox *m_overlay;
    QComboBox *m_scope;
    QPushButton *m_drawButton;
    QPushButton *m_cancelButton;
    QLabel *m_legend;
    QLabel *m_status;
    QGraphicsScene *m_scene;
    QGraphicsView *m_view;
    RelationGraph m_graph;
    GraphGeometry m_geometry; ///< where m_graph's pieces go, computed with its layout
    Generation m_generation;
    BackgroundJob::Canceller m_cancelDraw;
};

} // namespace salvage
