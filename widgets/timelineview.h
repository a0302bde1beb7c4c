#pragma once

#include "core/safefilewriter.h"
#include "diff/diffresult.h"
#include "jobs/joboutcome.h"
#include "report/reportwriter.h"
#include "timeline/annotations.h"
#include "timeline/timeline.h"
#include "workspace/workspace.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QPlainTextEdit;
class QSplitter;

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
    /// The databases' table names: a row key's tag ("/orders/17/items/5") resolves to the table
    /// the schema has ("order_items"), as `salvage-cli timeline --db` does.
    void setTableNames(const QStringList &tables);
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
    /// Writes what the table shows (filters applied; every marked event and note under "Key
    /// events") as a postmortem to `path` with TimelineExport, the CLI's export, in the background;
    /// Markdown and HTML get the summary and figures beside the file. exported() tells how it went.
    void exportTo(const QString &path, ReportWriter::Format format,
        SafeFileWriter::Existing existing = SafeFileWriter::Existing::Replace);
    /// The databases' comparison, for the postmortem's loss table, moves graph and incident window.
    void setComparison(const DiffResult &result) { m_comparison = std::make_shared<const DiffResult>(result); }
    /// What a second BACKUP recovers beside BACKUP, for the postmortem's table; null: none.
    void setBackupGain(std::shared_ptr<const BackupGain> gain) { m_backupGain = std::move(gain); }
    /// Where "Add note…" puts a note unless changed: the selected event's time, else the last
    /// event shown in the detail pane, else the first row's; the wall clock only with no events.
    qint64 noteDefaultInstant() const;
    /// The indexed timeline, or null while indexing (for exports).
    const Timeline *timeline() const { return m_timeline.get(); }
    /// The same, shared: a background reader keeps it alive if the sources are replaced meanwhile.
    std::shared_ptr<const Timeline> sharedTimeline() const { return m_timeline; }
    const TimelineFilter &filter() const;

protected:
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

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
    /// "Show in graph" / "Show in compare" on a row's key ("account", "44"): the main window
    /// finds the table the kind names and routes it.
    void graphRequested(const QString &kind, const QString &value);
    void compareRequested(const QString &kind, const QString &value);
    /// "BACKUP as of just before this event…": the event's instant (UTC ms).
    void backupAsOfRequested(qint64 eventInstantMs);

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
    /// Star, tag, comment, copy key, show in graph / timeline / compare, on the row at `pos`.
    void showRowMenu(const QPoint &pos);
    /// Tags and comments visible and wide enough to read; keys capped; the message fills the rest.
    void fitColumns();
    void fitMessageColumn();
    /// Splitter sizes for the view's size (lanes, table, detail) until the operator moves one.
    void arrangePanes();
    QWidget *makeToolbar();

    JobRegistry *m_jobs;
    /// Indexes, parses and searches off the GUI thread; the view starts it and shows what it finds.
    TimelineLoader *m_loader;
    Annotations *m_annotations;
    std::shared_ptr<Timeline> m_timeline;
    TimelineModel *m_model = nullptr;
    TimelineCanvas *m_canvas;
    QTableView *m_table;
    QSplitter *m_split = nullptr; ///< lanes over events
    QSplitter *m_lower = nullptr; ///< the table and the detail pane
    QSplitter *m_detailSplit = nullptr; ///< the detail text and the raw lines
    bool m_panesMoved = false; ///< the operator sized the panes: keep them
    QTextBrowser *m_detail;
    QPlainTextEdit *m_raw;
    QLineEdit *m_search;
    QLineEdit *m_key;
    QComboBox *m_level;
    QComboBox *m_source;
    QComboBox *m_zone;
    QLabel *m_status;
    QSet<int> m_expanded; ///< sources whose sub-lanes show
    std::shared_ptr<const DiffResult> m_comparison;
    std::shared_ptr<const BackupGain> m_backupGain;
    std::optional<qint64> m_detailInstant; ///< the event last shown in the detail pane
    QPair<QString, QStringList> m_pendingRow; ///< a showRow() waiting for the parse pass
    bool m_showFirstEvent = false; ///< select the first log event the next selection shows (showRow)
    QString m_caveats; ///< what makes a source's times doubtful, leading every status
    /// How the newest filter's rows are to be shown when they come.
    struct
    {
        bool keepView = false;
        QString note;
    } m_shownAs;
};

} // namespace salvage
