#pragma once

#include "graph/relationgraph.h"

#include <QByteArray>

namespace salvage {

class JobControl;

/// Positions a RelationGraph's nodes with Graphviz (dot), and renders it as SVG. Graphviz is not
/// re-entrant, so calls are serialised; run them off the GUI thread. Without Graphviz a simple
/// radial layout is used and SVG is not available.
class GraphLayout
{
public:
    /// With `control`, a layout that waits for another one says so, and stops waiting when cancelled.
    static void layout(RelationGraph &graph, JobControl *control = nullptr);
    /// Throws salvage::Error when Graphviz is not available or fails.
    static QByteArray renderSvg(const RelationGraph &graph);
    static bool hasGraphviz();
};

} // namespace salvage
