#pragma once

#include "eventref.h"
#include "logevent.h"
#include "logformat.h"

#include <QHash>
#include <QList>

namespace salvage {

/// A stretch of work with a start and an end: a Sidekiq job from "start" to "done"/"fail".
struct Span
{
    QString id;
    QString label;
    quint32 source = 0;
    qint64 startMs = 0;
    qint64 endMs = 0;
    bool failed = false;
    bool open = false; ///< started, never ended (crash, still running, log cut)
    bool fromElapsed = false; ///< the start was computed from elapsed, no start line seen
};

/// Pairs start and end events by id (and falls back to elapsed/duration) into spans. Stretches
/// of a file can be paired by separate builders in parallel and joined in file order.
class SpanBuilder
{
public:
    void add(EventRef ref, qint64 instantMs, const LogEvent &event, const SpanRule &rule);
    /// Joins the builder of the stretch that follows this one: its ends without a start close
    /// this builder's open spans.
    void append(SpanBuilder &&later);
    /// The spans, sorted by start; unmatched starts come out open.
    QList<Span> finish();

private:
    QHash<QPair<quint32, QString>, Span> m_open;
    QList<Span> m_done;
    QList<Span> m_unstarted; ///< ends whose start was not seen here (start from elapsed, if any)
};

} // namespace salvage
