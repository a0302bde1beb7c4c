#pragma once

#include "jobs/joboutcome.h"
#include "report/reportwriter.h"
#include "timeline/annotations.h"
#include "timeline/timeline.h"
#include "workspace/workspace.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QPlainTextEdit;

namespace salvage {

class JobRegistry;
class TimelineCanvas;
class TimelineLoader;
class TimelineModel;

/// The Timeline: every log source on one UTC axis in swimlanes (spans as bars, a histogram
/// overview to brush), a table of events with stars, tags and comments, filters by time, level,
/// source, key and text, and a detail pane with the raw lines whose keys filter all lanes when
/// clicked. Indexing runs off the GUI thread as a job in the jobs panel; the lanes show as soon
/// as the index is built, and keys, spans, sub-lanes and access-log levels join when the parse
/// pass (a second job, with progress and cancel) is done.
class TimelineView : public QWidget
{
    Q_OBJECT
public:
    TimelineView(JobRegistry *jobs, QWidget *parent = nullptr);
    ~TimelineView() override;

    /// Indexes `sources` in the background; the view fills when done (newer calls win).
    void setSources(const QList<LogSource> &sources);
    /// Filters every lane to events carrying `value` (and inferred links); empty clears.
    void setKeyFilter(const QString &value);
    /// Filters every lane to the events that carry any of a database row's `values` as a key
    /// (Timeline::keysAmong), and says which matched; waits for the parse pass when needed.
    void showRow(const QString &rowName, const QStringList &values);
    /// The key field holds one key or several separated by this (" | ").
    static constexpr QStringView kKeySeparator = u" | ";
    static QStringList keysOf(const QString &text);
    /// Stars, tags, comments and manual events; save them with annotations()->saveTo(workspace).
    Annotations *annotations() const { return m_annotations; }
    void loadAnnotations(const Workspace &workspace) { m_annotations->loadFrom(workspace); }
    /// Writes what the table shows (filters applied, stars, tags, comments and notes included)
    /// as a postmortem to `path`, in the background; exported() tells how it went.
    void exportTo(const QString &path, ReportWriter::Format format);
    /// The indexed timeline, or null while indexing (for exports).
    const Timeline *timeline() const { return m_timeline.get(); }
    const TimelineFilter &filter() const;

Q_SIGNALS:
    /// Indexing finished: `events` entries over `sources` sources (or failed with `error`).
    void indexed(qint64 events, int sources, const QString &error);
    /// The parse pass is done: key and level filters, spans and sub-lanes now apply.
    void correlated();
    /// The table and lanes show a new selection.
    void filtered();
    /// An export finished: `error` is empty when `path` was written.
    void exported(const QString &path, const QString &error);
    /// The operator picked a key in the detail pane (other views may follow it).
    void keyActivated(const QString &value);

private:
    void indexFinished(JobOutcome outcome, const QString &message, const QStringList &skipped);
    void adoptTimeline(std::shared_ptr<Timeline> timeline, const QStringList &skipped);
    void parseFinished(JobOutcome outcome, const QString &message);
    /// Selects what the filter fields say (a text search off the GUI thread); `note` leads the status.
    void applyFilter(bool keepView = false, const QString &note = {});
    void showSelection(
        const TimelineFilter &filter, std::vector<EventRef> selected, bool keepView, const QString &note);
    void rebuildLanes(bool keepView = false);
    void showDetail(int row);
    void showMarkers();
    void addNote();
    void exportReport();
    QWidget *makeToolbar();

    JobRegistry *m_jobs;
    /// Indexes, parses and searches off the GUI thread; the view starts it and shows what it finds.
    TimelineLoader *m_loader;
    Annotations *m_annotations;
    std::shared_ptr<Timeline> m_timeline;
    TimelineModel *m_model = nullptr;
    TimelineCanvas *m_canvas;
    QTableView *m_table;
    QTextBrowser *m_detail;
    QPlainTextEdit *m_raw;
    QLineEdit *m_search;
    QLineEdit *m_key;
    QComboBox *m_level;
    QComboBox *m_source;
    QComboBox *m_zone;
    QLabel *m_status;
    QSet<int> m_expanded; ///< sources whose sub-lanes show
    QPair<QString, QStringList> m_pendingRow; ///< a showRow() waiting for the parse pass
    QString m_caveats; ///< what makes a source's times doubtful, leading every status
    /// How the newest filter's rows are to be shown when they come.
    struct
    {
        bool keepView = false;
        QString note;
    } m_shownAs;
};

} // namespace salvage
