#pragma once

#include "graph/relationgraph.h"

#include <QByteArray>

namespace salvage {

/// Positions a RelationGraph's nodes with Graphviz (dot), and renders it as SVG. Graphviz is not
/// re-entrant, so calls are serialised; run them off the GUI thread. Without Graphviz a simple
/// radial layout is used and SVG is not available.
class GraphLayout
{
public:
    static void layout(RelationGraph &graph);
    /// Throws salvage::Error when Graphviz is not available or fails.
    static QByteArray renderSvg(const RelationGraph &graph);
    static bool hasGraphviz();
};

} // namespace salvage
