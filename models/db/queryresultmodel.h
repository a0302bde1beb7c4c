#pragma once

#include "db/queryrunner.h"

#include <QAbstractTableModel>

namespace salvage {

/// A QueryResult as a table; NULL is shown as a dimmed, italic "NULL", distinct from empty text.
class QueryResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit QueryResultModel(QObject *parent = nullptr);

    void setResult(const QueryResult &result);
    const QueryResult &result() const { return m_result; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QueryResult m_result;
};

} // namespace salvage
