#include "restore/restorerequest.h"

namespace salvage {

bool RestoreRequest::restoresDeleted(const Table &table) const
{
    return restoreDeleted.contains(QStringLiteral("*")) || restoreDeleted.contains(table.qualifiedName())
        || restoreDeleted.contains(table.name);
}

bool RestoreRequest::choosesPolicy(const Table &table) const
{
    return policies.contains(table.qualifiedName()) || policies.contains(table.name);
}

RestorePolicy RestoreRequest::collisionPolicy(const Table &table, const QList<ClosureBuilder::Edge> &edges) const
{
    for (auto it = policies.constBegin(); it != policies.constEnd(); ++it)
        if (it.key() == table.qualifiedName() || it.key() == table.name)
            return it.value();
    // A table other rows point at holds entities worth their original id; a leaf row taken by a
    // newer live row (a re-made follow) is simply the newer version of it.
    for (const ClosureBuilder::Edge &edge : edges)
        if (edge.parent == &table && edge.child != &table)
            return RestorePolicy::Restore;
    return RestorePolicy::Skip;
}

} // namespace salvage
