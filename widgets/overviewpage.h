#pragma once

#include "diff/incidentsummary.h"

#include <QElapsedTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QTableWidget;

namespace salvage {

class Connection;
class JobRegistry;
class Timeline;

/// The first page the operator sees. Before both sides are connected: where things stand and
/// what to do. Then the incident at a glance, filled in as background jobs finish: rows lost /
/// new / changed per table, the largest fan-in moves, the time window the logs saw the lost rows
/// in, and for each finding one-click entries into Compare, Graph, Timeline and Restore.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    OverviewPage(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent = nullptr);

    void refresh();
    /// A comparison's progress (after each table) or its end (`result.complete`).
    void showComparison(const salvage::DiffResult &result);
    void comparisonFailed(const QString &message);
    /// The timeline, once indexed; the log window is computed when its correlation is done.
    void setTimeline(std::shared_ptr<const Timeline> timeline);
    /// Asks for a new comparison (the Refresh of a stale overview).
    void recompare();

    const IncidentSummary &summary() const { return m_summary; }
    bool hasComparison() const { return m_compared; }
    QString windowText() const;
    /// A summary is being computed in the background (hasComparison() waits for it).
    bool isSummarizing() const { return m_summarizing; }
    /// How long the last whole comparison took, in ms; -1 when none has finished yet.
    qint64 lastComparisonMs() const { return m_lastComparisonMs; }

Q_SIGNALS:
    /// Both sides are connected and nothing compares them yet: the Compare view's diff should run.
    void comparisonWanted();
    void compareRequested(const QString &table);
    void graphRequested(const QString &root);
    void timelineRequested(const QString &rowName, const QStringList &values);
    void restoreRequested(const QString &root);
    /// The summary of a comparison is shown (partial ones too).
    void summaryShown();
    /// The log window is known (or known to be empty).
    void windowShown();

private:
    bool bothOpen() const;
    /// Sums `result` in a background job and shows it, unless a newer result came meanwhile.
    void summarize(const DiffResult &result);
    void summaryDone();
    void showSummary(const IncidentSummary &summary, bool complete);
    void fillFindings(QTableWidget *table, const QList<IncidentFinding> &findings, bool counts);
    QWidget *entries(const IncidentFinding &finding);
    void updateWindow();

    Connection *m_live;
    Connection *m_backup;
    JobRegistry *m_jobs;
    QLabel *m_heading;
    QLabel *m_connections;
    QLabel *m_instructions;
    QWidget *m_incident;
    QProgressBar *m_progress;
    QLabel *m_totals;
    QLabel *m_window;
    QTableWidget *m_tables;
    QTableWidget *m_fanIns;
    IncidentSummary m_summary;
    bool m_compareAsked = false;
    bool m_compared = false; ///< a complete comparison is shown
    quint64 m_summaryTicket = 0; ///< the newest result given to summarize(); older summaries are dropped
    bool m_summarizing = false;
    std::optional<DiffResult> m_waitingSummary; ///< the newest result, while a summary job runs
    quint64 m_windowTicket = 0;
    std::shared_ptr<const Timeline> m_timeline;
    QElapsedTimer m_comparisonClock;
    qint64 m_lastComparisonMs = -1;
};

} // namespace salvage
