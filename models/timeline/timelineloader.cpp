#include "timeline/timelineloader.h"

#include "core/error.h"
#include "jobs/backgroundjob.h"
#include "timeline/logcategory.h"

#include <QElapsedTimer>

#include <QThreadPool>

#include <climits>

namespace salvage {

TimelineLoader::Indexed TimelineLoader::index(
    const QList<LogSource> &sources, Unreadable unreadable, JobControl &control)
{
    QElapsedTimer clock;
    clock.start();
    Indexed indexed { std::make_shared<Timeline>(), {} };
    if (unreadable == Unreadable::Skip)
        indexed.skipped = indexed.timeline->setReadableSources(sources);
    else
        indexed.timeline->setSources(sources);
    control.throwIfCancelled();
    indexed.timeline->build(
        control.cancelFlag(), [&control](int done, int total) { control.setProgress(done, total); });
    qCDebug(lcTimeline) << "indexed" << indexed.timeline->sourceCount() << "sources,"
                        << indexed.timeline->merged().size() << "events in" << clock.elapsed() << "ms,"
                        << indexed.skipped.size() << "files skipped";
    return indexed;
}

CorrelationPass::Result TimelineLoader::parse(const Timeline &timeline, JobControl &control)
{
    QElapsedTimer clock;
    clock.start();
    CorrelationPass::Result result = timeline.correlate(
        control.cancelFlag(), [&control](qint64 done, qint64 total) { control.setProgress(done, total); });
    control.throwIfCancelled(); // a pass stopped early is not a result
    qCDebug(lcTimeline) << "parse pass over" << timeline.merged().size() << "events in" << clock.elapsed() << "ms";
    return result;
}

TimelineLoader::TimelineLoader(JobRegistry *jobs, QObject *parent)
    : QObject(parent)
    , m_jobs(jobs)
    , m_pool(new QThreadPool(this))
{
}

TimelineLoader::~TimelineLoader()
{
    // The pool (a child) waits for its workers when it goes; cancelled, they end soon. A newer
    // generation first, so that a job ended by the cancel itself reports to no one.
    ++m_generation;
    cancel();
}

void TimelineLoader::cancel()
{
    if (m_cancel)
        std::exchange(m_cancel, {})();
}

void TimelineLoader::load(const QList<LogSource> &sources)
{
    // A newer generation before the cancel: a job still waiting ends inside cancel() and must find
    // its load superseded, not report "cancelled" for this one.
    const quint64 generation = ++m_generation;
    cancel();
    m_loading = true;
    m_cancel = BackgroundJob::start<Indexed>(
        m_jobs, tr("Index %n log file(s)", nullptr, int(sources.size())), tr("Timeline"),
        [sources](JobControl &control) { return index(sources, Unreadable::Skip, control); }, this,
        [this, generation](Indexed loaded) {
            if (generation != m_generation)
                return; // a newer load() won
            m_timeline = std::move(loaded.timeline);
            m_timeline->setTableNames(m_tableNames); // before any other thread reads it
            // Started first, so that cancel() from a slot of indexed() reaches it.
            startParse(generation);
            Q_EMIT indexed(JobOutcome::Finished, {}, loaded.skipped);
        },
        [this, generation](const QString &message, bool cancelled) {
            if (generation != m_generation)
                return;
            m_loading = false;
            Q_EMIT indexed(cancelled ? JobOutcome::Cancelled : JobOutcome::Failed, message, {});
        },
        m_pool);
}

// The parse pass runs while the lanes already show; the timeline is only read until it is installed.
void TimelineLoader::startParse(quint64 generation)
{
    const std::shared_ptr<Timeline> timeline = m_timeline;
    const qint64 events = qint64(timeline->merged().size());
    using Result = std::shared_ptr<CorrelationPass::Result>;
    m_cancel = BackgroundJob::start<Result>(
        m_jobs, tr("Parse %n event(s) for keys and spans", nullptr, int(std::min<qint64>(events, INT_MAX))),
        tr("Timeline"),
        [timeline](
            JobControl &control) { return std::make_shared<CorrelationPass::Result>(parse(*timeline, control)); },
        this,
        [this, generation, timeline](Result result) {
            if (generation != m_generation)
                return;
            m_pendingParse = std::move(result);
            m_pendingParseFor = timeline;
            // A search reading the timeline on another thread finishes first: adopt() changes what it reads.
            if (m_searchesRunning == 0)
                installParse();
        },
        [this, generation](const QString &message, bool cancelled) {
            if (generation != m_generation)
                return;
            m_loading = false;
            Q_EMIT correlated(cancelled ? JobOutcome::Cancelled : JobOutcome::Failed, message);
        },
        m_pool);
}

void TimelineLoader::installParse()
{
    const std::shared_ptr<CorrelationPass::Result> result = std::exchange(m_pendingParse, nullptr);
    const std::shared_ptr<Timeline> owner = std::exchange(m_pendingParseFor, nullptr);
    if (!result || owner != m_timeline)
        return; // none, or computed for sources replaced since
    m_timeline->adopt(std::move(*result));
    m_loading = false;
    Q_EMIT correlated(JobOutcome::Finished, {});
}

void TimelineLoader::setTableNames(const QStringList &tables)
{
    m_tableNames = tables;
    if (m_timeline)
        m_timeline->setTableNames(tables); // searches may be reading it: the names are swapped whole
}

void TimelineLoader::select(const TimelineFilter &filter)
{
    if (!m_timeline)
        return;
    const quint64 ticket = ++m_ticket;
    if (filter.search.isEmpty()) {
        // Times, sources, levels and keys are lookups in memory: milliseconds for a million events.
        Q_EMIT selected(filter, m_timeline->select(filter));
        return;
    }
    // A text search reads every file: off this thread, and the newest request wins.
    const std::shared_ptr<Timeline> timeline = m_timeline;
    ++m_searchesRunning;
    auto searched = [this, ticket, timeline, filter](const std::vector<EventRef> *events) {
        --m_searchesRunning;
        if (events && ticket == m_ticket && timeline == m_timeline)
            Q_EMIT selected(filter, *events);
        if (m_searchesRunning == 0)
            installParse(); // a parse pass that finished meanwhile (it checks whose it is)
    };
    BackgroundJob::start<std::vector<EventRef>>(
        nullptr, tr("Search the timeline"), tr("Timeline"),
        [timeline, filter](JobControl &) {
            QElapsedTimer clock;
            clock.start();
            std::vector<EventRef> events = timeline->select(filter);
            qCDebug(lcTimeline) << "search for" << filter.search << "found" << events.size() << "events in"
                                << clock.elapsed() << "ms";
            return events;
        },
        this, [searched](std::vector<EventRef> events) { searched(&events); },
        [searched](const QString &, bool) { searched(nullptr); }, m_pool);
}

} // namespace salvage
