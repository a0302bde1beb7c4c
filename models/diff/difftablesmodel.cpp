#include "diff/difftablesmodel.h"

#include "core/mark.h"

#include <QLocale>

namespace salvage {

void DiffTablesModel::setResult(const DiffResult &result)
{
    // Results only grow while a diff runs: update the rows we have, append the new ones.
    const int common = int(std::min(m_tables.size(), result.tables.size()));
    if (result.tables.size() < m_tables.size()
        || (common > 0 && m_tables.at(common - 1).table != result.tables.at(common - 1).table)) {
        beginResetModel();
        m_tables = result.tables;
        endResetModel();
        return;
    }
    for (int row = 0; row < common; ++row)
        m_tables[row] = result.tables.at(row);
    if (common > 0)
        Q_EMIT dataChanged(index(0, 0), index(common - 1, ColumnCount - 1));
    if (result.tables.size() > common) {
        beginInsertRows({}, common, int(result.tables.size()) - 1);
        m_tables += result.tables.mid(common);
        endInsertRows();
    }
}

const TableDiff *DiffTablesModel::tableAt(int row) const
{
    return row >= 0 && row < m_tables.size() ? &m_tables.at(row) : nullptr;
}

int DiffTablesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tables.size());
}

int DiffTablesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DiffTablesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const TableDiff &table = m_tables.at(index.row());
    qint64 number = 0;
    switch (index.column()) {
    case Table:
        if (role == Qt::DisplayRole || role == SortRole)
            return table.table;
        if (role == Qt::ToolTipRole && !table.notes.isEmpty())
            return table.notes.join(QLatin1Char('\n'));
        break;
    case Backup:
        number = table.backupRows;
        break;
    case Live:
        number = table.liveRows;
        break;
    case Lost:
        number = table.onlyInBackup;
        break;
    case New:
        number = table.onlyInLive;
        break;
    case Changed:
        number = table.changed;
        break;
    case Moved:
        number = table.movedRows();
        break;
    default:
        break;
    }
    if (role == CategoryRole) {
        QStringList categories;
        if (table.onlyInBackup)
            categories << QStringLiteral("lost");
        if (table.onlyInLive)
            categories << QStringLiteral("new");
        if (table.changed)
            categories << QStringLiteral("changed");
        if (!table.moves.isEmpty())
            categories << QStringLiteral("moved");
        return categories.isEmpty() ? QStringLiteral("identical") : categories.join(QLatin1Char(','));
    }
    if (index.column() == Table)
        return {};
    if (role == Qt::DisplayRole)
        return QLocale().toString(number);
    if (role == SortRole)
        return number;
    if (role == MarkRole && number > 0) {
        switch (index.column()) {
        case Lost:
            return int(Mark::Lost);
        case New:
            return int(Mark::New);
        case Changed:
            return int(Mark::Changed);
        case Moved:
            return int(Mark::Moved);
        default:
            break;
        }
    }
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == New && table.onlyInLive)
        return tr("%1 new since the backup, %2 unexplained")
            .arg(table.newSinceBackup)
            .arg(table.onlyInLive - table.newSinceBackup);
    return {};
}

QVariant DiffTablesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Table:
        return tr("Table");
    case Backup:
        return tr("Backup rows");
    case Live:
        return tr("Live rows");
    case Lost:
        return tr("Lost");
    case New:
        return tr("New");
    case Changed:
        return tr("Changed");
    case Moved:
        return tr("Moved");
    default:
        return {};
    }
}

} // namespace salvage
