#include "diff/diffresult.h"

#include "diff/moveranker.h"
#include "diff/parentorigin.h"

#include <algorithm>

namespace salvage {

bool DiffResult::hasDifferences() const
{
    return std::any_of(tables.cbegin(), tables.cend(), [](const TableDiff &table) { return !table.identical(); });
}

QList<DiffMove> DiffResult::moves() const
{
    QList<DiffMove> all;
    for (const TableDiff &table : tables)
        all += table.moves;
    MoveRanker::rank(all);
    return all;
}

QList<DiffFanIn> DiffResult::fanIn() const
{
    QList<DiffMove> all;
    for (const TableDiff &table : tables)
        all += table.moves;
    return MoveRanker::rank(all);
}

void DiffResult::classify()
{
    for (TableDiff &table : tables) {
        table.newSinceBackup = table.settledNewSinceBackup;
        for (DiffRow &row : table.rows) {
            if (row.status != DiffRow::Status::OnlyInLive)
                continue;
            if (row.originFromParent) // judged again below, against the parents as they stand now
                row.origin = DiffRow::Origin::Unexplained, row.originFromParent = false;
            // Rows that carry a time are judged against the backup's point in time; the others keep
            // what their key said (a serial key beyond the backup's largest).
            if (row.liveTime)
                row.origin = backupTime && *row.liveTime > *backupTime ? DiffRow::Origin::NewSinceBackup
                                                                       : DiffRow::Origin::Unexplained;
            if (row.origin == DiffRow::Origin::NewSinceBackup)
                table.newSinceBackup += row.multiplicity;
        }
    }
    ParentOrigin::apply(tables);
}

} // namespace salvage
