#pragma once

#include "diff/diffresult.h"

#include <QAbstractTableModel>
#include <QCache>

namespace salvage {

/// The differing rows of one table side by side: status, then each column's backup and live
/// value next to each other. NULL is shown as an italic "NULL" (empty text stays empty); changed
/// cells carry ChangedRole so that views can highlight them. Values of a spooled diff are read
/// back for the rows shown (a few thousand cached), never for the whole table.
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
    /// The row's values; a row whose values cannot be read back has none and `error` says why.
    const DiffRowValues &valuesOf(int row, QString &error) const;

    TableDiff m_table;
    mutable QCache<int, DiffRowValues> m_values { 4096 };
};

} // namespace salvage
