#include "diff/logcategory.h"

Q_LOGGING_CATEGORY(lcDiff, "salvage.diff", QtWarningMsg)
Q_LOGGING_CATEGORY(lcDiffTiming, "salvage.diff.timing", QtWarningMsg)
