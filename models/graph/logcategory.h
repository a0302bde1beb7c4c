#pragma once

#include <QLoggingCategory>

// salvage.graph: layouts.
// Debug and info are off unless asked for: QT_LOGGING_RULES="salvage.graph.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcGraph)
