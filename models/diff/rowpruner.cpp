#include "diff/rowpruner.h"

#include "diff/joinedkey.h"

namespace salvage {

QList<qsizetype> RowPruner::parentColumns(const TableDiff &table)
{
    QList<qsizetype> positions;
    for (const DiffReference &reference : std::as_const(table.references)) {
        for (const QString &column : reference.columns)
            positions << table.columns.indexOf(column);
    }
    return positions;
}

QList<DiffValue> RowPruner::onlyAt(const QList<DiffValue> &values, const QList<qsizetype> &positions)
{
    QList<DiffValue> kept;
    for (qsizetype position : positions) {
        if (position < 0 || position >= values.size())
            continue;
        if (kept.size() <= position)
            kept.resize(position + 1);
        kept[position] = values.at(position);
    }
    return kept;
}

void RowPruner::prune(TableDiff &table, bool referenced)
{
    table.retention = RowRetention::Counts;
    if (table.dated.isEmpty()) // TableComparator may have filled it already, as it was told
        table.dated = DatedRows(referenced && table.hasPrimaryKey());
    const QList<qsizetype> parentColumns = RowPruner::parentColumns(table);
    QList<DiffRow> kept;
    for (DiffRow &row : table.rows) {
        if (row.status != DiffRow::Status::OnlyInLive)
            continue; // counted, its moves summed up
        // A time is judged again against the backup's, which a later table may raise.
        if (row.liveTime) {
            table.dated.add(
                *row.liveTime, row.multiplicity, table.dated.keepsKeys() ? JoinedKey::join(row.key) : QString());
            continue;
        }
        // Neither a time nor a parent's dating (judged again when the parents change): the origin
        // is final. ParentOrigin still reads it when it is new and a table references this one, or
        // when it is unexplained and a parent may date it.
        if (!row.originFromParent) {
            const bool fresh = row.origin == DiffRow::Origin::NewSinceBackup;
            if (fresh ? !referenced : table.references.isEmpty()) {
                if (fresh)
                    table.settledNewSinceBackup += row.multiplicity;
                continue;
            }
        }
        // Assigned, not clear()ed, which keeps (or reallocates) the lists' capacity.
        row.backupValues = QList<DiffValue>();
        row.changedColumns = QStringList();
        row.liveValues = onlyAt(row.liveValues, parentColumns);
        kept << std::move(row);
    }
    table.rows = std::move(kept);
    table.dated.squeeze();
}

} // namespace salvage
