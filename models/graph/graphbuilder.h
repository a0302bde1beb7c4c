#pragma once

#include "db/schema.h"
#include "graph/relationgraph.h"

#include <QVariant>
#include <optional>
#include <vector>

namespace salvage {

class JobControl;
class PgSession;

/// Walks the foreign keys around one row of one database and returns the relationship graph:
/// the rows it references, the rows that reference it — through link tables (a table with a second
/// foreign key to another table, like follows) as rows of the far side, otherwise as one group node
/// with a count. Everything is introspected; each step is one indexed query, never a table scan
/// into the client.
class GraphBuilder
{
public:
    struct Options
    {
        int depth = 1; ///< how many steps from the root to expand
        int fanout = 25; ///< far-side rows shown per link table before "+N more"
        int maxNodes = 120;
    };

    GraphBuilder(PgSession &session, const Schema &schema, Options options);

    /// `table` as "schema.table" or a bare name; `key` the primary-key values as text.
    /// Returns an empty graph (no nodes) when the row does not exist in this database.
    RelationGraph build(const QString &table, const QStringList &key, JobControl *control = nullptr);

    /// "accounts:12" or "public.accounts:12" or "line_items:EU,42" → table and key values.
    static std::pair<QString, QStringList> parseRoot(const QString &root);
    static QString nodeId(const Table &table, const QStringList &key);
    /// The text column that names a row to people (one in a unique key first), or empty.
    static QString labelColumn(const Table &table);
    /// Columns whose values may name a row in a log line: integers, uuids, network addresses and text.
    static QStringList identifyingColumns(const Table &table);
    /// The non-NULL `values` (identifying columns' text) in the form a log would write them
    /// (LogKeyCandidates), after the row's ids `rowIds` (pairs of table and value) as "table:value".
    static QStringList identifyingValues(const QVariantList &values, const QStringList &rowIds = {});

private:
    struct Visit
    {
        const Table *table;
        QStringList keyColumns;
        QStringList keyValues;
        int depth;
    };
    /// The row's `wanted` columns as text, NULL as an invalid QVariant; nullopt when there is no such row.
    std::optional<QVariantList> fetchRow(
        const Table &table, const QStringList &keyColumns, const QStringList &keyValues, const QStringList &wanted);
    void addNode(RelationGraph &graph, const GraphNode &node);
    void expandChildren(RelationGraph &graph, const Visit &visit, const QString &nodeId, const QVariantList &row,
        const QStringList &wanted, std::vector<Visit> &queue);

    PgSession &m_session;
    const Schema &m_schema;
    Options m_options;
};

} // namespace salvage
