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
    // Decided apart from the rows, which are written only where their origin changes: the Compare
    // view holds the result so far while the diff runs, and writing one row of a table it shares
    // copies all of that table's rows.
    ParentOrigin::Origins origins(std::size_t(tables.size()));
    for (qsizetype t = 0; t < tables.size(); ++t) {
        const QList<DiffRow> &rows = std::as_const(tables).at(t).rows;
        std::vector<ParentOrigin::RowOrigin> &decided = origins[std::size_t(t)];
        decided.reserve(std::size_t(rows.size()));
        for (const DiffRow &row : rows) {
            if (row.status != DiffRow::Status::OnlyInLive) {
                decided.push_back({ row.origin, row.originFromParent });
                continue;
            }
            // Rows that carry a time are judged against the backup's point in time; the others keep
            // what their key said (a serial key beyond the backup's largest); a parent's dating is
            // judged again (ParentOrigin), against the parents as they stand now.
            DiffRow::Origin origin = row.originFromParent ? DiffRow::Origin::Unexplained : row.origin;
            if (row.liveTime)
                origin = backupTime && *row.liveTime > *backupTime ? DiffRow::Origin::NewSinceBackup
                                                                   : DiffRow::Origin::Unexplained;
            decided.push_back({ origin, false });
        }
    }
    ParentOrigin::apply(tables, backupTime, origins);
    for (qsizetype t = 0; t < tables.size(); ++t) {
        const std::vector<ParentOrigin::RowOrigin> &decided = origins[std::size_t(t)];
        qint64 fresh = std::as_const(tables).at(t).settledNewSinceBackup
            + std::as_const(tables).at(t).dated.newerThan(backupTime);
        for (qsizetype i = 0; i < qsizetype(decided.size()); ++i) {
            // No reference is held across the write below: it may copy the rows.
            const DiffRow &row = std::as_const(tables).at(t).rows.at(i);
            const ParentOrigin::RowOrigin now = decided[std::size_t(i)];
            if (row.status == DiffRow::Status::OnlyInLive && now.origin == DiffRow::Origin::NewSinceBackup)
                fresh += row.multiplicity;
            if (now.origin != row.origin || now.fromParent != row.originFromParent) {
                DiffRow &written = tables[t].rows[i];
                written.origin = now.origin;
                written.originFromParent = now.fromParent;
            }
        }
        if (std::as_const(tables).at(t).newSinceBackup != fresh)
            tables[t].newSinceBackup = fresh;
    }
}

} // namespace salvage
