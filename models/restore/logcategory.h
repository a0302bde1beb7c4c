#pragma once

#include <QLoggingCategory>

// salvage.restore: the phases of a preview, run or undo.
// Debug and info are off unless asked for: QT_LOGGING_RULES="salvage.restore.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcRestore)
