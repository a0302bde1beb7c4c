#pragma once

#include <QLoggingCategory>

// salvage.timeline: indexing, parse pass and searches, timed.
// Debug and info are off unless asked for: QT_LOGGING_RULES="salvage.timeline.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcTimeline)
