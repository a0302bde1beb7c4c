#include "timeline/logcategory.h"

Q_LOGGING_CATEGORY(lcTimeline, "salvage.timeline", QtWarningMsg)
