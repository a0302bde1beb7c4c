#pragma once

#include "graph/relationgraph.h"
#include "jobs/jobcontrol.h"

#include <QWidget>

class QCheckBox;
class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace salvage {

class Connection;
class JobRegistry;

/// The relationship graph around a row: who references whom, through which foreign key, with
/// counts; BACKUP overlaid so lost, new and moved edges show at a glance. Built and laid out off the
/// GUI thread; double-click a row to re-centre on it.
class GraphView : public QWidget
{
    Q_OBJECT
public:
    GraphView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent = nullptr);

    const RelationGraph &graph() const { return m_graph; }
    QString statusText() const;

public Q_SLOTS:
    /// "accounts:42"; draws it with the current depth and overlay choice.
    void showRoot(const QString &root);
    void draw();
    /// Asks for the log events that carry a node's row values (logsRequested).
    void showInTimeline(const QString &nodeId);

Q_SIGNALS:
    void graphReady();
    void rowActivated(const QString &table, const QStringList &key);
    /// "Show in timeline" on a row node: its name for people and its identifying values.
    void logsRequested(const QString &rowName, const QStringList &values);

private:
    void render();
    void exportGraph();

    Connection *m_live;
    Connection *m_backup;
    JobRegistry *m_jobs;
    QLineEdit *m_root;
    QSpinBox *m_depth;
    QCheckBox *m_overlay;
    QCheckBox *m_movesOnly;
    QLabel *m_status;
    QGraphicsScene *m_scene;
    QGraphicsView *m_view;
    RelationGraph m_graph;
    Generation m_generation;
};

} // namespace salvage
