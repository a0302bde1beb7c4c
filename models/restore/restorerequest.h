#pragma once

#include "restore/closurebuilder.h"
#include "restore/restoreplan.h"
#include "restore/rootselection.h"

#include "db/schema.h"

#include <QHash>
#include <QList>

namespace salvage {

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
    /// The operator chose a collision policy for `table` (a live row of another owner may then be taken over).
    bool choosesPolicy(const Table &table) const;
    /// The policy for `table`'s unique-key collisions: the operator's, else `restore` for a table
    /// other rows reference (its entities are worth their original id), else `skip`.
    RestorePolicy collisionPolicy(const Table &table, const QList<ClosureBuilder::Edge> &edges) const;
};

} // namespace salvage
