#include "schematreemodel.h"

namespace salvage {

SchemaTreeModel::Node *SchemaTreeModel::Node::add(
    Kind childKind, QString childName, QString childDetail, QString childTable)
{
    auto child = std::make_unique<Node>(childKind, std::move(childName), std::move(childDetail), std::move(childTable));
    child->parent = this;
    child->row = int(children.size());
    children.push_back(std::move(child));
    return children.back().get();
}

SchemaTreeModel::SchemaTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>(Kind::Schema, QString(), QString(), QString()))
{
}

SchemaTreeModel::~SchemaTreeModel() = default;

void SchemaTreeModel::clear()
{
    setSchema(Schema {});
}

void SchemaTreeModel::setSchema(const Schema &schema)
{
    beginResetModel();
    m_schema = schema;
    m_root = std::make_unique<Node>(Kind::Schema, QString(), QString(), QString());
    Node *schemaNode = nullptr;
    for (const Table &table : m_schema.tables) {
        if (!schemaNode || schemaNode->name != table.schema)
            schemaNode = m_root->add(Kind::Schema, table.schema, {}, {});
        const QString rows = table.estimatedRows >= 0 ? tr("~%L1 rows").arg(table.estimatedRows) : tr("not analysed");
        Node *tableNode = schemaNode->add(Kind::Table, table.name, rows, table.qualifiedName());
        for (const Column &column : table.columns) {
            QString detail = column.type;
            if (!column.nullable)
                detail += QStringLiteral(" not null");
            if (table.primaryKey.contains(column.name))
                detail += QStringLiteral(" · primary key");
            tableNode->add(Kind::Column, column.name, detail, table.qualifiedName());
        }
        for (const UniqueKey &key : table.uniqueKeys) {
            QString detail = QStringLiteral("unique (%1)").arg(key.elements.join(QStringLiteral(", ")));
            if (key.partial)
                detail += QStringLiteral(" where ") + key.predicate;
            tableNode->add(Kind::Key, key.name, detail, table.qualifiedName());
        }
        for (const ForeignKey &key : table.foreignKeys) {
            tableNode->add(Kind::ForeignKey, key.name,
                QStringLiteral("(%1) → %2 (%3), on delete %4")
                    .arg(key.columns.join(QStringLiteral(", ")), key.refQualifiedName(),
                        key.refColumns.join(QStringLiteral(", ")), fkActionSql(key.onDelete)),
                table.qualifiedName());
        }
        schemaNode->detail = tr("%n table(s)", nullptr, int(schemaNode->children.size()));
    }
    endResetModel();
}

SchemaTreeModel::Node *SchemaTreeModel::nodeFor(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex SchemaTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    Node *node = nodeFor(parent);
    return createIndex(row, column, node->children.at(size_t(row)).get());
}

QModelIndex SchemaTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    Node *node = nodeFor(child)->parent;
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, 0, node);
}

int SchemaTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeFor(parent)->children.size());
}

int SchemaTreeModel::columnCount(const QModelIndex &) const
{
    return 2;
}

QVariant SchemaTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeFor(index);
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == 0 ? node->name : node->detail;
    case Qt::ToolTipRole:
        return node->detail.isEmpty() ? node->name : node->name + QStringLiteral(": ") + node->detail;
    case KindRole:
        return QVariant::fromValue(node->kind);
    case QualifiedTableRole:
        return node->table;
    default:
        return {};
    }
}

QVariant SchemaTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == 0 ? tr("Name") : tr("Detail");
}

} // namespace salvage
