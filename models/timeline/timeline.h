#pragma once

#include "logs/correlationindex.h"
#include "logs/formatregistry.h"
#include "logs/indexedlog.h"
#include "logs/spanbuilder.h"
#include "timelinefilter.h"

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace salvage {

/// Several log sources on one time axis: indexed in parallel, k-way merged by instant, with a
/// correlation index and spans built from a parse of every entry, and filtered on request.
class Timeline
{
public:
    explicit Timeline(FormatRegistry registry = FormatRegistry::standard());
    ~Timeline();

    /// Opens every file; throws salvage::Error naming the first unreadable one.
    void setSources(const QList<LogSource> &sources);
    /// Detects formats and indexes all sources in parallel, then merges them. `progress` gets
    /// the count of sources done (from worker threads).
    void build(const std::atomic_bool *cancel = nullptr, const std::function<void(int, int)> &progress = {});
    /// Parses every entry (in parallel per source) into the correlation index and the spans, and
    /// fills levels the index could not see (access-log statuses).
    void buildCorrelation(const std::atomic_bool *cancel = nullptr);
    bool hasCorrelation() const { return m_correlated; }

    int sourceCount() const { return int(m_sources.size()); }
    const IndexedLog &source(int index) const { return *m_sources.at(size_t(index)); }
    const FormatRegistry &registry() const { return m_registry; }

    /// Every entry of every source, sorted by instant (ties: source order, then file order).
    const std::vector<EventRef> &merged() const { return m_merged; }
    qint64 instant(EventRef ref) const { return source(int(ref.source)).index().instant(ref.entry); }
    LogLevel level(EventRef ref) const { return source(int(ref.source)).index().level(ref.entry); }
    LogEvent event(EventRef ref) const { return source(int(ref.source)).event(ref.entry); }
    /// A stable name for an entry that survives re-indexing: "path#byte offset".
    QString eventKey(EventRef ref) const;

    /// Entries passing `filter`, in merged order. Key and level filters need buildCorrelation()
    /// (done here when missing).
    std::vector<EventRef> select(const TimelineFilter &filter);
    /// Refs that carry one of `keys`, plus their inferred partners (the latter also in `inferred`).
    QSet<EventRef> keyed(const QStringList &keys, QSet<EventRef> *inferred = nullptr) const;

    const CorrelationIndex &correlation() const { return m_correlation; }
    const QList<Span> &spans() const { return m_spans; }

private:
    void merge();

    FormatRegistry m_registry;
    std::vector<std::unique_ptr<IndexedLog>> m_sources;
    std::vector<EventRef> m_merged;
    CorrelationIndex m_correlation;
    QList<Span> m_spans;
    bool m_correlated = false;
};

} // namespace salvage
