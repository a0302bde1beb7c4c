#pragma once

#include "db/schema.h"
#include "restore/restoreplan.h"

#include <QHash>
#include <QList>
#include <QSet>

namespace salvage {

class JobControl;
class PgRaw;
struct RootSelection;

/// The closure of chosen root rows over foreign keys (and declared relations), followed downward
/// through BACKUP: rows referencing a root, rows referencing those, … Computed set-wise in
/// temporary key tables on the backup session (inside its read-only transaction), to a fixed point.
class ClosureBuilder
{
public:
    /// A child→parent link the closure follows downward.
    struct Edge
    {
        const Table *child = nullptr;
        QStringList columns;
        const Table *parent = nullptr;
        QStringList parentColumns;
        const ForeignKey *foreignKey = nullptr; ///< none for a declared relation
    };

    ClosureBuilder(const Schema &schema, const PgRaw &backup, const QList<RestoreRelation> &relations);

    /// Creates the temporary key tables (closure keys with a round, and a scratch list) of every
    /// table with a primary key; call while the transaction may still create temporary tables.
    void createKeyTables();
    /// SQL (a quoted table or a subquery) of the closure keys of `table`: its primary key columns
    /// and "_salvage_round". A table the closure took whole in one round (takeWhole) has no key
    /// rows: its keys are read from the table itself.
    QString keySource(const Table &table) const;
    /// A scratch temporary table with the primary key columns of `table`, for keys handed in as data.
    QString scratchTable(const Table &table) const;
    /// Adds root rows: `selectKeys` must select the table's primary key columns.
    qint64 addRoots(const Table &table, const QString &selectKeys);
    /// Follows the edges until no new row joins; returns the closure size.
    qint64 expand(JobControl *control);
    /// The plan's closure step: adds the rows each root selects (`live` answers TABLE MISSING), then
    /// expands; returns the closure size.
    qint64 expandFrom(const QList<RootSelection> &roots, const PgRaw &live, JobControl *control);

    QList<const Table *> tables() const; ///< tables with at least one closure row, schema order
    /// One line per link into a table without a row identity whose backup rows reference closure
    /// rows, but for the tables in `handled` (restored by whole rows, KeylessRows).
    QStringList unkeyedReach(const QStringList &handled = {}) const;
    /// SQL condition on alias c: a row of `table` (without a row identity) references a closure row;
    /// empty when no link of it reaches the closure.
    QString unkeyedRows(const Table &table) const;
    qint64 rows(const Table &table) const { return rowsOf(table.qualifiedName()); }
    /// Every row of `table` in BACKUP is in the closure, and none of them is a root: its rows
    /// are the whole table, with no key table to join.
    bool wholeWithoutRoots(const Table &table) const
    {
        return m_whole.contains(table.qualifiedName()) && m_added.value(table.qualifiedName()).value(0) == 0;
    }
    const QList<Edge> &edges() const { return m_edges; }

    /// Every link between two tables: foreign keys plus resolved declared relations.
    static QList<Edge> edgesOf(const Schema &schema, const QList<RestoreRelation> &relations);
    /// The links of `edges` whose child is `child`.
    static QList<Edge> edgesFrom(const QList<Edge> &edges, const Table &child);

private:
    /// The temporary table holding closure keys of `table` (primary key columns and a round).
    QString keyTable(const Table &table) const;
    /// In `round`, `edge` reaches every BACKUP row of its child, which held none yet: the closure
    /// takes the table whole without writing its keys; returns its rows (0: not taken, follow as usual).
    qint64 takeWhole(const Edge &edge, int round);
    /// SQL condition on `alias`: its `edge` columns reference a closure row of the edge's parent.
    QString reaches(const Edge &edge, const QString &alias) const;
    /// Every row of `table` in BACKUP is in the closure: no edge can add one.
    bool holdsWhole(const Table &table) const;

    const Schema &m_schema;
    const PgRaw &m_backup;
    QList<Edge> m_edges;
    QHash<QString, QString> m_keyTables;
    QHash<QString, QHash<int, qint64>> m_added; ///< keys each table gained, per round (roots: round 0)
    QSet<QString> m_whole; ///< tables whose every BACKUP row is in the closure
    QHash<QString, int> m_takenWhole; ///< tables taken whole without key rows (takeWhole): the round

    qint64 rowsOf(const QString &table) const; ///< keys `table` gained in every round
};

} // namespace salvage
