#include "diff/tablediff.h"

namespace salvage {

qint64 TableDiff::movedRows() const
{
    qint64 total = 0;
    for (const DiffMove &move : moves)
        total += move.rows;
    return total;
}

} // namespace salvage
