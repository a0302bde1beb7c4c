#pragma once

#include "jobs/backgroundjob.h"
#include "jobs/joboutcome.h"
#include "timeline/timeline.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

class QThreadPool;

namespace salvage {

class JobControl;
class JobRegistry;

/// Loads log sources into a Timeline and answers filters on it, one path for the Timeline view,
/// the CLI and tests: indexing, then the parse pass (keys, spans, sub-lanes, access-log levels),
/// each a job with progress and cancel, and text searches off the calling thread where the newest
/// request wins. The steps also run blocking (index(), parse()), as the CLI runs them.
class TimelineLoader : public QObject
{
    Q_OBJECT
public:
    /// A file that cannot be opened: the GUI goes on without it, the CLI stops.
    enum class Unreadable { Skip, Fail };
    struct Indexed
    {
        std::shared_ptr<Timeline> timeline;
        QStringList skipped; ///< files that could not be opened, one sentence each
    };

    /// Opens, indexes and merges `sources`; throws salvage::Error (Cancelled when cancelled).
    /// Progress: sources done of all.
    static Indexed index(const QList<LogSource> &sources, Unreadable unreadable, JobControl &control);
    /// The parse pass over an indexed timeline; only reads it. Progress: entries done of all.
    static CorrelationPass::Result parse(const Timeline &timeline, JobControl &control);

    explicit TimelineLoader(JobRegistry *jobs = nullptr, QObject *parent = nullptr);
    ~TimelineLoader() override;

    /// Indexes `sources`, then runs the parse pass; indexed() and correlated() tell how each
    /// ended. A newer load() cancels this one, whose results are then dropped.
    void load(const QList<LogSource> &sources);
    /// The databases' table names, for the tags of row keys (Timeline::setTableNames): given to
    /// the timeline indexed now and to every one indexed later.
    void setTableNames(const QStringList &tables);
    /// Cancels the indexing or parse pass in progress (correlated() or indexed() says Cancelled).
    void cancel();
    /// An indexing or parse pass of the newest load() is running.
    bool isLoading() const { return m_loading; }
    /// The last indexed timeline, null before. Workers read it while the parse pass and searches
    /// run; the parse pass is installed into it between searches, on this object's thread.
    std::shared_ptr<Timeline> timeline() const { return m_timeline; }

    /// Selects the events passing `filter` and emits selected(): at once when there is no text to
    /// search for, else from a worker, and then only when no newer select() or load() came since.
    /// Key and level filters need the parse pass (Timeline::select).
    void select(const TimelineFilter &filter);
    bool isSearching() const { return m_searchesRunning > 0; }

Q_SIGNALS:
    /// Indexing ended: on Finished timeline() holds the merged sources and `skipped` the files
    /// left out; otherwise `message` says why.
    void indexed(salvage::JobOutcome outcome, const QString &message, const QStringList &skipped);
    /// The parse pass ended; on Finished its result is installed in timeline().
    void correlated(salvage::JobOutcome outcome, const QString &message);
    /// The events of the newest select(), in merged order.
    void selected(const salvage::TimelineFilter &filter, const std::vector<salvage::EventRef> &events);

private:
    void startParse(quint64 generation);
    /// Installs a finished parse pass unless a search still reads the timeline (then after it).
    void installParse();

    JobRegistry *m_jobs;
    /// Runs the jobs; not Qt's global pool, which painting needs free.
    QThreadPool *m_pool;
    std::shared_ptr<Timeline> m_timeline;
    QStringList m_tableNames;
    BackgroundJob::Canceller m_cancel; ///< cancels the indexing or parse pass in progress
    quint64 m_generation = 0; ///< the newest load()
    quint64 m_ticket = 0; ///< the newest select()
    bool m_loading = false;
    int m_searchesRunning = 0;
    std::shared_ptr<CorrelationPass::Result> m_pendingParse; ///< finished, not yet installed
    std::shared_ptr<Timeline> m_pendingParseFor; ///< the timeline it was computed for
};

} // namespace salvage
