#include "restore/logcategory.h"

Q_LOGGING_CATEGORY(lcRestore, "salvage.restore", QtWarningMsg)
