#include "graph/logcategory.h"

Q_LOGGING_CATEGORY(lcGraph, "salvage.graph", QtWarningMsg)
