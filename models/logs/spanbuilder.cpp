#include "spanbuilder.h"

#include <algorithm>

namespace salvage {

void SpanBuilder::add(EventRef ref, qint64 instantMs, const LogEvent &event, const SpanRule &rule)
{
    if (!rule.isValid())
        return;
    const QString id = event.fields.value(rule.idField);
    if (id.isEmpty())
        return;
    const QString body = event.body.section(u'\n', 0, 0).trimmed();
    const QPair<quint32, QString> key { ref.source, id };
    if (rule.start.match(body).hasMatch()) {
        Span span;
        span.id = id;
        span.label = event.fields.value(rule.labelField);
        span.source = ref.source;
        span.startMs = span.endMs = instantMs;
        span.open = true;
        m_open.insert(key, span);
        return;
    }
    if (!rule.end.match(body).hasMatch())
        return;
    const bool started = m_open.contains(key);
    Span span = m_open.take(key);
    if (!started) {
        bool ok = false;
        const double elapsed = event.fields.value(rule.elapsedField).toDouble(&ok);
        span.id = id;
        span.label = event.fields.value(rule.labelField);
        span.source = ref.source;
        span.startMs = ok ? instantMs - qint64(elapsed * rule.elapsedUnitMs) : instantMs;
        span.fromElapsed = ok;
    }
    span.endMs = instantMs;
    span.open = false;
    span.failed = rule.failed.match(body).hasMatch();
    (started ? m_done : m_unstarted).append(span);
}

void SpanBuilder::append(SpanBuilder &&later)
{
    for (Span &end : later.m_unstarted) {
        const QPair<quint32, QString> key { end.source, end.id };
        if (!m_open.contains(key)) {
            m_unstarted.append(end);
            continue;
        }
        Span span = m_open.take(key);
        span.endMs = end.endMs;
        span.open = false;
        span.failed = end.failed;
        m_done.append(span);
    }
    for (auto it = later.m_open.begin(); it != later.m_open.end(); ++it)
        m_open.insert(it.key(), it.value());
    m_done += later.m_done;
    later = SpanBuilder();
}

QList<Span> SpanBuilder::finish()
{
    QList<Span> spans = m_done + m_unstarted;
    for (const Span &span : std::as_const(m_open))
        spans.append(span);
    m_open.clear();
    m_done.clear();
    m_unstarted.clear();
    std::sort(spans.begin(), spans.end(),
        [](const Span &a, const Span &b) { return a.startMs < b.startMs || (a.startMs == b.startMs && a.id < b.id); });
    return spans;
}

} // namespace salvage
