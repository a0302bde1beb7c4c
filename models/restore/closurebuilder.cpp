#include "restore/closurebuilder.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"
#include "restore/restoresql.h"
#include "restore/rootselection.h"

#include <QSet>

#include <algorithm>

namespace salvage {

QList<ClosureBuilder::Edge> ClosureBuilder::edgesOf(const Schema &schema, const QList<RestoreRelation> &relations)
{
    QList<Edge> edges;
    for (const Table &table : schema.tables) {
        for (const ForeignKey &key : table.foreignKeys) {
            const Table *parent = schema.findTable(key.refSchema, key.refTable);
            if (parent)
                edges.append({ &table, key.columns, parent, key.refColumns, &key });
        }
    }
    for (const RestoreRelation &relation : relations) {
        const Table *child = schema.findTable(relation.childTable);
        const Table *parent = schema.findTable(relation.parentTable);
        if (!child || !parent)
            throw Error(QStringLiteral("The declared relation %1 -> %2 names a table that does not exist.")
                            .arg(relation.childTable, relation.parentTable));
        const QStringList parentColumns
            = relation.parentColumns.isEmpty() ? parent->primaryKey : relation.parentColumns;
        if (parentColumns.size() != relation.columns.size())
            throw Error(QStringLiteral("The declared relation %1 -> %2 pairs a different number of columns.")
                            .arg(child->qualifiedName(), parent->qualifiedName()));
        edges.append({ child, relation.columns, parent, parentColumns });
    }
    return edges;
}

ClosureBuilder::ClosureBuilder(const Schema &schema, const PgRaw &backup, const QList<RestoreRelation> &relations)
    : m_schema(schema)
    , m_backup(backup)
    , m_edges(edgesOf(schema, relations))
{
}

void ClosureBuilder::createKeyTables()
{
    for (const Table &table : m_schema.tables) {
        if (table.primaryKey.isEmpty())
            continue;
        const QString keys = QStringLiteral("_salvage_k_%1").arg(m_keyTables.size() + 1);
        QStringList definitions;
        for (const QString &column : table.primaryKey)
            definitions << sql::quoteIdent(column) + QLatin1Char(' ') + table.column(column)->type;
        m_backup.exec(QStringLiteral("CREATE TEMP TABLE %1 (%2, \"_salvage_round\" integer NOT NULL, PRIMARY KEY (%3))")
                          .arg(sql::quoteIdent(keys), definitions.join(QStringLiteral(", ")),
                              sql::quoteIdentList(table.primaryKey)));
        m_backup.exec(
            QStringLiteral("CREATE TEMP TABLE %1 (%2)")
                .arg(sql::quoteIdent(keys + QStringLiteral("_scratch")), definitions.join(QStringLiteral(", "))));
        m_keyTables.insert(table.qualifiedName(), keys);
    }
}

QString ClosureBuilder::keyTable(const Table &table) const
{
    const auto found = m_keyTables.constFind(table.qualifiedName());
    if (found == m_keyTables.constEnd())
        throw Error(QStringLiteral("Table %1 has no primary key; Salvage cannot identify its rows for a restore.")
                        .arg(table.qualifiedName()));
    return *found;
}

QString ClosureBuilder::keySource(const Table &table) const
{
    const auto taken = m_takenWhole.constFind(table.qualifiedName());
    if (taken == m_takenWhole.constEnd())
        return sql::quoteIdent(keyTable(table));
    return QStringLiteral("(SELECT %1, %2 AS \"_salvage_round\" FROM %3)")
        .arg(sql::quoteIdentList(table.primaryKey), QString::number(*taken), table.sqlName());
}

QString ClosureBuilder::scratchTable(const Table &table) const
{
    return keyTable(table) + QStringLiteral("_scratch");
}

qint64 ClosureBuilder::addRoots(const Table &table, const QString &selectKeys)
{
    const QString keys = keyTable(table);
    const auto result
        = m_backup.exec(QStringLiteral("INSERT INTO %1 SELECT DISTINCT r.*, 0 FROM (%2) r ON CONFLICT DO NOTHING")
                            .arg(sql::quoteIdent(keys), selectKeys));
    const qint64 added = PgRaw::affected(result);
    m_added[table.qualifiedName()][0] += added;
    // Statistics make the first round hash-join the child table in its physical order: the keys
    // then go into the key table's index in order (a nested loop per root scatters them).
    m_backup.exec(QStringLiteral("ANALYZE %1").arg(sql::quoteIdent(keys)));
    return added;
}

qint64 ClosureBuilder::expandFrom(const QList<RootSelection> &roots, const PgRaw &live, JobControl *control)
{
    for (const RootSelection &root : roots)
        root.apply(m_schema, *this, m_backup, live);
    return expand(control);
}

qint64 ClosureBuilder::expand(JobControl *control)
{
    // A root table the roots hold whole (TABLE MISSING after everything was deleted) gains
    // nothing from an edge, and its children may be taken whole (takeWhole).
    for (const Table &table : m_schema.tables)
        if (m_added.value(table.qualifiedName()).value(0) > 0 && holdsWhole(table))
            m_whole.insert(table.qualifiedName());
    for (int round = 1;; ++round) {
        qint64 added = 0;
        QHash<QString, const Table *> grown;
        for (const Edge &edge : m_edges) {
            // Only the keys the parent gained in the last round can reach new rows; a table held
            // whole by the closure gains none (a self-reference's last round found nothing in a
            // million rows for a second).
            if (m_added.value(edge.parent->qualifiedName()).value(round - 1) == 0 || edge.child->primaryKey.isEmpty()
                || m_whole.contains(edge.child->qualifiedName()))
                continue;
            if (control)
                control->throwIfCancelled();
            if (const qint64 whole = takeWhole(edge, round); whole > 0) {
                added += whole;
                continue;
            }
            const QString parentKeys = keySource(*edge.parent);
            const QString childKeys = sql::quoteIdent(keyTable(*edge.child));
            // Referencing the parent's primary key: join the key table directly; otherwise via the parent rows.
            const bool byKey = edge.parentColumns == edge.parent->primaryKey;
            const QString from = byKey
                ? QStringLiteral("%1 c JOIN %2 k ON %3")
                      .arg(edge.child->sqlName(), parentKeys,
                          RestoreSql::equal(QStringLiteral("c"), edge.columns, QStringLiteral("k"), edge.parentColumns))
                : QStringLiteral("%1 c JOIN %2 p ON %3 JOIN %4 k ON %5")
                      .arg(edge.child->sqlName(), edge.parent->sqlName(),
                          RestoreSql::equal(QStringLiteral("c"), edge.columns, QStringLiteral("p"), edge.parentColumns),
                          parentKeys,
                          RestoreSql::equal(QStringLiteral("p"), edge.parent->primaryKey, QStringLiteral("k"),
                              edge.parent->primaryKey));
            // Keys already in the closure are left out by an anti-join. Through the parent's key a
            // child row joins at most one parent row, so nothing repeats and a plain insert does
            // (ON CONFLICT costs a speculative insertion per row); through other parent columns,
            // which a declared relation may not keep unique, ON CONFLICT DO NOTHING drops repeats.
            const auto result = m_backup.exec(
                QStringLiteral("INSERT INTO %1 SELECT %2, %3 FROM %4 WHERE k.\"_salvage_round\" = %5 "
                               "AND NOT EXISTS (SELECT 1 FROM %1 x WHERE %6)%7")
                    .arg(childKeys, RestoreSql::prefixed(QStringLiteral("c"), edge.child->primaryKey),
                        QString::number(round), from, QString::number(round - 1),
                        RestoreSql::equal(QStringLiteral("x"), QStringLiteral("c"), edge.child->primaryKey),
                        byKey ? QString() : QStringLiteral(" ON CONFLICT DO NOTHING")));
            const qint64 count = PgRaw::affected(result);
            m_added[edge.child->qualifiedName()][round] += count;
            added += count;
            if (count > 0)
                grown.insert(edge.child->qualifiedName(), edge.child);
        }
        if (added == 0)
            break;
        for (const Table *table : std::as_const(grown)) {
            if (m_takenWhole.contains(table->qualifiedName()))
                continue;
            m_backup.exec(QStringLiteral("ANALYZE %1").arg(sql::quoteIdent(keyTable(*table))));
            if (holdsWhole(*table))
                m_whole.insert(table->qualifiedName());
        }
    }
    qint64 total = 0;
    for (auto table = m_added.cbegin(); table != m_added.cend(); ++table)
        total += rowsOf(table.key());
    return total;
}

qint64 ClosureBuilder::takeWhole(const Edge &edge, int round)
{
    // Only where it is likely: the parent is whole and all of it came in the last round, the link
    // is its primary key and never NULL. Then every child row references a key of the last round
    // unless BACKUP holds orphans (a load with triggers disabled): one scan checks it, where
    // writing a million keys into the key table's index cost 1.5 s.
    const QString parent = edge.parent->qualifiedName();
    const QString child = edge.child->qualifiedName();
    const bool notNull = std::all_of(edge.columns.cbegin(), edge.columns.cend(), [&edge](const QString &column) {
        const Column *found = edge.child->column(column);
        return found && !found->nullable;
    });
    if (!m_whole.contains(parent) || m_added.value(parent).value(round - 1) != rowsOf(parent) || rowsOf(child) > 0
        || edge.parentColumns != edge.parent->primaryKey || !notNull)
        return 0;
    const auto counted = m_backup.exec(
        QStringLiteral("SELECT count(*), count(k.\"_salvage_round\") FROM %1 c LEFT JOIN %2 k ON %3 AND "
                       "k.\"_salvage_round\" = %4")
            .arg(edge.child->sqlName(), keySource(*edge.parent),
                RestoreSql::equal(QStringLiteral("c"), edge.columns, QStringLiteral("k"), edge.parentColumns),
                QString::number(round - 1)));
    const qint64 rows = PgRaw::value(counted, 0, 0).toLongLong();
    if (rows == 0 || PgRaw::value(counted, 0, 1).toLongLong() != rows)
        return 0;
    m_added[child][round] += rows;
    m_whole.insert(child);
    m_takenWhole.insert(child, round);
    return rows;
}

qint64 ClosureBuilder::rowsOf(const QString &table) const
{
    qint64 total = 0;
    for (qint64 count : m_added.value(table))
        total += count;
    return total;
}

bool ClosureBuilder::holdsWhole(const Table &table) const
{
    // Counted only when the statistics say the closure is close to the whole table: a count is a
    // scan of it, cheap next to a round's join, needless when the closure is a small part.
    const auto estimate = m_backup.exec(
        QStringLiteral("SELECT reltuples::bigint FROM pg_class WHERE oid = $1::regclass"), { table.sqlName() });
    const qint64 rows = rowsOf(table.qualifiedName());
    const qint64 estimated = PgRaw::value(estimate, 0, 0).toLongLong();
    if (estimated <= 0 || rows < estimated * 9 / 10)
        return false;
    const auto counted = m_backup.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table.sqlName()));
    return PgRaw::value(counted, 0, 0).toLongLong() == rows;
}

QList<const Table *> ClosureBuilder::tables() const
{
    QList<const Table *> result;
    for (const Table &table : m_schema.tables)
        if (rowsOf(table.qualifiedName()) > 0)
            result.append(&table);
    return result;
}

QString ClosureBuilder::reaches(const Edge &edge, const QString &alias) const
{
    return QStringLiteral("EXISTS (SELECT 1 FROM %1 p JOIN %2 k ON %3 WHERE %4)")
        .arg(edge.parent->sqlName(), keySource(*edge.parent),
            RestoreSql::equal(
                QStringLiteral("p"), edge.parent->primaryKey, QStringLiteral("k"), edge.parent->primaryKey),
            RestoreSql::equal(QStringLiteral("p"), edge.parentColumns, alias, edge.columns));
}

QString ClosureBuilder::unkeyedRows(const Table &table) const
{
    QStringList reached;
    for (const Edge &edge : m_edges)
        if (edge.child == &table && rowsOf(edge.parent->qualifiedName()) > 0)
            reached << reaches(edge, QStringLiteral("c"));
    return reached.isEmpty() ? QString() : reached.join(QStringLiteral(" OR "));
}

QStringList ClosureBuilder::unkeyedReach(const QStringList &handled) const
{
    QStringList notes;
    for (const Edge &edge : m_edges) {
        if (!edge.child->primaryKey.isEmpty() || rowsOf(edge.parent->qualifiedName()) == 0
            || handled.contains(edge.child->qualifiedName()))
            continue;
        const auto result = m_backup.exec(QStringLiteral("SELECT count(*) FROM %1 c WHERE %2")
                                              .arg(edge.child->sqlName(), reaches(edge, QStringLiteral("c"))));
        const qint64 count = PgRaw::value(result, 0, 0).toLongLong();
        if (count > 0)
            notes << QStringLiteral(
                "%1 backup rows of %2 reference the closure through %3 but are not restored: the table has "
                "neither a primary key nor a unique index on NOT NULL columns to tell its rows apart.")
                         .arg(count)
                         .arg(edge.child->qualifiedName(), edge.columns.join(QStringLiteral(", ")));
    }
    return notes;
}

QList<ClosureBuilder::Edge> ClosureBuilder::edgesFrom(const QList<Edge> &edges, const Table &child)
{
    QList<Edge> result;
    for (const Edge &edge : edges)
        if (edge.child->qualifiedName() == child.qualifiedName())
            result.append(edge);
    return result;
}

} // namespace salvage
