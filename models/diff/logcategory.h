#pragma once

#include <QLoggingCategory>

// salvage.diff: comparisons; salvage.diff.timing: every phase of every table. Debug and info are
// off unless asked for, e.g. QT_LOGGING_RULES="salvage.diff.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcDiff)
Q_DECLARE_LOGGING_CATEGORY(lcDiffTiming)
