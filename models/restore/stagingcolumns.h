#pragma once

#include "restore/rowaction.h"

#include <QString>

namespace salvage {

/// The bookkeeping columns of a staging table (StagingArea creates them next to the backup row's
/// columns), quoted, for the statements the planning steps run over it. Named in this one place.
namespace StagingColumn {
/// The row's RowAction, NULL while undecided.
inline QString action()
{
    return rowActionColumn();
}
/// The live row it is mapped onto, recreated over or collides with (its key).
inline QString live()
{
    return QStringLiteral("\"_salvage_live\"");
}
/// Why the row got its action (rules, collisions), for the plan's listings.
inline QString reason()
{
    return QStringLiteral("\"_salvage_reason\"");
}
/// The operator chose the row (a root): no evidence keeps it deleted.
inline QString root()
{
    return QStringLiteral("\"_salvage_root\"");
}
/// LIVE does not hold the row as it is (missing, or a column differs): the buckets add up to these.
inline QString differs()
{
    return QStringLiteral("\"_salvage_differs\"");
}
/// A digest of the live row as the plan saw it, for the rows a statement changes.
inline QString seen()
{
    return QStringLiteral("\"_salvage_seen\"");
}
} // namespace StagingColumn

} // namespace salvage
