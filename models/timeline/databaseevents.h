#pragma once

#include "diff/diffresult.h"
#include "timeline/annotations.h"

namespace salvage {

/// What the databases themselves date, as timeline events next to the logs: the backup's point
/// in time (the newest creation time found in BACKUP) and, per table, when the rows that exist
/// only in LIVE were created after it (the first, with their count and the last). Ids start with
/// `idPrefix`, so a new comparison replaces them (Annotations::replaceDerived).
class DatabaseEvents
{
public:
    static constexpr QStringView idPrefix = u"db:";
    static constexpr QStringView tag = u"database";
    /// The id of the backup's point in time among of()'s events.
    static constexpr QStringView backupPointId = u"db:backup-point";

    static QList<Annotations::ManualEvent> of(const DiffResult &result);
};

} // namespace salvage
