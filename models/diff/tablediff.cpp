#include "diff/tablediff.h"

#include "diff/diffvaluespool.h"

namespace salvage {

qint64 TableDiff::movedRows() const
{
    qint64 total = 0;
    for (const DiffMove &move : moves)
        total += move.rows;
    return total;
}

DiffRowValues TableDiff::values(const DiffRow &row) const
{
    if (row.spooledAt >= 0 && spool)
        return spool->read(row.spooledAt);
    return { row.backupValues, row.liveValues };
}

} // namespace salvage
