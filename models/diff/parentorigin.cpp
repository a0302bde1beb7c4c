#include "diff/parentorigin.h"

#include "diff/joinedkey.h"

#include <QHash>
#include <QSet>

namespace salvage::ParentOrigin {

namespace {
// The referenced key as the parent table's rows spell it, in its key order; empty when a column is
// NULL or the reference does not target the parent's whole key.
QStringList parentKey(
    const TableDiff &child, const DiffRow &row, const DiffReference &reference, const QStringList &parentKeyColumns)
{
    if (reference.refColumns.size() != parentKeyColumns.size())
        return {};
    QStringList key;
    for (const QString &keyColumn : parentKeyColumns) {
        const qsizetype at = reference.refColumns.indexOf(keyColumn);
        const qsizetype position = at < 0 ? -1 : child.columns.indexOf(reference.columns.at(at));
        if (position < 0 || position >= row.liveValues.size() || !row.liveValues.at(position))
            return {};
        key << *row.liveValues.at(position);
    }
    return key;
}
} // namespace

void apply(const QList<TableDiff> &tables, Origins &origins)
{
    QHash<QString, const TableDiff *> byName;
    QHash<QString, QSet<QString>> fresh; // table → joined keys of its rows new since the backup
    for (qsizetype t = 0; t < tables.size(); ++t) {
        const TableDiff &table = tables.at(t);
        byName.insert(table.table, &table);
        if (!table.hasPrimaryKey())
            continue;
        for (qsizetype i = 0; i < table.rows.size(); ++i) {
            const DiffRow &row = table.rows.at(i);
            if (row.status == DiffRow::Status::OnlyInLive
                && origins[std::size_t(t)][std::size_t(i)].origin == DiffRow::Origin::NewSinceBackup)
                fresh[table.table].insert(JoinedKey::join(row.key));
        }
    }
    // Each pass dates one more level of descendants; a pass that dates nothing ends it.
    for (bool dated = !fresh.isEmpty(); dated;) {
        dated = false;
        for (qsizetype t = 0; t < tables.size(); ++t) {
            const TableDiff &table = tables.at(t);
            for (qsizetype i = 0; i < table.rows.size(); ++i) {
                const DiffRow &row = table.rows.at(i);
                RowOrigin &origin = origins[std::size_t(t)][std::size_t(i)];
                if (row.status != DiffRow::Status::OnlyInLive || origin.origin != DiffRow::Origin::Unexplained
                    || row.liveTime)
                    continue;
                for (const DiffReference &reference : std::as_const(table.references)) {
                    const TableDiff *parent = byName.value(reference.refTable);
                    const auto parentRows = fresh.constFind(reference.refTable);
                    if (!parent || parentRows == fresh.cend())
                        continue;
                    const QStringList key = parentKey(table, row, reference, parent->keyColumns);
                    if (key.isEmpty() || !parentRows->contains(JoinedKey::join(key)))
                        continue;
                    origin = { DiffRow::Origin::NewSinceBackup, true };
                    if (table.hasPrimaryKey())
                        fresh[table.table].insert(JoinedKey::join(row.key));
                    dated = true;
                    break;
                }
            }
        }
    }
}

} // namespace salvage::ParentOrigin
