#pragma once

#include "eventref.h"
#include "logevent.h"

#include <QHash>
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
/// over every event of a timeline, plus inferred request links across sources.
class CorrelationIndex
{
public:
    /// Adds the keys of one event, and its request shape when the format declares one.
    void add(EventRef ref, qint64 instantMs, const LogEvent &event, const QString &methodField,
             const QString &pathField, const QString &statusField);
    /// Takes over everything `other` collected (per-source indexes built in parallel).
    void merge(CorrelationIndex &&other);
    /// Computes inferred links: same method, path and status in different sources within `windowMs`.
    void finish(qint64 windowMs = 2000);

    /// Events carrying `value` as a key (exact).
    const std::vector<EventRef> &exact(const QString &value) const;
    /// Events inferred to be the same request as `ref`.
    QList<EventRef> inferred(EventRef ref) const { return m_inferred.values(ref); }
    /// Exact events for `value` and the events inferred from them, each marked.
    QList<CorrelationLink> related(const QString &value) const;
    /// Kinds a value was seen as (e.g. "request"), sorted.
    QStringList kindsOf(const QString &value) const;
    qsizetype tokenCount() const { return m_tokens.size(); }
    qsizetype inferredLinkCount() const { return m_inferred.size() / 2; }

private:
    struct Request
    {
        EventRef ref;
        qint64 instantMs;
        size_t shape; ///< hash of "METHOD path status": 8 bytes a request instead of a string
    };
    struct Token
    {
        std::vector<EventRef> refs;
        quint32 kinds = 0; ///< bit i: m_kindNames[i]
    };
    void addToken(const QString &value, const QString &kind, EventRef ref);
    quint32 kindBit(const QString &kind);

    QHash<QString, Token> m_tokens;
    QStringList m_kindNames; ///< few (request, job, ip, …): interned
    std::vector<Request> m_requests;
    QMultiHash<EventRef, EventRef> m_inferred;
};

} // namespace salvage
