#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"

#include <QHash>
#include <QList>
#include <functional>
#include <list>

namespace salvage {

class PgRaw;
struct PlanSchemas;
struct RestorePlan;

/// The closure's backup rows on LIVE, where the plan compares them: one temporary table per table
/// of both databases with a row identity (or, numbered, without one: KeylessRows), filled from
/// BACKUP by COPY, and each row marked as differing from LIVE or not before any decision is taken.
class StagingArea
{
public:
    using Phase = std::function<void(const QString &status)>;

    StagingArea(const PlanSchemas &schemas, const PgRaw &live, const PgRaw &backup, Phase phase = {});
    StagingArea(const StagingArea &) = delete;
    StagingArea &operator=(const StagingArea &) = delete;

    /// Creates the staging tables; call while LIVE's transaction may still create temporary tables.
    void createTables();
    /// Copies the closure rows of each table of `closure` from BACKUP (roots flagged) and marks those
    /// LIVE does not hold as they are: `plan.differing`. Returns the tables staged, in closure order;
    /// tables missing from LIVE and row identities adopted go to the plan's warnings.
    QList<const Table *> stageClosure(const ClosureBuilder &closure, RestorePlan &plan);
    /// Tables without a row identity whose rows reference closure rows: staged whole; returns them.
    QList<const Table *> stageWholeRows(const ClosureBuilder &closure, RestorePlan &plan);

    /// "schema.table" → staging table name, of the tables staged so far.
    const QHash<QString, QString> &staged() const { return m_staged; }
    /// "schema.table" → staging table name, of every staging table created (staged or not).
    const QHash<QString, QString> &created() const { return m_created; }
    /// "schema.table" → its staged data columns (in both databases, not generated), in COPY order.
    const QHash<QString, QStringList> &columns() const { return m_columns; }
    /// Tables without any row identity (staged whole, numbered), by "schema.table".
    QStringList wholeRowTableNames() const { return m_keyless.keys(); }

private:
    /// Marks the `staged` rows that LIVE does not hold as they are (missing, or any column
    /// different); returns how many. The plan's buckets must add up to this.
    qint64 markDiffering(const Table &table, const QString &staging, const QStringList &columns, qint64 staged) const;
    void phase(const QString &status) const;
    /// The staged columns can travel from BACKUP to LIVE in COPY's binary format.
    static bool binaryCopyFits(const Table &live, const Table &backup, const QStringList &columns);

    const PlanSchemas &m_schemas;
    const PgRaw &m_live;
    const PgRaw &m_backup;
    Phase m_phase;
    std::list<Table> m_numbered; ///< numbered copies of tables without a row identity; a list keeps their addresses
    QHash<QString, const Table *> m_keyless;
    QHash<QString, QString> m_created;
    QHash<QString, QString> m_staged;
    QHash<QString, QStringList> m_columns;
};

} // namespace salvage
