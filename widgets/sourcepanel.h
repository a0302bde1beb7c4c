#pragma once

#include "db/connection.h"
#include "db/jobcontrol.h"
#include "db/schema.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace salvage {

class SchemaTreeModel;

/// One side of the investigation (LIVE or BACKUP): its connection state, server, and schema tree
/// with a filter. Loads the schema off the GUI thread whenever the connection opens.
class SourcePanel : public QWidget
{
    Q_OBJECT
public:
    SourcePanel(Connection *connection, QWidget *parent = nullptr);

    Connection *connection() const { return m_connection; }
    const Schema &schema() const;
    QString stateText() const;
    SchemaTreeModel *schemaModel() const { return m_model; }

public Q_SLOTS:
    void reloadSchema();

Q_SIGNALS:
    void connectRequested(salvage::Side side);
    void schemaLoaded(const salvage::Schema &schema);
    void tableActivated(const QString &qualifiedTable);

private:
    void updateState();

    Connection *m_connection;
    SchemaTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_details;
    QPushButton *m_connect;
    QPushButton *m_disconnect;
    QPushButton *m_reload;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    Generation m_generation;
};

} // namespace salvage
