#include "correlationpass.h"

#include "core/error.h"
#include "eventreader.h"

#include <QMutex>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

namespace salvage {

namespace {

struct Chunk
{
    quint32 source;
    qint64 first;
    qint64 last;
    SpanBuilder spans;
};

} // namespace

CorrelationPass::CorrelationPass(std::vector<const IndexedLog *> sources, qint64 chunkEntries, int threads)
    : m_sources(std::move(sources))
    , m_chunkEntries(std::max<qint64>(1, chunkEntries))
    , m_threads(threads > 0 ? threads : QThread::idealThreadCount())
{
}

bool CorrelationPass::linksRequests(const std::vector<const IndexedLog *> &sources)
{
    int requestSources = 0;
    for (const IndexedLog *log : sources) {
        const LogFormat *format = log->payload() ? log->payload() : log->format();
        requestSources += format->requestMethodField.isEmpty() ? 0 : 1;
    }
    return requestSources > 1;
}

CorrelationPass::Result CorrelationPass::run(
    const std::atomic_bool *cancel, const std::function<void(qint64, qint64)> &progress) const
{
    Result result;
    result.levels.resize(m_sources.size());
    result.lanes.resize(m_sources.size());
    result.laneNames.resize(m_sources.size());
    std::vector<Chunk> chunks;
    qint64 total = 0;
    for (size_t s = 0; s < m_sources.size(); ++s) {
        const qint64 count = m_sources[s]->index().count();
        total += count;
        result.levels[s].resize(size_t(count));
        for (qint64 first = 0; first < count; first += m_chunkEntries)
            chunks.push_back({ quint32(s), first, std::min(count, first + m_chunkEntries), {} });
    }

    // Requests are only linked across sources: with one source that has them, skip collecting.
    const bool linkRequests = linksRequests(m_sources);
    const QString none; // no method field: no request shapes

    QMutex mutex; // guards result.index and result.laneNames
    std::atomic<qint64> done = 0;
    // A pool of our own: Qt's raster painting uses the global one, and the GUI must not wait on us.
    QThreadPool pool;
    pool.setMaxThreadCount(m_threads);
    QtConcurrent::blockingMap(&pool, chunks, [&](Chunk &chunk) {
        const IndexedLog &log = *m_sources[chunk.source];
        const LogFormat *format = log.payload() ? log.payload() : log.format();
        std::vector<quint8> &levels = result.levels[chunk.source];
        std::vector<quint16> &lanes = result.lanes[chunk.source];
        QHash<QString, quint16> laneIds; // this chunk's view of the source's lane names
        CorrelationIndex partial;
        partial.reserve(quint32(chunk.last - chunk.first));
        EventReader reader(log);
        const bool spans = format->span.isValid(); // span rules read the whole event
        const QString &methodField = linkRequests ? format->requestMethodField : none;
        for (qint64 entry = chunk.first; entry < chunk.last; ++entry) {
            if ((entry & 1023) == 0 && cancel && cancel->load(std::memory_order_relaxed))
                break;
            const EventRef ref { chunk.source, quint32(entry) };
            const LogEvent *event = nullptr;
            const EventKeys &keys
                = reader.keys(entry, spans, methodField, format->requestPathField, format->requestStatusField, &event);
            levels[size_t(entry)] = quint8(keys.level);
            if (!keys.lane.isEmpty()) {
                auto it = laneIds.constFind(keys.lane);
                if (it == laneIds.constEnd()) {
                    const QMutexLocker lock(&mutex);
                    // Most sources have no sub-lanes: the column is made by the first chunk that
                    // meets one (every chunk that writes to it has taken the mutex since).
                    if (lanes.empty())
                        lanes.assign(size_t(log.index().count()), 0);
                    QStringList &names = result.laneNames[chunk.source];
                    qsizetype at = names.indexOf(keys.lane);
                    if (at < 0 && names.size() < maxLanes) {
                        names.append(keys.lane);
                        at = names.size() - 1;
                    }
                    it = laneIds.insert(keys.lane, quint16(at + 1));
                }
                lanes[size_t(entry)] = *it;
            }
            partial.add(ref, keys);
            if (event)
                chunk.spans.add(ref, keys.instantMs, *event, format->span);
        }
        {
            const QMutexLocker lock(&mutex);
            result.index.merge(
                std::move(partial), double(chunk.last - chunk.first) / double(std::max<qint64>(1, total)));
        }
        const qint64 now = done.fetch_add(chunk.last - chunk.first) + (chunk.last - chunk.first);
        if (progress)
            progress(now, total);
    });
    // Every chunk ends with its fetch_add: acquiring `done` makes the workers' writes visible here
    // in a way ThreadSanitizer sees too (blockingMap's own hand-over is inside uninstrumented Qt).
    (void)done.load(std::memory_order_acquire);
    if (cancel && cancel->load())
        throw Cancelled();

    // Chunks meet lane names in any order: sort them so the lanes come out the same every time.
    for (size_t s = 0; s < m_sources.size(); ++s) {
        QStringList &names = result.laneNames[s];
        QStringList sorted = names;
        sorted.sort();
        std::vector<quint16> renumber(size_t(names.size()) + 1, 0);
        for (qsizetype i = 0; i < names.size(); ++i)
            renumber[size_t(i) + 1] = quint16(sorted.indexOf(names.at(i)) + 1);
        for (quint16 &lane : result.lanes[s])
            lane = renumber[lane];
        names = std::move(sorted);
    }

    // Spans pair across chunk borders: join each source's builders in file order.
    for (size_t i = 0; i < chunks.size();) {
        SpanBuilder &builder = chunks[i].spans;
        size_t next = i + 1;
        for (; next < chunks.size() && chunks[next].source == chunks[i].source; ++next)
            builder.append(std::move(chunks[next].spans));
        result.spans += builder.finish();
        i = next;
    }
    std::sort(
        result.spans.begin(), result.spans.end(), [](const Span &a, const Span &b) { return a.startMs < b.startMs; });
    result.index.finish();
    return result;
}

} // namespace salvage
