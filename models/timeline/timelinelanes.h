#pragma once

#include "logs/spanbuilder.h"
#include "timeline.h"

#include <QSet>

#include <vector>

namespace salvage {

/// What one swimlane draws: the sorted instants of the events it shows and the spans among them.
struct TimelineLane
{
    QString label;
    int source = -1;
    int subLane = -1; ///< -1: the source's lane (all its events); else a worker class, process …
    int subLaneCount = 0; ///< on a source's lane: how many sub-lanes it has (0: nothing to expand)
    bool expanded = false; ///< on a source's lane: its sub-lanes follow
    std::vector<qint64> instants;
    QList<Span> spans;
};

/// Lays out the swimlanes of a filtered timeline: one lane per source, followed by its
/// sub-lanes when the source is in `expanded`. Spans stay when they are named by one of `keys`
/// or hold one of the lane's events (all spans without keys).
std::vector<TimelineLane> timelineLanes(
    const Timeline &timeline, const std::vector<EventRef> &rows, const QStringList &keys, const QSet<int> &expanded);

/// Adds to each of `counts` the events of sorted `instants` in its slice of [fromMs, toMs)
/// cut into counts.size() equal slices: one binary search per slice, so a million events
/// bin as fast as a hundred.
void addBinCounts(const std::vector<qint64> &instants, qint64 fromMs, qint64 toMs, std::vector<qint64> &counts);

/// Counts of `lanes`' events in `bins` equal slices of [fromMs, toMs), summed over the lanes;
/// only source lanes count (sub-lanes repeat their events).
std::vector<qint64> histogram(const std::vector<TimelineLane> &lanes, qint64 fromMs, qint64 toMs, int bins);

} // namespace salvage
