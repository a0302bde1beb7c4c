#pragma once

#include "db/connection.h"
#include "db/schema.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;
class QSortFilterProxyModel;
class QTreeView;

namespace salvage {

class SchemaTreeModel;

/// One side of the investigation (LIVE or BACKUP): its connection state, server, and schema tree
/// with a filter, following the connection's schemaChanged().
class SourcePanel : public QWidget
{
    Q_OBJECT
public:
    SourcePanel(Connection *connection, QWidget *parent = nullptr);

    Connection *connection() const { return m_connection; }
    const Schema &schema() const;
    QString stateText() const;
    SchemaTreeModel *schemaModel() const { return m_model; }

Q_SIGNALS:
    void connectRequested(salvage::Side side);
    void tableActivated(const QString &qualifiedTable);
    /// The operator clicked into this side (its schema tree): other views follow that side.
    void sideSelected(salvage::Side side);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateState();
    void showAccent();

    Connection *m_connection;
    SchemaTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_details;
    QToolButton *m_connect;
    QToolButton *m_disconnect;
    QToolButton *m_reload;
    QLineEdit *m_filter;
    QTreeView *m_tree;
};

} // namespace salvage
