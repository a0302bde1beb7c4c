#pragma once

#include "restore/restoreplan.h"
#include "restore/restorerequest.h"

namespace salvage {

class JobControl;
class PgSession;

/// Builds a RestorePlan, in steps: the schemas with row identities (PlanSchemas); the closure of
/// the roots in BACKUP (ClosureBuilder); the closure staged on LIVE and compared with it
/// (StagingArea, temporary tables in a read-only transaction); the order of writing (InsertOrder);
/// row by row decisions taken set-wise in SQL: collisions, ON DELETE rules, provenance
/// (LiveClassifier); the statements in order (PlanStatements). Neither database is changed.
class RestorePlanner
{
public:
    RestorePlanner(PgSession &live, PgSession &backup)
        : m_live(live)
        , m_backup(backup)
    {
    }
    RestorePlan plan(const RestoreRequest &request, JobControl *control = nullptr);

private:
    PgSession &m_live;
    PgSession &m_backup;
};

} // namespace salvage
