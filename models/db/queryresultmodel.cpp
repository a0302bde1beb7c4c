#include "queryresultmodel.h"

#include <QFont>
#include <QPalette>

namespace salvage {

QueryResultModel::QueryResultModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void QueryResultModel::setResult(const QueryResult &result)
{
    beginResetModel();
    m_result = result;
    endResetModel();
}

int QueryResultModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_result.rows.size());
}

int QueryResultModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_result.columns.size());
}

QVariant QueryResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const QVariant &value = m_result.rows.at(index.row()).value(index.column());
    const bool isNull = !value.isValid();
    switch (role) {
    case Qt::DisplayRole: {
        if (isNull)
            return QStringLiteral("NULL");
        QString text = value.toString();
        // One line per cell in the grid; the tooltip and copy keep the whole value.
        if (text.size() > 200)
            text = text.left(200) + QStringLiteral("…");
        return text.replace(QLatin1Char('\n'), QStringLiteral("⏎"));
    }
    case Qt::ToolTipRole:
    case Qt::EditRole:
        return isNull ? QVariant() : value;
    case Qt::FontRole:
        if (isNull) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::ForegroundRole:
        return isNull ? QVariant(QPalette().color(QPalette::Disabled, QPalette::Text)) : QVariant();
    default:
        return {};
    }
}

QVariant QueryResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal)
        return m_result.columns.value(section);
    return section + 1;
}

} // namespace salvage
