#include "graphoverlay.h"

#include "core/error.h"
#include "db/arrayliteral.h"
#include "db/pgsession.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "graph/graphbuilder.h"
#include "jobs/jobcontrol.h"

#include <QHash>
#include <QLocale>
#include <QMap>
#include <QSet>
#include <pqxx/transaction>

namespace salvage {

namespace {

QString edgeKey(const GraphEdge &edge)
{
    return edge.from + QChar(0x1f) + edge.to + QChar(0x1f) + edge.via;
}

constexpr int kMaxMovedKeys = 2'000'000;

void appendNew(QStringList &to, const QStringList &values)
{
    for (const QString &value : values)
        if (!to.contains(value))
            to << value;
}

} // namespace

RelationGraph GraphOverlay::merge(const RelationGraph &backup, const RelationGraph &live)
{
    RelationGraph merged;
    merged.root = live.root.isEmpty() ? backup.root : live.root;
    merged.truncated = backup.truncated || live.truncated;
    for (const GraphNode &node : backup.nodes) {
        GraphNode copy = node;
        copy.presence = live.node(node.id) ? Presence::Both : Presence::OnlyBackup;
        merged.nodes.append(copy);
    }
    for (const GraphNode &node : live.nodes) {
        if (GraphNode *existing = merged.node(node.id)) {
            existing->rows = node.rows; // LIVE's count, BACKUP's kept on the edges
            if (!node.label.isEmpty() && existing->label == existing->key.join(QLatin1Char(',')))
                existing->label = node.label;
            // Both sides' values: a row changed since the backup may appear in the logs under either.
            appendNew(existing->values, node.values);
            continue;
        }
        GraphNode copy = node;
        copy.presence = Presence::OnlyLive;
        merged.nodes.append(copy);
    }
    QHash<QString, qsizetype> edges;
    for (const GraphEdge &edge : backup.edges) {
        GraphEdge copy = edge;
        copy.backupCount = edge.count;
        copy.liveCount = 0;
        copy.presence = Presence::OnlyBackup;
        edges.insert(edgeKey(copy), merged.edges.size());
        merged.edges.append(copy);
    }
    for (const GraphEdge &edge : live.edges) {
        const auto found = edges.constFind(edgeKey(edge));
        if (found != edges.constEnd()) {
            GraphEdge &existing = merged.edges[*found];
            existing.liveCount = edge.count;
            existing.count = edge.count;
            existing.presence = Presence::Both;
            continue;
        }
        GraphEdge copy = edge;
        copy.backupCount = 0;
        copy.liveCount = edge.count;
        copy.presence = Presence::OnlyLive;
        merged.edges.append(copy);
    }
    // Group nodes whose edge vanished on one side follow their edge.
    for (GraphNode &node : merged.nodes) {
        if (!node.group)
            continue;
        for (const GraphEdge &edge : std::as_const(merged.edges)) {
            if (edge.from == node.id || edge.to == node.id)
                node.presence = edge.presence;
        }
    }
    return merged;
}

void GraphOverlay::addMoves(RelationGraph &graph, PgSession &backup, PgSession &live, const Schema &schema,
    const QString &tableName, const QStringList &key, int limit, JobControl *control)
{
    const Table *root = schema.findTable(tableName);
    if (!root || root->primaryKey.size() != 1 || key.size() != 1)
        return; // moves are summed over single-column keys
    const QString rootId = GraphBuilder::nodeId(*root, key);
    if (!graph.node(rootId))
        graph.nodes.append({ rootId, root->qualifiedName(), key, key.first(), false, 1, Presence::Both, {} });

    // One edge per other row and direction, summing every foreign key that moved: a merge of 198
    // accounts is 198 edges, each saying what moved ("statuses.account_id ×88, follows.account_id ×3").
    struct Moved
    {
        qint64 rows = 0;
        QStringList parts;
    };
    QMap<QPair<bool, QString>, Moved> moved; // (moved in?, other row's key) → what moved
    QMap<bool, QPair<qint64, QSet<QString>>> beyond; // rows and owners past the limit, per direction

    for (const auto &[child, reference] : schema.referencing(*root)) {
        if (control)
            control->throwIfCancelled();
        if (reference->columns.size() != 1 || child->primaryKey.isEmpty() || reference->refColumns != root->primaryKey)
            continue;
        // The child's key travels as JSON arrays, so that composite keys of any types work alike.
        const QString childKey
            = QStringLiteral("jsonb_build_array(%1)::text").arg(sql::quoteIdentList(child->primaryKey));
        QStringList elements;
        for (int i = 0; i < child->primaryKey.size(); ++i)
            elements << QStringLiteral("(e->>%1)::%2").arg(i).arg(child->column(child->primaryKey.at(i))->type);
        const QString pointer = sql::quoteIdent(reference->columns.first());
        const QString childName = child->schema == QLatin1String("public") ? child->name : child->qualifiedName();
        const QString via = QStringLiteral("%1.%2").arg(childName, reference->columns.first());

        // in: the root's rows now; where did they point before? out: the root's rows before; where now?
        for (const bool movedIn : { true, false }) {
            PgSession &here = movedIn ? live : backup;
            PgSession &there = movedIn ? backup : live;
            QStringList keys;
            {
                pqxx::read_transaction transaction(here.connection());
                const pqxx::result rows = pqxxcompat::execParams(transaction,
                    QStringLiteral("SELECT %1 FROM %2 WHERE %3 = $1 LIMIT %4")
                        .arg(childKey, child->sqlName(), pointer, QString::number(kMaxMovedKeys))
                        .toStdString(),
                    key.first().toStdString());
                keys.reserve(qsizetype(rows.size()));
                for (const auto &row : rows)
                    keys << QString::fromUtf8(row[0].c_str());
            }
            if (keys.isEmpty())
                continue;
            pqxx::read_transaction transaction(there.connection());
            const pqxx::result owners = pqxxcompat::execParams(transaction,
                QStringLiteral("SELECT %1::text, count(*) FROM %2 WHERE (%3) IN (SELECT %4 FROM "
                               "jsonb_array_elements($1::jsonb) e) "
                               "AND %1 IS NOT NULL AND %1 IS DISTINCT FROM $2 GROUP BY %1 ORDER BY count(*) DESC, %1")
                    .arg(pointer, child->sqlName(), sql::quoteIdentList(child->primaryKey),
                        elements.join(QStringLiteral(", ")))
                    .toStdString(),
                QString(QLatin1Char('[') + keys.join(QLatin1Char(',')) + QLatin1Char(']')).toStdString(),
                key.first().toStdString());
            for (int i = 0; i < int(owners.size()); ++i) {
                const QString owner = QString::fromUtf8(owners[i][0].c_str());
                const qint64 count = owners[i][1].as<qint64>();
                Moved &entry = moved[{ movedIn, owner }];
                entry.rows += count;
                entry.parts << QStringLiteral("%1 ×%2").arg(via, QLocale().toString(count));
            }
        }
    }

    // The owners that lost (or gained) the most rows get nodes; the rest share one node per direction.
    QList<QPair<QPair<bool, QString>, Moved>> ranked;
    for (auto it = moved.cbegin(); it != moved.cend(); ++it)
        ranked.append({ it.key(), it.value() });
    std::stable_sort(
        ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.second.rows > b.second.rows; });
    int shown = 0;
    for (const auto &[where, entry] : std::as_const(ranked)) {
        const auto &[movedIn, owner] = where;
        if (shown >= limit) {
            beyond[movedIn].first += entry.rows;
            beyond[movedIn].second.insert(owner);
            continue;
        }
        ++shown;
        const QString ownerId = GraphBuilder::nodeId(*root, { owner });
        if (!graph.node(ownerId))
            graph.nodes.append({ ownerId, root->qualifiedName(), { owner }, owner, false, 1, Presence::Both, {} });
        graph.edges.append({ movedIn ? ownerId : rootId, movedIn ? rootId : ownerId,
            QStringLiteral("moved: ") + entry.parts.join(QStringLiteral(", ")), entry.rows, movedIn ? entry.rows : 0,
            movedIn ? 0 : entry.rows, Presence::Moved });
    }
    for (auto it = beyond.cbegin(); it != beyond.cend(); ++it) {
        const bool movedIn = it.key();
        const QString moreId = QStringLiteral("%1:moved-%2")
                                   .arg(root->qualifiedName(), movedIn ? QStringLiteral("in") : QStringLiteral("out"));
        graph.nodes.append(
            { moreId, root->qualifiedName(), {}, QStringLiteral("%L1 more rows").arg(it.value().second.size()), true,
                it.value().second.size(), Presence::Moved, {} });
        graph.edges.append({ movedIn ? moreId : rootId, movedIn ? rootId : moreId, QStringLiteral("moved"),
            it.value().first, -1, -1, Presence::Moved });
    }

    // Which of the row nodes still exist in LIVE and BACKUP, one query per side and table.
    QHash<QString, QStringList> keysByTable;
    for (const GraphNode &node : std::as_const(graph.nodes)) {
        if (!node.group && node.key.size() == 1)
            keysByTable[node.table] << node.key.first();
    }
    for (auto it = keysByTable.cbegin(); it != keysByTable.cend(); ++it) {
        const Table *table = schema.findTable(it.key());
        if (!table || table->primaryKey.size() != 1)
            continue;
        const QString pk = sql::quoteIdent(table->primaryKey.first());
        const QString type = table->column(table->primaryKey.first())->type;
        const QString labelColumn = GraphBuilder::labelColumn(*table);
        const QString label
            = labelColumn.isEmpty() ? QStringLiteral("NULL") : sql::quoteIdent(labelColumn) + QStringLiteral("::text");
        const QStringList identifying = GraphBuilder::identifyingColumns(*table);
        QString identifyingList;
        for (const QString &column : identifying)
            identifyingList += QStringLiteral(", ") + sql::quoteIdent(column) + QStringLiteral("::text");
        struct Found
        {
            QString name;
            QStringList values;
        };
        // key → label (or a null QString) and the log-key values of the rows that exist on a side
        auto present = [&](PgSession &session) {
            QHash<QString, Found> found;
            pqxx::read_transaction transaction(session.connection());
            const pqxx::result rows = pqxxcompat::execParams(transaction,
                QStringLiteral("SELECT %1::text, %4%5 FROM %2 WHERE %1 = ANY($1::%3[])")
                    .arg(pk, table->sqlName(), type, label, identifyingList)
                    .toStdString(),
                arrayLiteral(it.value()).toStdString());
            for (const auto &row : rows) {
                QVariantList values;
                for (int c = 0; c < identifying.size(); ++c)
                    values << (row[2 + c].is_null() ? QVariant() : QVariant(QString::fromUtf8(row[2 + c].c_str())));
                found.insert(QString::fromUtf8(row[0].c_str()),
                    { row[1].is_null() ? QString() : QString::fromUtf8(row[1].c_str()),
                        GraphBuilder::identifyingValues(values, { table->name, QString::fromUtf8(row[0].c_str()) }) });
            }
            return found;
        };
        const QHash<QString, Found> inBackup = present(backup);
        const QHash<QString, Found> inLive = present(live);
        for (GraphNode &node : graph.nodes) {
            if (node.table != it.key() || node.group || node.key.size() != 1)
                continue;
            const QString &rowKey = node.key.first();
            const bool b = inBackup.contains(rowKey);
            const bool l = inLive.contains(rowKey);
            node.presence = b && l ? Presence::Both : b ? Presence::OnlyBackup : l ? Presence::OnlyLive : node.presence;
            const QString name = l ? inLive.value(rowKey).name : inBackup.value(rowKey).name;
            if (node.label == rowKey && !name.isEmpty())
                node.label = name;
            appendNew(node.values, inBackup.value(rowKey).values + inLive.value(rowKey).values);
        }
    }
}

} // namespace salvage
