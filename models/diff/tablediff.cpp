#include "diff/tablediff.h"

#include "diff/diffvaluespool.h"
#include "diff/joinedkey.h"

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

QStringList TableDiff::key(qsizetype row) const
{
    return keys.has(row) ? JoinedKey::split(keys.joined(row)) : rows.at(row).key;
}

QString TableDiff::joinedKey(qsizetype row) const
{
    return keys.has(row) ? keys.joined(row) : JoinedKey::join(rows.at(row).key);
}

} // namespace salvage
