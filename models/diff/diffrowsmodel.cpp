#include "diff/diffrowsmodel.h"

#include "core/error.h"
#include "core/mark.h"

#include <QFont>

namespace salvage {

void DiffRowsModel::setTable(const TableDiff &table)
{
    beginResetModel();
    m_table = table;
    m_values.clear();
    endResetModel();
}

void DiffRowsModel::clear()
{
    setTable({});
}

int DiffRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_table.rows.size());
}

int DiffRowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : 1 + 2 * int(m_table.columns.size());
}

const DiffRowValues &DiffRowsModel::valuesOf(int row, QString &error) const
{
    static const DiffRowValues none;
    if (const DiffRowValues *cached = m_values.object(row))
        return *cached;
    try {
        auto *values = new DiffRowValues(m_table.values(m_table.rows.at(row)));
        m_values.insert(row, values);
        return *values;
    } catch (const Error &e) {
        error = e.message();
        return none;
    }
}

QVariant DiffRowsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const DiffRow &row = m_table.rows.at(index.row());
    if (index.column() == 0) {
        if (role == MarkRole)
            return int(row.status == DiffRow::Status::OnlyInBackup ? Mark::Lost
                    : row.status == DiffRow::Status::Changed       ? Mark::Changed
                                                                   : Mark::New);
        if (role != Qt::DisplayRole)
            return {};
        switch (row.status) {
        case DiffRow::Status::OnlyInBackup:
            return tr("lost");
        case DiffRow::Status::Changed:
            return tr("changed");
        case DiffRow::Status::OnlyInLive:
            break;
        }
        return row.origin == DiffRow::Origin::NewSinceBackup ? tr("new since backup") : tr("new (unexplained)");
    }
    const int column = (index.column() - 1) / 2;
    const bool live = (index.column() - 1) % 2 == 1;
    // The row's status says which sides it is on: a spooled row holds no values in memory.
    const bool present = live ? row.status != DiffRow::Status::OnlyInBackup : row.status != DiffRow::Status::OnlyInLive;
    QString error;
    const QList<DiffValue> &values = present
        ? (live ? valuesOf(index.row(), error).live : valuesOf(index.row(), error).backup)
        : QList<DiffValue>();
    const DiffValue value = column < values.size() ? values.at(column) : DiffValue();
    if (!error.isEmpty())
        return role == Qt::DisplayRole || role == Qt::ToolTipRole ? QVariant(error) : QVariant();
    const bool changed = row.changedColumns.contains(m_table.columns.at(column));
    switch (role) {
    case Qt::DisplayRole:
        if (!present)
            return {};
        return value ? *value : QStringLiteral("NULL");
    case IsNullRole:
        return present && !value;
    case ChangedRole:
        return changed;
    case Qt::FontRole:
        if (present && !value) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case MarkRole:
        // The view colours from its palette: a changed cell's old value as lost, its new one as changed.
        if (changed)
            return int(live ? Mark::Changed : Mark::Lost);
        return int(present && !value ? Mark::Null : Mark::None);
    default:
        return {};
    }
}

QVariant DiffRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    if (section == 0)
        return tr("Status");
    const int column = (section - 1) / 2;
    if (column >= m_table.columns.size())
        return {};
    const bool key = m_table.keyColumns.contains(m_table.columns.at(column));
    // Words, not an emoji: Debian's default fonts draw 🔑 as an empty box.
    const QString side = (section - 1) % 2 ? tr("live") : tr("backup");
    return key ? tr("%1 (key, %2)").arg(m_table.columns.at(column), side)
               : tr("%1 (%2)").arg(m_table.columns.at(column), side);
}

} // namespace salvage
