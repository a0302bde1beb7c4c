#include "logs/logcategory.h"

Q_LOGGING_CATEGORY(lcLogs, "salvage.logs", QtWarningMsg)
