#pragma once

#include "restore/closurebuilder.h"
#include "restore/restoreplan.h"

namespace salvage {

class PgRaw;

/// Lists live rows created after the backup that sit with a parent the plan moves rows away from
/// (the merge target): they may have been moved too, but their original owner is not in the
/// backup, so the restore cannot put them back. Keys travel LIVE → BACKUP as COPY data.
class UnknownOwners
{
public:
    static QList<PlanListing> find(const ClosureBuilder::Edge &liveEdge, const Table &backupTable,
        const QString &staging, const QString &backupScratch, const PgRaw &live, const PgRaw &backup);
};

} // namespace salvage
