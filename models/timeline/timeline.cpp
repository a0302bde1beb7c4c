#include "timeline.h"

#include "core/error.h"
#include "logs/tabletag.h"

#include <QRegularExpression>

#include <QMutex>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <atomic>
#include <numeric>
#include <optional>
#include <queue>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

// Runs `work(i)` for every source on the global pool; rethrows the first salvage::Error.
void forEachParallel(size_t count, const std::function<void(size_t)> &work)
{
    std::vector<size_t> indices(count);
    std::iota(indices.begin(), indices.end(), size_t(0));
    QMutex mutex;
    std::optional<Error> failure;
    // A pool of our own: Qt's raster painting uses the global one, and the GUI must not wait on us.
    QThreadPool pool;
    pool.setMaxThreadCount(QThread::idealThreadCount());
    std::atomic<size_t> finished = 0;
    QtConcurrent::blockingMap(&pool, indices, [&](size_t i) {
        try {
            work(i);
        } catch (const Error &e) {
            const QMutexLocker lock(&mutex);
            if (!failure)
                failure = e;
        }
        finished.fetch_add(1, std::memory_order_acq_rel);
    });
    // Acquiring `finished` makes every worker's writes visible here in a way ThreadSanitizer sees
    // too (blockingMap's own hand-over is inside uninstrumented Qt).
    (void)finished.load(std::memory_order_acquire);
    if (failure)
        throw *failure;
}

} // namespace

Timeline::Timeline(FormatRegistry registry)
    : m_registry(std::move(registry))
{
}

Timeline::~Timeline() = default;

void Timeline::setSources(const QList<LogSource> &sources)
{
    std::vector<std::unique_ptr<IndexedLog>> opened;
    for (const LogSource &source : sources)
        opened.push_back(std::make_unique<IndexedLog>(source, m_registry));
    install(std::move(opened));
}

QStringList Timeline::setReadableSources(const QList<LogSource> &sources)
{
    std::vector<std::unique_ptr<IndexedLog>> opened;
    QStringList skipped;
    for (const LogSource &source : sources) {
        try {
            opened.push_back(std::make_unique<IndexedLog>(source, m_registry));
        } catch (const Error &error) {
            skipped.append(error.message());
        }
    }
    if (opened.empty() && !sources.isEmpty())
        throw Error(skipped.join(u' '));
    install(std::move(opened));
    return skipped;
}

void Timeline::install(std::vector<std::unique_ptr<IndexedLog>> opened)
{
    m_sources = std::move(opened);
    m_merged = MergedOrder();
    m_correlation = CorrelationIndex();
    m_spans.clear();
    m_lanes.clear();
    m_laneNames.clear();
    m_correlated = false;
}

void Timeline::build(const std::atomic_bool *cancel, const std::function<void(int, int)> &progress)
{
    std::atomic_int done = 0;
    forEachParallel(m_sources.size(), [&](size_t i) {
        m_sources[i]->build(cancel);
        if (progress)
            progress(++done, int(m_sources.size()));
    });
    if (cancel && cancel->load())
        throw Cancelled();
    merge();
}

void Timeline::merge()
{
    std::vector<qint64> counts;
    for (const auto &source : m_sources)
        counts.push_back(source->index().count());
    // One source in file order (one log, or the others empty) is its own merge: nothing to keep.
    const auto hasEntries = [](qint64 count) { return count > 0; };
    if (std::count_if(counts.begin(), counts.end(), hasEntries) <= 1) {
        const auto only = std::find_if(counts.begin(), counts.end(), hasEntries);
        const size_t source = size_t(only - counts.begin());
        if (only == counts.end() || m_sources[source]->index().isSorted()) {
            m_merged = MergedOrder::fileOrder(
                quint32(only == counts.end() ? 0 : source), size_t(only == counts.end() ? 0 : *only));
            return;
        }
    }
    // Per source, entries in instant order (a stable sort only when the file is out of order).
    std::vector<std::vector<quint32>> orders(m_sources.size());
    size_t total = 0;
    for (size_t s = 0; s < m_sources.size(); ++s) {
        const LineIndex &index = m_sources[s]->index();
        total += size_t(index.count());
        if (index.isSorted())
            continue;
        std::vector<quint32> &order = orders[s];
        order.resize(size_t(index.count()));
        std::iota(order.begin(), order.end(), quint32(0));
        std::stable_sort(
            order.begin(), order.end(), [&index](quint32 a, quint32 b) { return index.instant(a) < index.instant(b); });
    }
    auto entryAt
        = [&](size_t s, size_t position) { return orders[s].empty() ? quint32(position) : orders[s][position]; };

    struct Head
    {
        qint64 instant;
        quint32 source;
        size_t position;
        bool operator>(const Head &other) const
        {
            return instant != other.instant ? instant > other.instant : source > other.source;
        }
    };
    std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
    for (size_t s = 0; s < m_sources.size(); ++s)
        if (m_sources[s]->index().count() > 0)
            heads.push({ m_sources[s]->index().instant(entryAt(s, 0)), quint32(s), 0 });
    m_merged = MergedOrder(counts);
    m_merged.reserve(total);
    while (!heads.empty()) {
        Head head = heads.top();
        heads.pop();
        const LineIndex &index = m_sources[head.source]->index();
        m_merged.append({ head.source, entryAt(head.source, head.position) });
        if (++head.position < size_t(index.count())) {
            head.instant = index.instant(entryAt(head.source, head.position));
            heads.push(head);
        }
    }
    m_merged.finish();
}

bool Timeline::linksRequests() const
{
    std::vector<const IndexedLog *> sources;
    for (const auto &source : m_sources)
        sources.push_back(source.get());
    return CorrelationPass::linksRequests(sources);
}

CorrelationPass::Result Timeline::correlate(
    const std::atomic_bool *cancel, const std::function<void(qint64, qint64)> &progress) const
{
    std::vector<const IndexedLog *> sources;
    for (const auto &source : m_sources)
        sources.push_back(source.get());
    return CorrelationPass(std::move(sources)).run(cancel, progress);
}

void Timeline::adopt(CorrelationPass::Result &&result)
{
    for (size_t s = 0; s < m_sources.size() && s < result.levels.size(); ++s) {
        LineIndex &index = m_sources[s]->index();
        const std::vector<quint8> &levels = result.levels[s];
        for (qint64 entry = 0; entry < index.count() && size_t(entry) < levels.size(); ++entry)
            if (index.level(entry) == LogLevel::Unknown)
                index.setLevel(entry, LogLevel(levels[size_t(entry)]));
    }
    m_correlation = std::move(result.index);
    m_spans = std::move(result.spans);
    m_lanes = std::move(result.lanes);
    m_laneNames = std::move(result.laneNames);
    m_correlated = true;
}

QStringList Timeline::subLanes(int source) const
{
    return size_t(source) < m_laneNames.size() ? m_laneNames[size_t(source)] : QStringList();
}

int Timeline::subLane(EventRef ref) const
{
    if (ref.source >= m_lanes.size() || ref.entry >= m_lanes[ref.source].size())
        return -1;
    return int(m_lanes[ref.source][ref.entry]) - 1;
}

QString Timeline::eventKey(EventRef ref) const
{
    const IndexedLog &log = source(int(ref.source));
    return log.source().path + u'#' + QString::number(log.index().offset(ref.entry));
}

std::optional<std::pair<QString, QString>> Timeline::tableKey(const QString &key)
{
    static const QRegularExpression form(u"^(?:[A-Za-z_][\\w$]*\\.)?([A-Za-z_][\\w$]*):(.+)$"_s);
    const QRegularExpressionMatch m = form.match(key.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    return std::pair { m.captured(1).toLower(), m.captured(2) };
}

QString Timeline::rowKey(const QString &table, const QString &value)
{
    return value.isEmpty() ? QString() : table + u':' + value;
}

QList<CorrelationLink> Timeline::keyLinks(const QString &key) const
{
    if (m_correlation.exact(key).empty())
        if (const auto qualified = tableKey(key))
            return m_correlation.relatedIn(qualified->first, qualified->second, *m_tables.load());
    return m_correlation.related(key);
}

void Timeline::setTableNames(const QStringList &tables)
{
    QSet<QString> names;
    for (const QString &table : tables)
        names.insert(table.toLower());
    m_tables.store(std::make_shared<const QSet<QString>>(std::move(names)));
}

QString Timeline::tableOf(const LogKey &key) const
{
    return key.table.isEmpty() ? QString() : TableTag::resolve(key.table, *m_tables.load());
}

std::optional<EventRef> Timeline::refOf(const QString &eventKey) const
{
    const qsizetype hash = eventKey.lastIndexOf(u'#');
    if (hash <= 0)
        return std::nullopt;
    const QStringView path = QStringView(eventKey).left(hash);
    bool ok = false;
    const qint64 offset = QStringView(eventKey).mid(hash + 1).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    for (int i = 0; i < sourceCount(); ++i) {
        const LineIndex &index = source(i).index();
        if (source(i).source().path != path)
            continue;
        // Entries start at increasing offsets: a binary search finds the one the key names.
        qint64 low = 0, high = index.count();
        while (low < high) {
            const qint64 middle = (low + high) / 2;
            if (index.offset(middle) < offset)
                low = middle + 1;
            else
                high = middle;
        }
        if (low < index.count() && index.offset(low) == offset)
            return EventRef { quint32(i), quint32(low) };
    }
    return std::nullopt;
}

QSet<EventRef> Timeline::keyed(const QStringList &keys, QSet<EventRef> *inferred) const
{
    QSet<EventRef> refs;
    for (const QString &key : keys) {
        for (const CorrelationLink &link : keyLinks(key)) {
            refs.insert(link.to);
            if (!link.exact && inferred)
                inferred->insert(link.to);
        }
    }
    return refs;
}

QStringList Timeline::keysAmong(const QStringList &values) const
{
    QStringList keys;
    static const QRegularExpression number(u"^-?\\d+$"_s);
    for (const QString &value : values) {
        if (keys.contains(value))
            continue;
        if (m_correlation.exact(value).empty()) {
            const auto qualified = tableKey(value);
            if (qualified && !m_correlation.exactIn(qualified->first, qualified->second, *m_tables.load()).empty())
                keys << value;
            continue;
        }
        // A number names a row only with its table: bare, it is any table's id 44.
        if (number.match(value).hasMatch())
            continue;
        QStringList kinds = m_correlation.kindsOf(value);
        kinds.removeAll(u"pid"_s);
        if (!kinds.isEmpty())
            keys << value;
    }
    return keys;
}

std::vector<EventRef> Timeline::select(const TimelineFilter &filter) const
{
    // Keys need the correlation index; levels of access logs are only known after the same parse.
    if ((!filter.keys.isEmpty() || filter.minimumLevel != LogLevel::Unknown) && !m_correlated)
        throw Error(u"Key and level filters need the parse pass of the logs first."_s);
    const QSet<EventRef> keyedRefs = filter.keys.isEmpty() ? QSet<EventRef>() : keyed(filter.keys);
    const QByteArray needle = filter.search.toUtf8().toLower();
    // The text search reads each file once in large blocks, not once per event.
    // Only the sources the filter keeps are read.
    std::vector<std::vector<bool>> found(m_sources.size());
    if (!needle.isEmpty())
        for (size_t source = 0; source < m_sources.size(); ++source)
            if (filter.sources.isEmpty() || filter.sources.contains(quint32(source)))
                found[source] = m_sources[source]->entriesContaining(needle);
    auto first = std::lower_bound(
        m_merged.begin(), m_merged.end(), filter.fromMs, [this](EventRef ref, qint64 ms) { return instant(ref) < ms; });
    std::vector<EventRef> selected;
    for (auto it = first; it != m_merged.end() && instant(*it) <= filter.toMs; ++it) {
        const EventRef ref = *it;
        if (!filter.sources.isEmpty() && !filter.sources.contains(ref.source))
            continue;
        if (filter.minimumLevel != LogLevel::Unknown && level(ref) < filter.minimumLevel)
            continue;
        if (!filter.keys.isEmpty() && !keyedRefs.contains(ref))
            continue;
        if (!needle.isEmpty() && !found[ref.source][size_t(ref.entry)])
            continue;
        selected.push_back(ref);
    }
    return selected;
}

} // namespace salvage
