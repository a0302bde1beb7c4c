#pragma once

#include <QLoggingCategory>

// salvage.db: connections opened, lost and their jobs.
// Debug and info are off unless asked for: QT_LOGGING_RULES="salvage.db.debug=true" (README, "Diagnostics").
Q_DECLARE_LOGGING_CATEGORY(lcDb)
