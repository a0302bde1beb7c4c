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

// A row a parent may still date: only in live, unexplained and without a time of its own.
bool undated(const DiffRow &row, const RowOrigin &origin)
{
    return row.status == DiffRow::Status::OnlyInLive && origin.origin == DiffRow::Origin::Unexplained && !row.liveTime;
}
} // namespace

void apply(const QList<TableDiff> &tables, std::optional<double> backupTime, Origins &origins)
{
    QHash<QString, qsizetype> byName;
    for (qsizetype t = 0; t < tables.size(); ++t)
        byName.insert(tables.at(t).table, t);
    // Only the parent keys that undated rows reference are looked up among the parents' new rows:
    // a set of every new row's key would cost a string for each of them (hundreds of thousands of
    // statuses at demo scale 300) after every table, to date a few join rows.
    QHash<QString, QSet<QString>> wanted; // parent table → joined keys its undated children reference
    for (qsizetype t = 0; t < tables.size(); ++t) {
        const TableDiff &table = tables.at(t);
        for (qsizetype i = 0; i < table.rows.size(); ++i) {
            const DiffRow &row = table.rows.at(i);
            if (!undated(row, origins[std::size_t(t)][std::size_t(i)]))
                continue;
            for (const DiffReference &reference : std::as_const(table.references)) {
                const auto parent = byName.constFind(reference.refTable);
                if (parent == byName.cend() || !tables.at(*parent).hasPrimaryKey())
                    continue;
                const QStringList key = parentKey(table, row, reference, tables.at(*parent).keyColumns);
                if (!key.isEmpty())
                    wanted[reference.refTable].insert(JoinedKey::join(key));
            }
        }
    }
    QHash<QString, QSet<QString>> fresh; // parent table → those of its wanted keys whose rows are new
    for (auto it = wanted.cbegin(); it != wanted.cend(); ++it) {
        const qsizetype t = byName.value(it.key());
        const TableDiff &table = tables.at(t);
        for (qsizetype i = 0; i < table.rows.size(); ++i) {
            const DiffRow &row = table.rows.at(i);
            if (row.status != DiffRow::Status::OnlyInLive
                || origins[std::size_t(t)][std::size_t(i)].origin != DiffRow::Origin::NewSinceBackup)
                continue;
            const QString joined = table.joinedKey(i);
            if (it->contains(joined))
                fresh[table.table].insert(joined);
        }
        table.dated.forEachKeyNewerThan(backupTime, [&](const QString &joined) {
            if (it->contains(joined))
                fresh[table.table].insert(joined);
        });
    }
    // Each pass dates one more level of descendants; a pass that dates nothing ends it.
    for (bool dated = !fresh.isEmpty(); dated;) {
        dated = false;
        for (qsizetype t = 0; t < tables.size(); ++t) {
            const TableDiff &table = tables.at(t);
            for (qsizetype i = 0; i < table.rows.size(); ++i) {
                const DiffRow &row = table.rows.at(i);
                RowOrigin &origin = origins[std::size_t(t)][std::size_t(i)];
                if (!undated(row, origin))
                    continue;
                for (const DiffReference &reference : std::as_const(table.references)) {
                    const auto parentRows = fresh.constFind(reference.refTable);
                    if (parentRows == fresh.cend())
                        continue;
                    const TableDiff &parent = tables.at(byName.value(reference.refTable));
                    const QStringList key = parentKey(table, row, reference, parent.keyColumns);
                    if (key.isEmpty() || !parentRows->contains(JoinedKey::join(key)))
                        continue;
                    origin = { DiffRow::Origin::NewSinceBackup, true };
                    const auto children = wanted.constFind(table.table);
                    if (table.hasPrimaryKey() && children != wanted.cend()) {
                        const QString joined = table.joinedKey(i);
                        if (children->contains(joined))
                            fresh[table.table].insert(joined);
                    }
                    dated = true;
                    break;
                }
            }
        }
    }
}

} // namespace salvage::ParentOrigin
