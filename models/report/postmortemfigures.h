#pragma once

#include "postmortem.h"

#include "graph/relationgraph.h"

namespace salvage {

/// Draws a postmortem's figures as SVG text: events per source around the incident, the loss per
/// table, and the moves (Graphviz). Plain computation with no GUI: runs in the export job.
class PostmortemFigures
{
public:
    /// Stacked bars of events per source, in `buckets` steps over the incident window padded on
    /// both sides (the whole timeline without one); the window's ends are marked.
    static QByteArray eventsHistogram(const Timeline &timeline, const PostmortemSummary &summary, int buckets = 60);
    /// A bar per table: rows lost, new and changed.
    static QByteArray lossChart(const QList<TableLoss> &losses, int maxTables = 15);
    /// The largest fan-ins as a graph: each row that lost rows to a target, an edge "moved ×N"
    /// to it; beyond `maxSources` per target one "N more" node.
    static RelationGraph movesGraph(const DiffResult &diff, int maxTargets = 3, int maxSources = 24);
    /// Every figure the summary has data for; the moves only with Graphviz (a note says so otherwise).
    static void addAll(const Timeline &timeline, const PostmortemInputs &inputs, PostmortemSummary &summary);
};

} // namespace salvage
