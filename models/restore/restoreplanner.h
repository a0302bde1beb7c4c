#pragma once

#include "restore/restoreplan.h"
#include "restore/rootselection.h"

#include "db/schema.h"

#include <QHash>
#include <QList>

namespace salvage {

class JobControl;
class PgSession;

/// What the operator asks for: roots, per-table collision policies, declared relations.
struct RestoreRequest
{
    QList<RootSelection> roots;
    QHash<QString, RestorePolicy> policies; ///< by "schema.table" or bare name
    QList<RestoreRelation> relations;
    QList<DeclaredUnique> uniques; ///< uniqueness the application enforces without an index
    QList<DeclaredRule> rules; ///< conditions the application checks on every row
    /// Recompute counter caches (parent columns equal to a count of children) for the parents a plan touches.
    bool recomputeCounters = true;
    /// Tables ("schema.table", bare name, or "*") whose rows deleted since the backup are restored anyway.
    QStringList restoreDeleted;
    /// Keys (as listed) an earlier plan found deleted since the backup, by "schema.table": a re-plan
    /// after the run, when the moved siblings are back and the evidence is gone, keeps them so.
    QHash<QString, QStringList> knownDeleted;

    bool restoresDeleted(const Table &table) const;
};

/// Builds a RestorePlan: the closure of the roots in BACKUP, staged on LIVE (temporary tables in
/// a read-only transaction) and compared there set-wise, row by row decisions taken in SQL.
/// Neither database is changed.
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
