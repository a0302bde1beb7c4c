#pragma once

#include <QLoggingCategory>

// salvage.jobs: background jobs ending, with outcome and time.
// Debug and info are off unless asked for: QT_LOGGING_RULES="salvage.jobs.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcJobs)
