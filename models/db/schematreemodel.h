#pragma once

#include "db/schema.h"

#include <QAbstractItemModel>
#include <memory>
#include <vector>

namespace salvage {

/// A database's structure as a tree: schema → table → columns, keys and foreign keys.
/// Two columns: the name, and a detail (type, estimated rows, referenced table).
class SchemaTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Role { KindRole = Qt::UserRole + 1, QualifiedTableRole };
    enum class Kind { Schema, Table, Column, Key, ForeignKey };
    Q_ENUM(Kind)

    explicit SchemaTreeModel(QObject *parent = nullptr);
    ~SchemaTreeModel() override;

    void setSchema(const Schema &schema);
    void clear();
    const Schema &schema() const { return m_schema; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        Node(Kind kind_, QString name_, QString detail_, QString table_)
            : kind(kind_)
            , name(std::move(name_))
            , detail(std::move(detail_))
            , table(std::move(table_))
        {
        }
        Kind kind;
        QString name;
        QString detail;
        QString table; ///< qualified name of the table this node belongs to
        Node *parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
        Node *add(Kind kind, QString name, QString detail, QString table);
    };
    Node *nodeFor(const QModelIndex &index) const;

    Schema m_schema;
    std::unique_ptr<Node> m_root;
};

} // namespace salvage
