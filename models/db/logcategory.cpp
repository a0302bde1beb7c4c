#include "db/logcategory.h"

Q_LOGGING_CATEGORY(lcDb, "salvage.db", QtWarningMsg)
