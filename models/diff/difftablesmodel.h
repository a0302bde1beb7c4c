#pragma once

#include "diff/diffresult.h"

#include <QAbstractTableModel>

namespace salvage {

/// One line per compared table with its counts per category, for the Compare view's table list.
/// Numbers sort as numbers (SortRole); filtering by category goes through categoryRole.
class DiffTablesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Table, Backup, Live, Lost, New, Changed, Moved, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    /// Comma-separated categories a table has: "identical" or any of "lost,new,changed,moved".
    static constexpr int CategoryRole = Qt::UserRole + 2;

    using QAbstractTableModel::QAbstractTableModel;

    /// Takes a (partial or complete) result; tables already shown keep their rows in place.
    void setResult(const DiffResult &result);
    const TableDiff *tableAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<TableDiff> m_tables;
};

} // namespace salvage
