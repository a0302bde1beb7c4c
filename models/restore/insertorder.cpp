#include "restore/insertorder.h"

#include <QSet>
#include <algorithm>
#include <functional>

namespace salvage {

namespace {

/// Deferring is enough when undo, deleting in reverse order, meets only checks that wait too:
/// RESTRICT, SET NULL and SET DEFAULT act at once even on a deferred key.
bool deferrable(const ClosureBuilder::Edge &edge)
{
    const ForeignKey &key = *edge.foreignKey;
    return key.deferrable && (key.onDelete == FkAction::NoAction || key.onDelete == FkAction::Cascade);
}

} // namespace

bool InsertOrder::isNotNull(const ClosureBuilder::Edge &edge)
{
    if (!edge.foreignKey || edge.parent == edge.child)
        return false;
    for (const QString &name : edge.columns) {
        const Column *column = edge.child->column(name);
        if (!column || column->nullable)
            return false;
    }
    return true;
}

InsertOrder::InsertOrder(const QList<const Table *> &tables, const QList<ClosureBuilder::Edge> &edges)
{
    QHash<const Table *, int> input;
    for (const Table *table : tables)
        input.insert(table, int(input.size()));
    QList<ClosureBuilder::Edge> links; // between two different tables of the plan
    for (const ClosureBuilder::Edge &edge : edges)
        if (edge.child != edge.parent && input.contains(edge.child) && input.contains(edge.parent))
            links << edge;

    // Groups: tables strongly connected through NOT NULL keys (Tarjan).
    QList<QList<const Table *>> members;
    QHash<const Table *, int> groupOf;
    {
        QHash<const Table *, int> index;
        QHash<const Table *, int> low;
        QList<const Table *> stack;
        std::function<void(const Table *)> connect = [&](const Table *table) {
            index[table] = low[table] = int(index.size());
            stack << table;
            for (const ClosureBuilder::Edge &link : std::as_const(links)) {
                if (link.child != table || !isNotNull(link))
                    continue;
                if (!index.contains(link.parent)) {
                    connect(link.parent);
                    low[table] = std::min(low[table], low[link.parent]);
                } else if (stack.contains(link.parent)) {
                    low[table] = std::min(low[table], index[link.parent]);
                }
            }
            if (low[table] != index[table])
                return;
            QList<const Table *> group;
            const Table *member = nullptr;
            do {
                member = stack.takeLast();
                group << member;
                groupOf.insert(member, int(members.size()));
            } while (member != table);
            std::sort(group.begin(), group.end(), [&](const Table *a, const Table *b) { return input[a] < input[b]; });
            members << group;
        };
        for (const Table *table : tables)
            if (!index.contains(table))
                connect(table);
    }

    // Groups a group needs before it through NOT NULL keys (the groups form no cycle over them).
    QList<QSet<int>> needs(members.size());
    QList<bool> known(members.size(), false);
    std::function<const QSet<int> &(int)> needed = [&](int group) -> const QSet<int> & {
        if (!known[group]) {
            known[group] = true;
            for (const ClosureBuilder::Edge &link : std::as_const(links)) {
                const int parent = groupOf[link.parent];
                if (groupOf[link.child] != group || parent == group || !isNotNull(link))
                    continue;
                needs[group].insert(parent);
                needs[group].unite(needed(parent));
            }
        }
        return needs[group];
    };

    // Parents first, NOT NULL keys before nullable ones. A nullable key is not followed to a parent
    // that needs a group being placed: that would put a NOT NULL key's parent after its child.
    QSet<int> done;
    QSet<int> visiting;
    std::function<void(int)> visit = [&](int group) {
        if (done.contains(group) || visiting.contains(group))
            return;
        visiting.insert(group);
        for (const bool notNull : { true, false }) {
            for (const ClosureBuilder::Edge &link : std::as_const(links)) {
                const int parent = groupOf[link.parent];
                if (groupOf[link.child] != group || parent == group || isNotNull(link) != notNull)
                    continue;
                if (!notNull) {
                    bool blocked = visiting.contains(parent);
                    for (const int other : needed(parent))
                        blocked = blocked || visiting.contains(other);
                    if (blocked)
                        continue; // left for later: this key is inserted NULL and set afterwards
                }
                visit(parent);
            }
        }
        visiting.remove(group);
        done.insert(group);
        Group placed;
        placed.tables = members.at(group);
        for (const ClosureBuilder::Edge &link : std::as_const(links))
            if (groupOf[link.child] == group && groupOf[link.parent] == group && isNotNull(link))
                placed.keys << link;
        if (placed.tables.size() > 1)
            placed.cycle = std::all_of(placed.keys.cbegin(), placed.keys.cend(), deferrable) ? Cycle::Deferred
                                                                                             : Cycle::OneStatement;
        for (const Table *table : std::as_const(placed.tables))
            m_position.insert(table, int(m_position.size()));
        m_groups << placed;
    };
    for (const Table *table : tables)
        visit(groupOf[table]);
}

QList<const Table *> InsertOrder::tables() const
{
    QList<const Table *> result;
    for (const Group &group : m_groups)
        result << group.tables;
    return result;
}

bool InsertOrder::setAfterInsert(const ClosureBuilder::Edge &edge) const
{
    if (edge.parent == edge.child || !m_position.contains(edge.parent) || !m_position.contains(edge.child)
        || m_position.value(edge.parent) < m_position.value(edge.child))
        return false;
    return std::any_of(edge.columns.cbegin(), edge.columns.cend(), [&](const QString &name) {
        const Column *column = edge.child->column(name);
        return column && column->nullable;
    });
}

} // namespace salvage
