#include "restore/planstatements.h"

#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/insertorder.h"
#include "restore/liveclassifier.h"
#include "restore/movedkeys.h"
#include "restore/rowaction.h"
#include "restore/stagingarea.h"

namespace salvage {

namespace {

PlanStep setConstraints(const QStringList &deferred, bool defer, const QString &description)
{
    PlanStep step;
    step.kind = PlanStep::Kind::SetConstraints;
    step.constraints = deferred;
    step.deferred = defer;
    step.expectedRows = -1;
    step.description = description;
    return step;
}

} // namespace

PlanStatements::PlanStatements(const Schema &live, const PgRaw &session, const StagingArea &staging,
    const InsertOrder &insertOrder, const QList<ClosureBuilder::Edge> &edges, const MovedKeys &movedKeys,
    const LiveClassifier &classifier)
    : m_schema(live)
    , m_session(session)
    , m_staging(staging)
    , m_insertOrder(insertOrder)
    , m_edges(edges)
    , m_movedKeys(movedKeys)
    , m_classifier(classifier)
{
}

QList<PlanStep> PlanStatements::build(
    const RestorePlan &plan, const QList<const Table *> &order, const QList<const Table *> &wholeRows) const
{
    // A cycle of NOT NULL keys is deferred for the run, or written in one statement.
    QStringList deferred;
    QList<PlanStep> steps = writes(plan, &deferred) + wholeRowInserts(plan, wholeRows);
    // Before any write: LIVE must still hold what the plan saw, or the run stops with nothing written.
    steps = checks(plan, order, wholeRows) + steps;
    if (!deferred.isEmpty())
        steps.prepend(setConstraints(deferred, true,
            QStringLiteral("defer the NOT NULL foreign keys of a cycle to the end of the run "
                           "(rows wait for their parents)")));
    steps << foreignKeys(plan, order);
    if (!deferred.isEmpty())
        steps.append(setConstraints(deferred, false,
            QStringLiteral("check the deferred foreign keys now, so that a violation names them "
                           "here rather than at COMMIT")));
    return steps << sequences(plan, order);
}

PlanStep PlanStatements::stepFor(PlanStep::Kind kind, const Table *table, qint64 expectedRows) const
{
    PlanStep step;
    step.kind = kind;
    step.table = table->qualifiedName();
    step.tableSql = table->sqlName();
    step.stagingName = m_staging.staged().value(table->qualifiedName());
    step.columns = m_staging.columns().value(table->qualifiedName());
    step.primaryKey = table->primaryKey;
    step.expectedRows = expectedRows;
    for (const QString &column : std::as_const(step.columns))
        step.overridingSystemValue = step.overridingSystemValue || table->column(column)->identity == QLatin1Char('a');
    return step;
}

PlanStep PlanStatements::writeStep(PlanStep::Kind kind, const Table *table, qint64 expectedRows) const
{
    PlanStep step = stepFor(kind, table, expectedRows);
    for (const ClosureBuilder::Edge &edge : m_edges) {
        if (edge.child != table || !m_insertOrder.setAfterInsert(edge))
            continue;
        for (const QString &column : edge.columns)
            if (table->column(column)->nullable && !step.nullColumns.contains(column))
                step.nullColumns << column;
    }
    return step;
}

QList<PlanStep> PlanStatements::writes(const RestorePlan &plan, QStringList *deferred) const
{
    QList<PlanStep> steps;
    for (const InsertOrder::Group &group : m_insertOrder.groups()) {
        QList<PlanStep> recreates;
        QList<PlanStep> rekeys;
        QList<PlanStep> inserts;
        for (const Table *table : group.tables) {
            const QMap<RowAction, qint64> counts = plan.counts.value(table->qualifiedName());
            if (const qint64 count = counts.value(RowAction::Recreate)) {
                PlanStep step = writeStep(PlanStep::Kind::Recreate, table, count);
                for (const ClosureBuilder::Edge &edge : m_edges)
                    if (edge.parent == table && edge.parentColumns == table->primaryKey && edge.columns.size() == 1)
                        step.children.append({ edge.child->sqlName(), edge.columns.first() });
                step.description = QStringLiteral(
                    "%1: give %2 recreated rows their original id and backup values, re-pointing their rows")
                                       .arg(table->qualifiedName(), QString::number(count));
                recreates.append(step);
            }
            if (const qint64 count = counts.value(RowAction::Rekey)) {
                // Before the inserts: rows that reference the re-keyed ones by their backup key may follow.
                PlanStep step = writeStep(PlanStep::Kind::Rekey, table, count);
                step.nullColumns.clear();
                for (const ClosureBuilder::Edge &edge : m_movedKeys.keyEdges(*table))
                    for (const QString &column : edge.columns)
                        if (!step.fkColumns.contains(column))
                            step.fkColumns << column;
                step.description
                    = QStringLiteral(
                        "%1: %2 rows re-keyed back from their new owner to their backup one (%3): moved copies, "
                        "their live key is not in BACKUP")
                          .arg(table->qualifiedName(), QString::number(count), m_movedKeys.describe(*table));
                rekeys.append(step);
            }
            if (const qint64 count = counts.value(RowAction::Insert)) {
                PlanStep step = writeStep(PlanStep::Kind::Insert, table, count);
                step.description = QStringLiteral("%1: insert %2 rows missing from live")
                                       .arg(table->qualifiedName(), QString::number(count));
                inserts.append(step);
            }
        }
        QList<PlanStep> written = recreates + rekeys + inserts;
        if (group.cycle == InsertOrder::Cycle::OneStatement) {
            for (qsizetype i = 0; i + 1 < written.size(); ++i)
                written[i].withNext = true;
        } else if (group.cycle == InsertOrder::Cycle::Deferred && !written.isEmpty()) {
            for (const ClosureBuilder::Edge &key : group.keys) {
                const QString name = sql::qualified(key.child->schema, key.foreignKey->name);
                if (!deferred->contains(name)) // two tables may name a key alike; SET CONSTRAINTS takes both
                    *deferred << name;
            }
        }
        steps << written;
    }
    return steps;
}

QList<PlanStep> PlanStatements::wholeRowInserts(const RestorePlan &plan, const QList<const Table *> &wholeRows) const
{
    QList<PlanStep> steps;
    for (const Table *table : wholeRows) {
        const qint64 count = plan.counts.value(table->qualifiedName()).value(RowAction::Insert);
        if (count == 0)
            continue;
        PlanStep step = stepFor(PlanStep::Kind::Insert, table, count);
        step.description
            = QStringLiteral("%1: insert %2 rows missing from live (whole rows: the table has no row identity)")
                  .arg(table->qualifiedName(), QString::number(count));
        steps << step;
    }
    return steps;
}

QList<PlanStep> PlanStatements::checks(
    const RestorePlan &plan, const QList<const Table *> &order, const QList<const Table *> &wholeRows) const
{
    QList<PlanStep> steps;
    for (const Table *table : order) {
        const qint64 rows = plan.rowsWritten(table->qualifiedName());
        if (rows == 0 || wholeRows.contains(table)) // whole rows: no key to check, a duplicate is welcome
            continue;
        PlanStep step = stepFor(PlanStep::Kind::CheckUnchanged, table, -1);
        step.overridingSystemValue = false;
        if (plan.counts.value(table->qualifiedName()).value(RowAction::Rekey) > 0)
            step.fkColumns = MovedKeys::liveKeyColumns(table->primaryKey);
        step.description = QStringLiteral(
            "%1: check that LIVE still holds what the plan saw (%2 rows to change, keys to insert still free)")
                               .arg(table->qualifiedName(), QString::number(rows));
        steps.append(step);
    }
    return steps;
}

QList<PlanStep> PlanStatements::foreignKeys(const RestorePlan &plan, const QList<const Table *> &order) const
{
    QList<PlanStep> steps;
    for (const Table *table : order) {
        const QMap<RowAction, qint64> counts = plan.counts.value(table->qualifiedName());
        for (const ClosureBuilder::Edge &edge : m_edges) {
            if (edge.child != table)
                continue;
            // Only re-pointed rows, and inserted or recreated ones when the key is set after the
            // insert, have their key set: with none of them (the counts say) there is nothing to count.
            const bool backEdge = m_insertOrder.setAfterInsert(edge);
            if (counts.value(RowAction::Repoint) == 0
                && (!backEdge || counts.value(RowAction::Insert) + counts.value(RowAction::Recreate) == 0))
                continue;
            const qint64 count = m_classifier.foreignKeyUpdates(edge, backEdge);
            if (count == 0)
                continue;
            PlanStep step;
            step.kind = PlanStep::Kind::RestoreForeignKey;
            step.table = table->qualifiedName();
            step.tableSql = table->sqlName();
            step.stagingName = m_staging.staged().value(table->qualifiedName());
            step.primaryKey = table->primaryKey;
            step.fkColumns = edge.columns;
            step.parentSql = edge.parent->sqlName();
            step.parentColumns = edge.parentColumns;
            step.expectedRows = count;
            step.description = QStringLiteral("%1: put %2 back to its backup value (-> %3) in %4 rows")
                                   .arg(table->qualifiedName(), edge.columns.join(QLatin1Char(',')),
                                       edge.parent->qualifiedName(), QString::number(count));
            steps.append(step);
        }
    }
    return steps;
}

QList<PlanStep> PlanStatements::sequences(const RestorePlan &plan, const QList<const Table *> &order) const
{
    QList<PlanStep> steps;
    for (const Table *table : order) {
        const QMap<RowAction, qint64> counts = plan.counts.value(table->qualifiedName());
        if (counts.value(RowAction::Insert) + counts.value(RowAction::Recreate) == 0)
            continue;
        for (const Sequence &sequence : m_schema.sequences) {
            if (sequence.ownerSchema != table->schema || sequence.ownerTable != table->name
                || sequence.ownerColumn.isEmpty())
                continue;
            const QString column = sql::quoteIdent(sequence.ownerColumn);
            // The greater of two maxima, each read off an index when there is one (the key, usually),
            // rather than one over the union of both tables.
            const auto needed = m_session.exec(
                QStringLiteral("SELECT count(*) FROM (SELECT greatest((SELECT max(%1) FROM %2), "
                               "(SELECT max(%1) FROM %3 WHERE %4)) AS m) x, %5 q WHERE x.m > q.last_value")
                    .arg(column, table->sqlName(), sql::quoteIdent(m_staging.staged().value(table->qualifiedName())),
                        rowActionIn(QString(), { RowAction::Insert, RowAction::Recreate }),
                        sql::qualified(sequence.schema, sequence.name)));
            PlanStep step;
            step.kind = PlanStep::Kind::AdvanceSequence;
            step.table = table->qualifiedName();
            step.tableSql = table->sqlName();
            step.sequenceSql = sql::qualified(sequence.schema, sequence.name);
            step.column = sequence.ownerColumn;
            step.expectedRows = PgRaw::value(needed, 0, 0).toLongLong();
            step.description = QStringLiteral("%1: advance sequence %2 past the restored %3 values")
                                   .arg(table->qualifiedName(), sequence.qualifiedName(), sequence.ownerColumn);
            steps.append(step);
        }
    }
    return steps;
}

} // namespace salvage
