#pragma once

#include <QLoggingCategory>

// salvage.logs: formats detected, files indexed.
// Debug and info are off unless asked for: QT_LOGGING_RULES="salvage.logs.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcLogs)
