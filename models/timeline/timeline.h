#pragma once

#include "logs/correlationindex.h"
#include "logs/correlationpass.h"
#include "logs/formatregistry.h"
#include "logs/indexedlog.h"
#include "logs/spanbuilder.h"
#include "mergedorder.h"
#include "timelinefilter.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
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
    /// Opens the files that can be opened and returns why each other one could not (an
    /// investigation goes on without the one log it may not read); throws when none opens.
    QStringList setReadableSources(const QList<LogSource> &sources);
    /// Detects formats and indexes all sources in parallel, then merges them. `progress` gets
    /// the count of sources done (from worker threads).
    void build(const std::atomic_bool *cancel = nullptr, const std::function<void(int, int)> &progress = {});
    /// Parses every entry (in parallel chunks) into the correlation index, spans and sub-lanes,
    /// and finds levels the index could not see (access-log statuses). Only reads the timeline:
    /// run it off the GUI thread while the lanes already show, then adopt() the result.
    /// `progress` gets entries done and the total (from worker threads).
    CorrelationPass::Result correlate(
        const std::atomic_bool *cancel = nullptr, const std::function<void(qint64, qint64)> &progress = {}) const;
    /// Installs what correlate() found.
    void adopt(CorrelationPass::Result &&result);
    /// correlate() and adopt() in one go.
    void buildCorrelation(const std::atomic_bool *cancel = nullptr) { adopt(correlate(cancel)); }
    bool hasCorrelation() const { return m_correlated; }
    /// True when the parse pass may link events of different sources without a shared key (two
    /// or more sources log requests): an event list without key filters needs the pass only then.
    bool linksRequests() const;

    int sourceCount() const { return int(m_sources.size()); }
    const IndexedLog &source(int index) const { return *m_sources.at(size_t(index)); }
    const FormatRegistry &registry() const { return m_registry; }

    /// Every entry of every source, sorted by instant (ties: source order, then file order).
    const MergedOrder &merged() const { return m_merged; }
    qint64 instant(EventRef ref) const { return source(int(ref.source)).index().instant(ref.entry); }
    LogLevel level(EventRef ref) const { return source(int(ref.source)).index().level(ref.entry); }
    LogEvent event(EventRef ref) const { return source(int(ref.source)).event(ref.entry); }
    /// A stable name for an entry that survives re-indexing: "path#byte offset".
    QString eventKey(EventRef ref) const;
    /// The entry an eventKey() names, or nullopt when no source has it (a mark on a log no longer
    /// among the sources).
    std::optional<EventRef> refOf(const QString &eventKey) const;

    /// Entries passing `filter`, in merged order. Only reads, so searches may run on several
    /// threads; key and level filters need the correlation (throws salvage::Error without it).
    std::vector<EventRef> select(const TimelineFilter &filter) const;
    /// Refs that carry one of `keys`, plus their inferred partners (the latter also in `inferred`).
    /// A key is a value ("44", carried in any role) or a table and a value ("accounts:44": an id
    /// of that table, see keyLinks).
    QSet<EventRef> keyed(const QStringList &keys, QSet<EventRef> *inferred = nullptr) const;
    /// The events `key` selects and their inferred partners. "TABLE:VALUE" (when no event
    /// carries the text as it is) selects the events whose key VALUE is tagged with a name of
    /// TABLE (a path's resource, a statement's column or relation, a field's stem), or is a row
    /// id of no known table (a job's argument).
    QList<CorrelationLink> keyLinks(const QString &key) const;
    /// "TABLE:VALUE" split into lower-case table (schema prefix dropped) and value; nothing
    /// when `key` is not of that form.
    static std::optional<std::pair<QString, QString>> tableKey(const QString &key);
    /// The other way: `value` as an id of `table` ("schema.table" or "table"), "table:value" as
    /// keysAmong() and keyLinks() take it (a bare number names a row only with its table); empty
    /// for an empty value.
    static QString rowKey(const QString &table, const QString &value);

    /// The schema's table names (introspected), to resolve the tags of keys: without them,
    /// tags are matched by their word forms alone. May be called while other threads read the
    /// timeline (a connection's schema comes after the logs were indexed): they see the old
    /// names or the new ones.
    void setTableNames(const QStringList &tables);
    /// The table `key` most likely names (its tag resolved against the table names), or empty.
    QString tableOf(const LogKey &key) const;

    /// Those of `values` (a database row's ids, names, addresses…, and "TABLE:VALUE" ids) that
    /// some event carries as a key, in their order: what links the row to the logs. Process-local
    /// kinds (pid) are not counted, as any number may equal one by chance; nor is a bare number
    /// that is only a row id in the logs (a path or parameter of any table): it counts qualified
    /// by its table. Needs the correlation.
    QStringList keysAmong(const QStringList &values) const;

    const CorrelationIndex &correlation() const { return m_correlation; }
    const QList<Span> &spans() const { return m_spans; }
    /// Sub-lanes of a source (worker classes, processes), after correlation; may be empty.
    QStringList subLanes(int source) const;
    /// The sub-lane of an entry (index into subLanes()), or -1.
    int subLane(EventRef ref) const;

private:
    void install(std::vector<std::unique_ptr<IndexedLog>> opened);
    void merge();

    FormatRegistry m_registry;
    std::vector<std::unique_ptr<IndexedLog>> m_sources;
    MergedOrder m_merged;
    CorrelationIndex m_correlation;
    QList<Span> m_spans;
    std::vector<std::vector<quint16>> m_lanes;
    std::vector<QStringList> m_laneNames;
    bool m_correlated = false;
    /// Lower case; swapped whole, so that readers on other threads keep the set they loaded.
    std::atomic<std::shared_ptr<const QSet<QString>>> m_tables { std::make_shared<const QSet<QString>>() };
};

} // namespace salvage
