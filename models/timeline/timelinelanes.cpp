#include "timelinelanes.h"

#include <algorithm>

namespace salvage {

namespace {

void keepSpans(TimelineLane &lane, const QList<Span> &spans, const QStringList &keys)
{
    for (const Span &span : spans) {
        if (lane.subLane >= 0 && span.label != lane.label)
            continue;
        const auto inside = std::lower_bound(lane.instants.begin(), lane.instants.end(), span.startMs);
        if (keys.isEmpty() || keys.contains(span.id) || (inside != lane.instants.end() && *inside <= span.endMs))
            lane.spans.append(span);
    }
}

} // namespace

std::vector<TimelineLane> timelineLanes(
    const Timeline &timeline, const std::vector<EventRef> &rows, const QStringList &keys, const QSet<int> &expanded)
{
    const int sources = timeline.sourceCount();
    std::vector<TimelineLane> bySource(static_cast<size_t>(sources));
    std::vector<std::vector<TimelineLane>> subLanes(static_cast<size_t>(sources));
    for (int s = 0; s < sources; ++s) {
        TimelineLane &lane = bySource[size_t(s)];
        lane.label = timeline.source(s).label();
        lane.source = s;
        const QStringList names = timeline.subLanes(s);
        lane.subLaneCount = names.size() > 1 ? int(names.size()) : 0; // one worker class is no split
        lane.expanded = lane.subLaneCount > 0 && expanded.contains(s);
        if (!lane.expanded)
            continue;
        for (int i = 0; i < names.size(); ++i) {
            TimelineLane sub;
            sub.label = names.at(i);
            sub.source = s;
            sub.subLane = i;
            subLanes[size_t(s)].push_back(std::move(sub));
        }
    }
    for (const EventRef &ref : rows) {
        if (ref.source >= quint32(sources))
            continue; // manual events have no lane
        const qint64 at = timeline.instant(ref);
        TimelineLane &lane = bySource[ref.source];
        lane.instants.push_back(at);
        if (lane.expanded) {
            const int sub = timeline.subLane(ref);
            if (sub >= 0)
                subLanes[ref.source][size_t(sub)].instants.push_back(at);
        }
    }
    // Spans by source: a span's source lane and, when expanded, its worker class's lane.
    std::vector<QList<Span>> spans(static_cast<size_t>(sources));
    for (const Span &span : timeline.spans())
        if (span.source < quint32(sources))
            spans[span.source].append(span);
    std::vector<TimelineLane> lanes;
    for (int s = 0; s < sources; ++s) {
        keepSpans(bySource[size_t(s)], spans[size_t(s)], keys);
        lanes.push_back(std::move(bySource[size_t(s)]));
        for (TimelineLane &sub : subLanes[size_t(s)]) {
            keepSpans(sub, spans[size_t(s)], keys);
            lanes.push_back(std::move(sub));
        }
    }
    return lanes;
}

void addBinCounts(const std::vector<qint64> &instants, qint64 fromMs, qint64 toMs, std::vector<qint64> &counts)
{
    const double width = double(toMs - fromMs) / double(std::max<size_t>(counts.size(), 1));
    auto previous = std::lower_bound(instants.begin(), instants.end(), fromMs);
    for (size_t bin = 0; bin < counts.size(); ++bin) {
        const qint64 border = fromMs + qint64(width * double(bin + 1));
        const auto next = std::lower_bound(previous, instants.end(), border);
        counts[bin] += next - previous;
        previous = next;
    }
}

std::vector<qint64> histogram(const std::vector<TimelineLane> &lanes, qint64 fromMs, qint64 toMs, int bins)
{
    std::vector<qint64> counts(size_t(std::max(bins, 0)), 0);
    for (const TimelineLane &lane : lanes)
        if (lane.subLane < 0)
            addBinCounts(lane.instants, fromMs, toMs, counts);
    return counts;
}

} // namespace salvage
