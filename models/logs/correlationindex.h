#pragma once

#include "core/uninitializedallocator.h"
#include "eventkeys.h"
#include "eventref.h"
#include "tokentable.h"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <vector>

namespace salvage {

/// A link between two events: exact when they share a key value, inferred when only time and
/// request shape agree (an nginx line and the Rails request it became).
struct CorrelationLink
{
    EventRef from;
    EventRef to;
    bool exact = true;
    QString reason;
};

/// Inverted index of correlation tokens (request id, job id, actor URI, account, user, IP …)
/// over every event of a timeline, plus inferred request links across sources. Token values are
/// interned once; postings are collected flat and laid out per token by finish(), so a million
/// events with a million distinct IPs stay within tens of megabytes.
class CorrelationIndex
{
public:
    /// Adds the keys of one event, and its request shape when it has one.
    void add(EventRef ref, const EventKeys &event);
    /// Makes room for `tokens` distinct values (a chunk's entries: mostly one new address each).
    void reserve(quint32 tokens) { m_tokens.reserve(tokens); }
    /// Takes over everything `other` collected (per-chunk indexes built in parallel); call
    /// finish() after the last merge. `share` (optional): the part of all entries `other` covers;
    /// the first merge reserves room for the whole from it.
    void merge(CorrelationIndex &&other, double share = 0);
    /// Lays out the postings and computes inferred links: same method, path and status in
    /// different sources within `windowMs`. Lookups need it.
    void finish(qint64 windowMs = inferenceWindowMs);
    static constexpr qint64 inferenceWindowMs = 2000;

    /// Events carrying `value` as a key (exact), in (source, entry) order.
    std::vector<EventRef> exact(const QString &value) const;
    /// Events inferred to be the same request as `ref`.
    QList<EventRef> inferred(EventRef ref) const { return m_inferred.values(ref); }
    /// Events carrying `value` as an id of `table` (lower case): keys whose table tag names it
    /// (TableTag::names against the schema's `tables`, lenient when empty), plus row ids of no
    /// known table (a job's arguments), in (source, entry) order.
    std::vector<EventRef> exactIn(const QString &table, const QString &value, const QSet<QString> &tables) const;
    /// Exact events for `value` and the events inferred from them, each marked.
    QList<CorrelationLink> related(const QString &value) const;
    /// The same for `value` as an id of `table` (exactIn).
    QList<CorrelationLink> relatedIn(const QString &table, const QString &value, const QSet<QString> &tables) const;
    /// Table tags of every key seen (TableTag), for matching against a schema.
    const QSet<QString> &tags() const { return m_tags; }
    /// Kinds a value was seen as (e.g. "request"), sorted.
    QStringList kindsOf(const QString &value) const;
    qsizetype tokenCount() const { return m_tokens.size(); }
    /// The value of token `id` (0 to tokenCount() - 1): with exact(), every posting can be listed.
    QString tokenValue(quint32 id) const { return m_tokens.value(id); }
    qsizetype inferredLinkCount() const { return m_inferred.size() / 2; }
    /// Approximate heap bytes held.
    qint64 memoryBytes() const;
    /// Why an inferred link was made, in words (for the detail pane and exports).
    static QString inferredReason();

private:
    struct Request
    {
        EventRef ref;
        qint64 instantMs;
        size_t shape; ///< hash of "METHOD path status": 8 bytes a request instead of a string
    };
    /// Postings of one source in the order they were added, entries as 2-byte steps from the
    /// block's first (6 bytes a posting instead of 8): a chunk's, kept as a block when merged,
    /// so collecting them never copies a growing whole.
    struct PostingBlock
    {
        quint32 source;
        quint32 firstEntry;
        std::vector<quint32> tokens;
        std::vector<quint16> entries; ///< entry - firstEntry
    };
    void addToken(QByteArrayView utf8, const QString &kind, EventRef ref);
    /// The token of `value` under a table tag (empty tag: a row id of no known table).
    static QString qualified(const QString &tag, const QString &value);
    QList<CorrelationLink> linked(const std::vector<EventRef> &refs, const QString &reason) const;
    quint32 kindBit(const QString &kind);
    quint32 kindBitsOf(quint32 token) const
    {
        return m_kinds[token] == manyKindSets ? m_otherKinds.value(token) : m_kindSets[m_kinds[token]];
    }
    /// Adds the kinds in `bits` to token `token` (which m_kinds already holds).
    void addKinds(quint32 token, quint32 bits);

    TokenTable m_tokens;
    /// Kinds of token t: m_kindSets[m_kinds[t]], bit i for m_kindNames[i]; a token whose set is
    /// not among the first 255 distinct ones is marked manyKindSets and kept in m_otherKinds.
    /// One byte a token instead of four.
    std::vector<quint8> m_kinds;
    std::vector<quint32> m_kindSets { 0 };
    QHash<quint32, quint32> m_otherKinds;
    static constexpr quint8 manyKindSets = 255;
    QStringList m_kindNames; ///< few (request, job, ip, …)
    std::vector<PostingBlock> m_blocks; ///< until finish()
    std::vector<quint32> m_starts; ///< after finish(): token t's refs are m_refs[m_starts[t], m_starts[t + 1])
    /// Each ref as its position among all entries, source after source: source s's entry e is
    /// m_sourceStarts[s] + e (4 bytes a ref instead of 8). Not zeroed first: finish() writes its
    /// pages as it lets the postings go.
    std::vector<quint32, UninitializedAllocator<quint32>> m_refs;
    std::vector<quint32> m_sourceStarts;
    std::vector<Request> m_requests;
    QMultiHash<EventRef, EventRef> m_inferred;
    QSet<QString> m_tags; ///< few: the resources and columns the logs name
    QByteArray m_qualified; ///< add()'s buffer for a tag, U+001F and a value in UTF-8
};

} // namespace salvage
