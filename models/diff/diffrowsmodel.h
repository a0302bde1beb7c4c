#pragma once

#include "diff/diffresult.h"

#include <QAbstractTableModel>

namespace salvage {

/// The differing rows of one table side by side: status, then each column's backup and live
/// value next to each other. NULL is shown as an italic "NULL" (empty text stays empty); changed
/// cells carry ChangedRole so that views can highlight them.
class DiffRowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int ChangedRole = Qt::UserRole + 1;
    static constexpr int IsNullRole = Qt::UserRole + 2;

    using QAbstractTableModel::QAbstractTableModel;

    void setTable(const TableDiff &table);
    void clear();
    const TableDiff &table() const { return m_table; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    DiffValue valueAt(const DiffRow &row, int column, bool live) const;

    TableDiff m_table;
};

} // namespace salvage
