#include "jobs/logcategory.h"

Q_LOGGING_CATEGORY(lcJobs, "salvage.jobs", QtWarningMsg)
