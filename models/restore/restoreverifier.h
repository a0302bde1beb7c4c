#pragma once

#include "restore/restoreplan.h"
#include "restore/restoreplanner.h"

namespace salvage {

class JobControl;
class PgSession;

/// What still differs after a restore run, and why.
struct Verification
{
    QMap<QString, qint64> stillToRestore; ///< table → rows a new plan would still insert, recreate or put back
    QList<PlanListing> explained; ///< rows that differ on purpose (collisions kept, unrestorable, notes)
    bool isComplete() const { return stillToRestore.isEmpty(); }
    QString summary() const;
};

/// Re-compares the closure of the same roots after a run: a complete restore leaves nothing to
/// do but the differences the plan explained (newer live rows kept, parents gone, unknown owners,
/// rows deleted since the backup).
class RestoreVerifier
{
public:
    /// `ran`: the plan the run carried out; the rows it kept deleted stay explained once the
    /// evidence (their moved siblings) has been put back by the run.
    static Verification verify(PgSession &live, PgSession &backup, const RestoreRequest &request,
        const RestorePlan *ran = nullptr, JobControl *control = nullptr);
};

} // namespace salvage
