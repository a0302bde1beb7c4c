#pragma once

#include "correlationindex.h"
#include "indexedlog.h"
#include "spanbuilder.h"

#include <atomic>
#include <functional>
#include <vector>

namespace salvage {

/// The parse pass over every entry of a timeline's sources: correlation keys and request
/// shapes, spans, sub-lanes (worker class, process) and the levels only a parse sees
/// (access-log statuses). Sources are cut into chunks parsed in parallel, read in large blocks;
/// only compact results are kept (a byte for the level and two for the sub-lane per entry).
class CorrelationPass
{
public:
    struct Result
    {
        CorrelationIndex index;
        QList<Span> spans;
        std::vector<std::vector<quint8>> levels; ///< per source, per entry: LogLevel
        /// Per source, per entry: 0 none, else 1 + index in laneNames; empty for a source without sub-lanes.
        std::vector<std::vector<quint16>> lanes;
        std::vector<QStringList> laneNames; ///< per source, sorted
    };

    /// Sub-lanes kept per source; entries of further lane values get none.
    static constexpr int maxLanes = 64;

    /// Entries a chunk holds: a chunk is the unit of parallel work.
    static constexpr qint64 defaultChunkEntries = 32 * 1024;

    /// `threads`: workers at most (0: one per core); with 1 and chunks as large as the sources,
    /// the pass is serial (what tests compare the parallel pass with).
    explicit CorrelationPass(
        std::vector<const IndexedLog *> sources, qint64 chunkEntries = defaultChunkEntries, int threads = 0);

    /// True when two or more sources log requests (method, path, status): only then does the pass
    /// infer links between events (an nginx line and the Rails request it became).
    static bool linksRequests(const std::vector<const IndexedLog *> &sources);

    /// Parses everything; `progress` gets entries done and the total, from worker threads.
    /// Throws salvage::Cancelled when `cancel` is set.
    Result run(
        const std::atomic_bool *cancel = nullptr, const std::function<void(qint64, qint64)> &progress = {}) const;

private:
    std::vector<const IndexedLog *> m_sources;
    qint64 m_chunkEntries;
    int m_threads;
};

} // namespace salvage
