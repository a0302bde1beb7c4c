#pragma once

#include "restore/closurebuilder.h"
#include "restore/restoreplan.h"

#include <QList>

namespace salvage {

class InsertOrder;
class LiveClassifier;
class MovedKeys;
class PgRaw;
class StagingArea;

/// The plan's statements in the order they run (the ordering step): the checks that LIVE still
/// holds what the plan saw, and the deferral of NOT NULL cycles; then per group of tables, parents
/// first, recreated rows, re-keyed moved copies and inserts (a NOT NULL cycle that cannot be
/// deferred as one statement); rows of tables without a row identity; foreign keys put back; the
/// deferred keys checked; sequences advanced past the restored values.
class PlanStatements
{
public:
    PlanStatements(const Schema &live, const PgRaw &session, const StagingArea &staging, const InsertOrder &insertOrder,
        const QList<ClosureBuilder::Edge> &edges, const MovedKeys &movedKeys, const LiveClassifier &classifier);

    /// The steps for the rows `plan.counts` says; `order` holds every staged table, those staged
    /// whole (`wholeRows`) last.
    QList<PlanStep> build(
        const RestorePlan &plan, const QList<const Table *> &order, const QList<const Table *> &wholeRows) const;

private:
    /// A step of `table`: the table, its staging and staged columns, its key.
    PlanStep stepFor(PlanStep::Kind kind, const Table *table, qint64 expectedRows) const;
    /// A row-writing step: keys to tables written later are written NULL and set afterwards.
    PlanStep writeStep(PlanStep::Kind kind, const Table *table, qint64 expectedRows) const;
    /// Per group of tables: recreate, re-key, insert; collects the keys to defer.
    QList<PlanStep> writes(const RestorePlan &plan, QStringList *deferred) const;
    QList<PlanStep> wholeRowInserts(const RestorePlan &plan, const QList<const Table *> &wholeRows) const;
    QList<PlanStep> checks(
        const RestorePlan &plan, const QList<const Table *> &order, const QList<const Table *> &wholeRows) const;
    QList<PlanStep> foreignKeys(const RestorePlan &plan, const QList<const Table *> &order) const;
    QList<PlanStep> sequences(const RestorePlan &plan, const QList<const Table *> &order) const;

    const Schema &m_schema;
    const PgRaw &m_session;
    const StagingArea &m_staging;
    const InsertOrder &m_insertOrder;
    const QList<ClosureBuilder::Edge> &m_edges;
    const MovedKeys &m_movedKeys;
    const LiveClassifier &m_classifier;
};

} // namespace salvage
