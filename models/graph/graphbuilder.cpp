#include "graphbuilder.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "db/pqxxcompat.h"
#include "db/rowlabels.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"
#include "logs/logkeycandidates.h"

#include <QSet>
#include <pqxx/transaction>

namespace salvage {

namespace {

std::vector<std::string> toStd(const QStringList &values)
{
    std::vector<std::string> out;
    out.reserve(size_t(values.size()));
    for (const QString &value : values)
        out.push_back(value.toStdString());
    return out;
}

/// "a" = $n AND "b" = $n+1 …
QString matchClause(const QStringList &columns, int firstParameter = 1)
{
    QStringList parts;
    for (int i = 0; i < columns.size(); ++i)
        parts << QStringLiteral("%1 = $%2").arg(sql::quoteIdent(columns.at(i)), QString::number(firstParameter + i));
    return parts.join(QStringLiteral(" AND "));
}

QString shortName(const Table &table)
{
    return table.schema == QLatin1String("public") ? table.name : table.qualifiedName();
}

} // namespace

GraphBuilder::GraphBuilder(PgSession &session, const Schema &schema, Options options)
    : m_session(session)
    , m_schema(schema)
    , m_options(options)
{
}

std::pair<QString, QStringList> GraphBuilder::parseRoot(const QString &root)
{
    const qsizetype colon = root.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0 || colon == root.size() - 1)
        throw Error(
            QStringLiteral("A root is TABLE:KEY (e.g. accounts:42, or TABLE:A,B for a composite key), not \"%1\".")
                .arg(root));
    return { root.left(colon), root.mid(colon + 1).split(QLatin1Char(',')) };
}

QString GraphBuilder::nodeId(const Table &table, const QStringList &key)
{
    return table.qualifiedName() + QLatin1Char(':') + key.join(QLatin1Char(','));
}

QString GraphBuilder::labelColumn(const Table &table)
{
    // A unique text column names the row to people (usernames, e-mails, slugs); else the first
    // text column that is not the key.
    if (const QString unique = RowLabels::labelColumn(table); !unique.isEmpty())
        return unique;
    for (const Column &column : table.columns) {
        if (column.typeCategory == QLatin1Char('S') && !table.primaryKey.contains(column.name))
            return column.name;
    }
    return {};
}

QStringList GraphBuilder::identifyingColumns(const Table &table)
{
    static const QStringList kinds { QStringLiteral("int2"), QStringLiteral("int4"), QStringLiteral("int8"),
        QStringLiteral("uuid"), QStringLiteral("inet"), QStringLiteral("cidr") };
    QStringList columns;
    for (const Column &column : table.columns) {
        if (column.typeCategory == QLatin1Char('S') || kinds.contains(column.typeName))
            columns << column.name;
    }
    return columns;
}

QStringList GraphBuilder::identifyingValues(const QVariantList &values, const QStringList &rowIds)
{
    LogKeyCandidates candidates;
    for (qsizetype i = 0; i + 1 < rowIds.size(); i += 2)
        candidates.addRowId(rowIds.at(i), rowIds.at(i + 1));
    for (const QVariant &value : values)
        if (value.isValid())
            candidates.add(value.toString());
    return candidates.values();
}

std::optional<QVariantList> GraphBuilder::fetchRow(
    const Table &table, const QStringList &keyColumns, const QStringList &keyValues, const QStringList &wanted)
{
    QStringList selected;
    for (const QString &column : wanted)
        selected << sql::quoteIdent(column) + QStringLiteral("::text");
    const QString query = QStringLiteral("SELECT %1 FROM %2 WHERE %3 LIMIT 1")
                              .arg(selected.isEmpty() ? QStringLiteral("1") : selected.join(QStringLiteral(", ")),
                                  table.sqlName(), matchClause(keyColumns));
    pqxx::read_transaction transaction(m_session.connection());
    const pqxx::result result = pqxxcompat::execParamList(transaction, query.toStdString(), toStd(keyValues));
    if (result.empty())
        return std::nullopt;
    QVariantList values;
    for (int i = 0; i < wanted.size(); ++i)
        values << (result[0][i].is_null() ? QVariant() : QVariant(QString::fromUtf8(result[0][i].c_str())));
    return values;
}

void GraphBuilder::addNode(RelationGraph &graph, const GraphNode &node)
{
    if (!graph.node(node.id))
        graph.nodes.append(node);
}

RelationGraph GraphBuilder::build(const QString &tableName, const QStringList &key, JobControl *control)
{
    const Table *rootTable = m_schema.findTable(tableName);
    if (!rootTable)
        throw Error(QStringLiteral("No table \"%1\" (or more than one schema has one: qualify it).").arg(tableName));
    if (rootTable->primaryKey.isEmpty())
        throw Error(QStringLiteral("%1 has no primary key; a graph needs one to name its root row.")
                        .arg(rootTable->qualifiedName()));
    if (rootTable->primaryKey.size() != key.size())
        throw Error(QStringLiteral("%1's primary key has %2 column(s); give as many key values.")
                        .arg(rootTable->qualifiedName(), QString::number(rootTable->primaryKey.size())));

    RelationGraph graph;
    graph.root = nodeId(*rootTable, key);
    std::vector<Visit> queue { { rootTable, rootTable->primaryKey, key, 0 } };
    QSet<QString> expanded;
    for (size_t next = 0; next < queue.size(); ++next) {
        if (control)
            control->throwIfCancelled();
        const Visit visit = queue[next];
        const QString id = nodeId(*visit.table, visit.keyValues);
        if (expanded.contains(id))
            continue;
        expanded.insert(id);

        // Everything this step needs from the row: its label, its foreign-key columns, and the
        // columns its children point at.
        QStringList wanted;
        const QString label = labelColumn(*visit.table);
        if (!label.isEmpty())
            wanted << label;
        for (const ForeignKey &key2 : visit.table->foreignKeys)
            wanted << key2.columns;
        for (const auto &[child, key2] : m_schema.referencing(*visit.table))
            wanted << key2->refColumns;
        const QStringList identifying = identifyingColumns(*visit.table);
        wanted << identifying;
        wanted.removeDuplicates();
        const std::optional<QVariantList> row = fetchRow(*visit.table, visit.keyColumns, visit.keyValues, wanted);
        if (!row) {
            if (next == 0)
                return RelationGraph { graph.root, {}, {}, false };
            continue; // a dangling reference: the node stays, without expansion
        }
        auto valueOf = [&](const QString &column) { return row->at(wanted.indexOf(column)); };
        const QString text = label.isEmpty() || !valueOf(label).isValid() ? visit.keyValues.join(QLatin1Char(','))
                                                                          : valueOf(label).toString();
        if (next == 0)
            addNode(graph, { id, visit.table->qualifiedName(), visit.keyValues, text, false, 1, Presence::Both, {} });
        else if (GraphNode *node = graph.node(id))
            node->label = text;
        if (GraphNode *node = graph.node(id)) {
            QVariantList identifyingRow;
            for (const QString &column : identifying)
                identifyingRow << valueOf(column);
            // Its ids with the tables they name (its key, what it references), then the rest.
            QStringList rowIds;
            if (visit.keyValues.size() == 1)
                rowIds << visit.table->name << visit.keyValues.first();
            for (const ForeignKey &reference : visit.table->foreignKeys)
                if (reference.columns.size() == 1 && valueOf(reference.columns.first()).isValid())
                    rowIds << reference.refTable << valueOf(reference.columns.first()).toString();
            node->values = identifyingValues(identifyingRow, rowIds);
        }
        if (visit.depth >= m_options.depth || graph.nodes.size() >= m_options.maxNodes) {
            graph.truncated = graph.truncated || graph.nodes.size() >= m_options.maxNodes;
            continue;
        }

        // Parents: the rows this one references.
        for (const ForeignKey &foreignKey : visit.table->foreignKeys) {
            QStringList values;
            bool hasNull = false;
            for (const QString &column : foreignKey.columns) {
                hasNull = hasNull || !valueOf(column).isValid();
                values << valueOf(column).toString();
            }
            if (hasNull)
                continue;
            const Table *parent = m_schema.findTable(foreignKey.refSchema, foreignKey.refTable);
            if (!parent)
                continue;
            const QString parentId = nodeId(*parent, values);
            addNode(graph,
                { parentId, parent->qualifiedName(), values, values.join(QLatin1Char(',')), false, 1, Presence::Both,
                    {} });
            graph.edges.append(
                { id, parentId, shortName(*visit.table) + QLatin1Char('.') + foreignKey.columns.join(QLatin1Char(',')),
                    1, -1, -1, Presence::Both });
            queue.push_back({ parent, foreignKey.refColumns, values, visit.depth + 1 });
        }
        expandChildren(graph, visit, id, *row, wanted, queue);
    }
    return graph;
}

void GraphBuilder::expandChildren(RelationGraph &graph, const Visit &visit, const QString &nodeId_,
    const QVariantList &row, const QStringList &wanted, std::vector<Visit> &queue)
{
    for (const auto &[child, reference] : m_schema.referencing(*visit.table)) {
        QStringList values;
        bool hasNull = false;
        for (const QString &column : reference->refColumns) {
            const QVariant value = row.at(wanted.indexOf(column));
            hasNull = hasNull || !value.isValid();
            values << value.toString();
        }
        if (hasNull)
            continue;
        const std::vector<std::string> parameters = toStd(values);
        const QString where = matchClause(reference->columns);
        pqxx::read_transaction transaction(m_session.connection());
        const qint64 total = pqxxcompat::execParamList(transaction,
            QStringLiteral("SELECT count(*) FROM %1 WHERE %2").arg(child->sqlName(), where).toStdString(),
            parameters)[0][0]
                                 .as<qint64>();
        if (total == 0)
            continue;

        // A link table holds a second foreign key to another table: show the rows at its far end.
        QList<const ForeignKey *> links;
        for (const ForeignKey &other : child->foreignKeys) {
            if (&other != reference && !(other.refSchema == child->schema && other.refTable == child->name))
                links << &other;
        }
        const QString childName = shortName(*child);
        if (links.isEmpty()) {
            const QString groupId = child->qualifiedName() + QLatin1Char(':')
                + reference->columns.join(QLatin1Char(',')) + QLatin1Char('=') + values.join(QLatin1Char(','));
            addNode(graph,
                { groupId, child->qualifiedName(), values, QStringLiteral("%L1 rows").arg(total), true, total,
                    Presence::Both, {} });
            graph.edges.append(
                { groupId, nodeId_, childName + QLatin1Char('.') + reference->columns.join(QLatin1Char(',')), total, -1,
                    -1, Presence::Both });
            continue;
        }
        for (const ForeignKey *link : links) {
            const Table *far = m_schema.findTable(link->refSchema, link->refTable);
            if (!far)
                continue;
            QStringList selected;
            QStringList notNull;
            for (const QString &column : link->columns) {
                selected << sql::quoteIdent(column) + QStringLiteral("::text");
                notNull << sql::quoteIdent(column) + QStringLiteral(" IS NOT NULL");
            }
            const QString query = QStringLiteral(
                "SELECT %1, count(*) FROM %2 WHERE %3 AND %4 GROUP BY %5 ORDER BY count(*) DESC, %5 LIMIT %6")
                                      .arg(selected.join(QStringLiteral(", ")), child->sqlName(), where,
                                          notNull.join(QStringLiteral(" AND ")), sql::quoteIdentList(link->columns),
                                          QString::number(m_options.fanout + 1));
            const pqxx::result groups = pqxxcompat::execParamList(transaction, query.toStdString(), parameters);
            const QString via
                = QStringLiteral("%1.%2→%3")
                      .arg(childName, reference->columns.join(QLatin1Char(',')), link->columns.join(QLatin1Char(',')));
            qint64 shown = 0;
            for (int i = 0; i < int(groups.size()) && i < m_options.fanout; ++i) {
                QStringList farKey;
                for (int c = 0; c < link->columns.size(); ++c)
                    farKey << QString::fromUtf8(groups[i][c].c_str());
                const qint64 count = groups[i][int(link->columns.size())].as<qint64>();
                shown += count;
                const QString farId = GraphBuilder::nodeId(*far, farKey);
                addNode(graph,
                    { farId, far->qualifiedName(), farKey, farKey.join(QLatin1Char(',')), false, 1, Presence::Both,
                        {} });
                graph.edges.append({ nodeId_, farId, via, count, -1, -1, Presence::Both });
                queue.push_back({ far, link->refColumns, farKey, visit.depth + 1 });
            }
            if (int(groups.size()) > m_options.fanout) {
                const qint64 linked = pqxxcompat::execParamList(transaction,
                    QStringLiteral("SELECT count(*) FROM %1 WHERE %2 AND %3")
                        .arg(child->sqlName(), where, notNull.join(QStringLiteral(" AND ")))
                        .toStdString(),
                    parameters)[0][0]
                                          .as<qint64>();
                const QString moreId = QStringLiteral("%1:more-%2-%3").arg(far->qualifiedName(), via, nodeId_);
                addNode(graph,
                    { moreId, far->qualifiedName(), {}, QStringLiteral("+%L1 more rows").arg(linked - shown), true,
                        linked - shown, Presence::Both, {} });
                graph.edges.append({ nodeId_, moreId, via, linked - shown, -1, -1, Presence::Both });
            }
        }
    }
}

} // namespace salvage
