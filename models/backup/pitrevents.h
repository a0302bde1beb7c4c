#pragma once

#include "backup/pitrrecovery.h"
#include "timeline/annotations.h"

namespace salvage {

/// A point-in-time recovery as timeline events next to the logs: when the base backup began and
/// the instant BACKUP was recovered to. Ids start with `idPrefix`, so a new recovery replaces them
/// (Annotations::replaceDerived).
class PitrEvents
{
public:
    static constexpr QStringView idPrefix = u"pitr:";
    static constexpr QStringView tag = u"database";

    static QList<Annotations::ManualEvent> of(const PitrRecovery::Result &result, const PitrTarget &target);
};

} // namespace salvage
