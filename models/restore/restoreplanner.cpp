#include "restore/restoreplanner.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"
#include "restore/closurebuilder.h"
#include "restore/countercaches.h"
#include "restore/declaredrules.h"
#include "restore/declareduniques.h"
#include "restore/insertorder.h"
#include "restore/keylessrows.h"
#include "restore/liveclassifier.h"
#include "restore/movedkeys.h"
#include "restore/restoresql.h"
#include "restore/rowidentity.h"
#include "restore/unknownowners.h"

#include <list>

namespace salvage {

namespace {

const QString kAction = rowActionColumn();

QString keyOrder(const QStringList &primaryKey)
{
    return sql::quoteIdentList(primaryKey);
}

bool policyChosen(const RestoreRequest &request, const Table &table)
{
    return request.policies.contains(table.qualifiedName()) || request.policies.contains(table.name);
}

RestorePolicy policyFor(const RestoreRequest &request, const Table &table, const QList<ClosureBuilder::Edge> &edges)
{
    for (auto it = request.policies.constBegin(); it != request.policies.constEnd(); ++it)
        if (it.key() == table.qualifiedName() || it.key() == table.name)
            return it.value();
    // A table other rows point at holds entities worth their original id; a leaf row taken by a
    // newer live row (a re-made follow) is simply the newer version of it.
    for (const ClosureBuilder::Edge &edge : edges)
        if (edge.parent == &table && edge.child != &table)
            return RestorePolicy::Restore;
    return RestorePolicy::Skip;
}

/// Marks the staged rows that LIVE does not hold as they are (missing, or any column different),
/// before any decision touches the staging; returns how many. The buckets must add up to this.
qint64 markDiffering(const PgRaw &live, const Table &table, const QString &staging, const QStringList &columns)
{
    const QString s = sql::quoteIdent(staging);
    live.exec(
        QStringLiteral("UPDATE %1 s SET \"_salvage_differs\" = NOT EXISTS (SELECT 1 FROM %2 l WHERE %3 AND "
                       "ROW(%4)::text = ROW(%5)::text)")
            .arg(s, table.sqlName(), RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l"), table.primaryKey),
                RestoreSql::prefixed(QStringLiteral("l"), columns),
                RestoreSql::prefixed(QStringLiteral("s"), columns)));
    return PgRaw::value(live.exec(QStringLiteral("SELECT count(*) FROM %1 WHERE \"_salvage_differs\"").arg(s)), 0, 0)
        .toLongLong();
}

/// A staging row's action as PostgreSQL returns it.
RowAction actionOf(const QString &text)
{
    RowAction action;
    if (!parseRowAction(text, &action))
        throw Error(QStringLiteral("The restore plan found a staged row with an unknown action \"%1\".").arg(text));
    return action;
}

/// Records, for every row a statement will change in live (put back, re-keyed, recreated), a
/// digest of the live row as the plan saw it: a run checks it first and stops if LIVE changed since.
void markSeen(const PgRaw &live, const Table &table, const QString &s, const QStringList &columns)
{
    const QStringList &pk = table.primaryKey;
    const QString digest = QStringLiteral("md5(ROW(%1)::text)").arg(RestoreSql::prefixed(QStringLiteral("l"), columns));
    const QString assign = QStringLiteral("UPDATE %1 s SET \"_salvage_seen\" = %2 FROM %3 l WHERE %4 AND %5");
    live.exec(assign.arg(s, digest, table.sqlName(), rowActionIs(QStringLiteral("s"), RowAction::Repoint),
        RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l"), pk)));
    live.exec(assign.arg(s, digest, table.sqlName(), rowActionIs(QStringLiteral("s"), RowAction::Rekey),
        RestoreSql::equal(QStringLiteral("s"), MovedKeys::liveKeyColumns(pk), QStringLiteral("l"), pk)));
    if (pk.size() == 1)
        live.exec(assign.arg(s, digest, table.sqlName(), rowActionIs(QStringLiteral("s"), RowAction::Recreate),
            QStringLiteral("s.\"_salvage_live\" = l.%1").arg(sql::quoteIdent(pk.first()))));
}

class Transaction
{
public:
    explicit Transaction(const PgRaw &session)
        : m_session(session)
    {
        RestoreSql::widenTempBuffers(m_session); // the closure and the staging are temporary tables
        // Temporary tables need a transaction that may create them; it turns read-only right after.
        m_session.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ WRITE"));
    }
    ~Transaction()
    {
        try {
            m_session.exec(QStringLiteral("ROLLBACK"));
        } catch (...) {
        }
    }
    void readOnly() const { m_session.exec(QStringLiteral("SET TRANSACTION READ ONLY")); }

private:
    const PgRaw &m_session;
};

} // namespace

bool RestoreRequest::restoresDeleted(const Table &table) const
{
    return restoreDeleted.contains(QStringLiteral("*")) || restoreDeleted.contains(table.qualifiedName())
        || restoreDeleted.contains(table.name);
}

RestorePlan RestorePlanner::plan(const RestoreRequest &request, JobControl *control)
{
    if (request.roots.isEmpty())
        throw Error(QStringLiteral("A restore plan needs at least one root."));
    const auto phase = [control](const QString &status) {
        if (control) {
            control->throwIfCancelled();
            control->setProgress(0, -1, status);
        }
    };
    phase(QStringLiteral("reading both schemas"));
    Schema backupSchema = SchemaReader::read(m_backup, control);
    Schema liveSchema = SchemaReader::read(m_live, control);
    // Declared uniqueness first: on a table without a primary key it can be the rows' identity.
    DeclaredUniques::adopt(backupSchema, request.uniques, m_backup);
    DeclaredUniques::adopt(liveSchema, request.uniques, m_live);
    DeclaredRules::check(liveSchema, request.rules, m_live);
    RowIdentity::adopt(backupSchema);
    const QHash<QString, QString> identityNotes = RowIdentity::adopt(liveSchema);
    const PgRaw backup(m_backup.handle(), m_backup.where());
    const PgRaw live(m_live.handle(), m_live.where());

    RestorePlan plan;
    plan.liveDatabase = liveSchema.database;
    plan.backupDatabase = backupSchema.database;

    Transaction backupTransaction(backup);
    Transaction liveTransaction(live);
    ClosureBuilder closure(backupSchema, backup, request.relations);
    closure.createKeyTables();
    backupTransaction.readOnly();

    // Stage every live table that also has rows to receive: temporary tables first, then read-only.
    const QList<ClosureBuilder::Edge> liveEdges = ClosureBuilder::edgesOf(liveSchema, request.relations);
    QHash<QString, QStringList> stagedColumns;
    QHash<QString, QString> stagingNames;
    // Tables with no row identity at all are staged whole, numbered (KeylessRows); std::list keeps
    // their addresses.
    std::list<Table> numberedTables;
    QHash<QString, const Table *> keyless;
    for (const Table &liveTable : liveSchema.tables) {
        const Table *old = backupSchema.findTable(liveTable.schema, liveTable.name);
        if (!old)
            continue;
        if (liveTable.primaryKey.isEmpty() && old->primaryKey.isEmpty()) {
            numberedTables.push_back(KeylessRows::numbered(liveTable));
            keyless.insert(liveTable.qualifiedName(), &numberedTables.back());
        } else if (liveTable.primaryKey.isEmpty()) {
            continue;
        }
        const Table &table
            = keyless.contains(liveTable.qualifiedName()) ? *keyless.value(liveTable.qualifiedName()) : liveTable;
        QStringList columns;
        QStringList definitions;
        for (const Column &column : table.columns) {
            if (column.generated.isNull() && old->column(column.name)) {
                columns << column.name;
                definitions << sql::quoteIdent(column.name) + QLatin1Char(' ') + column.type;
            }
        }
        if (keyless.contains(table.qualifiedName()))
            definitions << sql::quoteIdent(KeylessRows::numberColumn())
                    + QStringLiteral(" bigint GENERATED ALWAYS AS IDENTITY");
        const QString liveKeyType
            = table.primaryKey.size() == 1 ? table.column(table.primaryKey.first())->type : QStringLiteral("text");
        // The key of the row's moved copy in live, when the incident changed its key (MovedKeys).
        const QStringList liveKey = MovedKeys::liveKeyColumns(table.primaryKey);
        for (qsizetype i = 0; i < liveKey.size(); ++i)
            definitions << sql::quoteIdent(liveKey.at(i)) + QLatin1Char(' ')
                    + table.column(table.primaryKey.at(i))->type;
        const QString name = QStringLiteral("_salvage_s_%1").arg(stagingNames.size() + 1);
        // Half-full pages: the classifier's whole-table UPDATEs of unindexed columns then stay on the
        // page (HOT, no index entry), four times cheaper on a million rows.
        live.exec(QStringLiteral(
            "CREATE TEMP TABLE %1 (%2, %3 text, \"_salvage_live\" %4, \"_salvage_reason\" text, "
            "\"_salvage_root\" boolean NOT NULL DEFAULT false, \"_salvage_differs\" boolean, \"_salvage_seen\" text, "
            "PRIMARY KEY (%5)) WITH (fillfactor = 50)")
                      .arg(sql::quoteIdent(name), definitions.join(QStringLiteral(", ")), kAction, liveKeyType,
                          sql::quoteIdentList(table.primaryKey)));
        stagingNames.insert(table.qualifiedName(), name);
        stagedColumns.insert(table.qualifiedName(), columns);
    }
    liveTransaction.readOnly();

    phase(QStringLiteral("closure in BACKUP"));
    for (const RootSelection &root : request.roots) {
        root.apply(backupSchema, closure, backup, live);
        plan.roots << root.toString();
    }
    plan.closureRows = closure.expand(control);
    if (plan.closureRows == 0)
        plan.warnings << QStringLiteral("The roots match no row in BACKUP: there is nothing to restore.");
    plan.warnings << closure.unkeyedReach(keyless.keys());

    QList<const Table *> tables;
    QHash<QString, QString> staging;
    for (const Table *old : closure.tables()) {
        const Table *table = liveSchema.findTable(old->schema, old->name);
        if (!table || !stagingNames.contains(table->qualifiedName())) {
            plan.warnings << QStringLiteral("%1 backup rows of %2 are not restored: the table is not in LIVE.")
                                 .arg(closure.rows(*old))
                                 .arg(old->qualifiedName());
            continue;
        }
        tables.append(table);
        if (identityNotes.contains(table->qualifiedName())) {
            plan.warnings << identityNotes.value(table->qualifiedName());
            plan.identities.insert(table->sqlName(), table->primaryKey);
        }
        phase(QStringLiteral("staging %1 on LIVE").arg(table->qualifiedName()));
        const QString name = stagingNames.value(table->qualifiedName());
        staging.insert(table->qualifiedName(), name);
        const QStringList columns = stagedColumns.value(table->qualifiedName());
        QStringList selected;
        for (const QString &column : columns)
            selected << QStringLiteral("b.") + sql::quoteIdent(column);
        QStringList match;
        for (const QString &column : old->primaryKey)
            match << QStringLiteral("b.%1 = k.%1").arg(sql::quoteIdent(column));
        // Roots travel with a flag: the operator chose them, so no evidence keeps them deleted.
        // Streamed from BACKUP into LIVE as it comes: both servers work at once, nothing is buffered.
        live.copyIn(QStringLiteral("COPY %1 (%2, \"_salvage_root\") FROM STDIN")
                        .arg(sql::quoteIdent(name), sql::quoteIdentList(columns)),
            backup,
            QStringLiteral("COPY (SELECT %1, k.\"_salvage_round\" = 0 FROM %2 b JOIN %3 k ON %4) TO STDOUT")
                .arg(selected.join(QStringLiteral(", ")), old->sqlName(), sql::quoteIdent(closure.keyTable(*old)),
                    match.join(QStringLiteral(" AND "))));
        live.exec(QStringLiteral("ANALYZE %1").arg(sql::quoteIdent(name)));
        plan.differing.insert(table->qualifiedName(), markDiffering(live, *table, name, columns));
        if (control)
            control->throwIfCancelled();
    }

    // Tables without a row identity: no row can reference them, they come last.
    QList<const Table *> wholeRowTables;
    for (const Table *table : std::as_const(keyless)) {
        const Table *old = backupSchema.findTable(table->schema, table->name);
        const QString reached = closure.unkeyedRows(*old);
        if (reached.isEmpty())
            continue;
        phase(QStringLiteral("staging %1 on LIVE").arg(table->qualifiedName()));
        const QString name = stagingNames.value(table->qualifiedName());
        staging.insert(table->qualifiedName(), name);
        const QStringList columns = stagedColumns.value(table->qualifiedName());
        live.copyIn(QStringLiteral("COPY %1 (%2) FROM STDIN").arg(sql::quoteIdent(name), sql::quoteIdentList(columns)),
            backup,
            QStringLiteral("COPY (SELECT %1 FROM %2 c WHERE %3) TO STDOUT")
                .arg(RestoreSql::prefixed(QStringLiteral("c"), columns), old->sqlName(), reached));
        live.exec(QStringLiteral("ANALYZE %1").arg(sql::quoteIdent(name)));
        wholeRowTables << table;
        plan.warnings << QStringLiteral(
            "%1 has no primary key and no unique key to tell its rows apart: its rows are compared and "
            "restored whole (moves in it are not recognised).")
                             .arg(table->qualifiedName());
    }

    const InsertOrder insertOrder(tables, liveEdges);
    QList<const Table *> order = insertOrder.tables();
    for (const Table *table : order)
        plan.tableOrder << table->qualifiedName();

    const MovedKeys movedKeys(live, backup, closure, staging, stagedColumns, liveEdges);
    LiveClassifier classifier(liveSchema, live, staging, stagedColumns, liveEdges, &movedKeys);
    for (const Table *table : order) {
        phase(QStringLiteral("classifying %1").arg(table->qualifiedName()));
        classifier.classify(*table, policyFor(request, *table, liveEdges), !request.restoresDeleted(*table),
            request.knownDeleted.value(table->qualifiedName()), DeclaredRules::conditionFor(*table, request.rules),
            policyChosen(request, *table));
        if (control)
            control->throwIfCancelled();
    }

    // Cycles: rows that waited for a parent decided after them.
    for (qint64 restored = 1; restored > 0;) {
        restored = 0;
        for (const Table *table : order)
            restored += classifier.settle(*table, policyFor(request, *table, liveEdges),
                DeclaredRules::conditionFor(*table, request.rules), policyChosen(request, *table));
    }
    for (const Table *table : order)
        classifier.keepWaitingDeleted(*table);
    plan.life = classifier.lifeNotes();
    for (const Table *table : order)
        plan.collisions << classifier.lostDependants(*table);

    // Tables without a row identity, once every other table is decided: no row references them.
    for (const Table *table : std::as_const(wholeRowTables)) {
        phase(QStringLiteral("classifying %1").arg(table->qualifiedName()));
        plan.differing.insert(table->qualifiedName(),
            KeylessRows::classify(live, *table, staging.value(table->qualifiedName()),
                stagedColumns.value(table->qualifiedName()), liveEdges, stagingNames));
        order << table;
        plan.tableOrder << table->qualifiedName();
    }

    phase(QStringLiteral("counting and listing"));
    for (const Table *table : order) {
        const QString s = sql::quoteIdent(staging.value(table->qualifiedName()));
        const auto counted
            = live.exec(QStringLiteral("SELECT %1, \"_salvage_differs\", count(*) FROM %2 GROUP BY 1, 2 ORDER BY 1, 2")
                            .arg(kAction, s));
        QMap<RowAction, qint64> &counts = plan.counts[table->qualifiedName()];
        for (int row = 0; row < PgRaw::rows(counted); ++row) {
            const RowAction action = actionOf(PgRaw::value(counted, row, 0));
            const qint64 rows = PgRaw::value(counted, row, 2).toLongLong();
            counts[action] += rows;
            if (PgRaw::value(counted, row, 1) == QLatin1String("t"))
                plan.buckets[table->qualifiedName()][restoreBucketOf(action)] += rows;
        }
        if (!wholeRowTables.contains(table))
            markSeen(live, *table, s, stagedColumns.value(table->qualifiedName()));

        QStringList keyText;
        for (const QString &column : table->primaryKey)
            keyText << sql::quoteIdent(column) + QStringLiteral("::text");
        const auto listed
            = live.exec(QStringLiteral("SELECT concat_ws(',', %1), %2, coalesce(\"_salvage_reason\", '') FROM %3 "
                                       "WHERE NOT (%5) OR \"_salvage_reason\" IS NOT NULL ORDER BY %4 LIMIT 10000")
                            .arg(keyText.join(QStringLiteral(", ")), kAction, s, keyOrder(table->primaryKey),
                                rowActionIn(QString(),
                                    { RowAction::Present, RowAction::Insert, RowAction::Repoint, RowAction::Rekey,
                                        RowAction::Follows })));
        for (int row = 0; row < PgRaw::rows(listed); ++row) {
            const PlanListing listing { table->qualifiedName(), PgRaw::value(listed, row, 0),
                actionOf(PgRaw::value(listed, row, 1)), PgRaw::value(listed, row, 2) };
            static const QList<RowAction> collisionActions { RowAction::Recreate, RowAction::Mapped, RowAction::Skipped,
                RowAction::KeptLive };
            if (listing.action == RowAction::DeletedSince)
                plan.deletedSince.append(listing);
            else
                (collisionActions.contains(listing.action) ? plan.collisions : plan.unrestorable).append(listing);
        }
    }

    phase(QStringLiteral("statements"));
    // Steps: per group of tables recreate, re-key moved copies, then insert, parents first; then foreign keys put back;
    // then sequences. A cycle of NOT NULL keys is deferred for the run, or written in one statement.
    QStringList deferred;
    // Every step of a table starts alike: the table, its staging and staged columns, its key.
    const auto stepFor = [&](PlanStep::Kind kind, const Table *table, qint64 expectedRows) {
        PlanStep step;
        step.kind = kind;
        step.table = table->qualifiedName();
        step.tableSql = table->sqlName();
        step.stagingName = staging.value(table->qualifiedName());
        step.columns = stagedColumns.value(table->qualifiedName());
        step.primaryKey = table->primaryKey;
        step.expectedRows = expectedRows;
        for (const QString &column : std::as_const(step.columns))
            step.overridingSystemValue
                = step.overridingSystemValue || table->column(column)->identity == QLatin1Char('a');
        return step;
    };
    for (const InsertOrder::Group &group : insertOrder.groups()) {
        QList<PlanStep> recreates;
        QList<PlanStep> rekeys;
        QList<PlanStep> inserts;
        for (const Table *table : group.tables) {
            const QMap<RowAction, qint64> &counts = plan.counts[table->qualifiedName()];
            // Both row-writing steps of a table start alike: keys to later tables written NULL, set afterwards.
            const auto tableStep = [&](PlanStep::Kind kind, qint64 count) {
                PlanStep step = stepFor(kind, table, count);
                for (const ClosureBuilder::Edge &edge : liveEdges) {
                    if (edge.child != table || !insertOrder.setAfterInsert(edge))
                        continue;
                    for (const QString &column : edge.columns)
                        if (table->column(column)->nullable && !step.nullColumns.contains(column))
                            step.nullColumns << column;
                }
                return step;
            };
            if (const qint64 count = counts.value(RowAction::Recreate)) {
                PlanStep step = tableStep(PlanStep::Kind::Recreate, count);
                for (const ClosureBuilder::Edge &edge : liveEdges)
                    if (edge.parent == table && edge.parentColumns == table->primaryKey && edge.columns.size() == 1)
                        step.children.append({ edge.child->sqlName(), edge.columns.first() });
                step.description = QStringLiteral(
                    "%1: give %2 recreated rows their original id and backup values, re-pointing their rows")
                                       .arg(table->qualifiedName())
                                       .arg(count);
                recreates.append(step);
            }
            if (const qint64 count = counts.value(RowAction::Rekey)) {
                // Before the inserts: rows that reference the re-keyed ones by their backup key may follow.
                PlanStep step = tableStep(PlanStep::Kind::Rekey, count);
                step.nullColumns.clear();
                for (const ClosureBuilder::Edge &edge : movedKeys.keyEdges(*table))
                    for (const QString &column : edge.columns)
                        if (!step.fkColumns.contains(column))
                            step.fkColumns << column;
                step.description = QStringLiteral(
                    "%1: %2 rows re-keyed back from their new owner to their backup one (%3): moved copies, "
                    "their live key is not in BACKUP")
                                       .arg(table->qualifiedName())
                                       .arg(count)
                                       .arg(movedKeys.describe(*table));
                rekeys.append(step);
            }
            if (const qint64 count = counts.value(RowAction::Insert)) {
                PlanStep step = tableStep(PlanStep::Kind::Insert, count);
                step.description
                    = QStringLiteral("%1: insert %2 rows missing from live").arg(table->qualifiedName()).arg(count);
                inserts.append(step);
            }
        }
        QList<PlanStep> writes = recreates + rekeys + inserts;
        if (group.cycle == InsertOrder::Cycle::OneStatement) {
            for (qsizetype i = 0; i + 1 < writes.size(); ++i)
                writes[i].withNext = true;
        } else if (group.cycle == InsertOrder::Cycle::Deferred && !writes.isEmpty()) {
            for (const ClosureBuilder::Edge &key : group.keys) {
                const QString name = sql::qualified(key.child->schema, key.foreignKey->name);
                if (!deferred.contains(name)) // two tables may name a key alike; SET CONSTRAINTS takes both
                    deferred << name;
            }
        }
        plan.steps << writes;
    }
    for (const Table *table : std::as_const(wholeRowTables)) {
        const qint64 count = plan.counts[table->qualifiedName()].value(RowAction::Insert);
        if (count == 0)
            continue;
        PlanStep step = stepFor(PlanStep::Kind::Insert, table, count);
        step.description
            = QStringLiteral("%1: insert %2 rows missing from live (whole rows: the table has no row identity)")
                  .arg(table->qualifiedName())
                  .arg(count);
        plan.steps << step;
    }
    // Before any write: LIVE must still hold what the plan saw, or the run stops with nothing written.
    QList<PlanStep> checks;
    for (const Table *table : order) {
        const QMap<RowAction, qint64> &counts = plan.counts[table->qualifiedName()];
        const qint64 rows = plan.rowsWritten(table->qualifiedName());
        if (rows == 0 || wholeRowTables.contains(table)) // whole rows: no key to check, a duplicate is welcome
            continue;
        PlanStep step = stepFor(PlanStep::Kind::CheckUnchanged, table, -1);
        step.overridingSystemValue = false;
        if (counts.value(RowAction::Rekey) > 0)
            step.fkColumns = MovedKeys::liveKeyColumns(table->primaryKey);
        step.description = QStringLiteral(
            "%1: check that LIVE still holds what the plan saw (%2 rows to change, keys to insert still free)")
                               .arg(table->qualifiedName())
                               .arg(rows);
        checks.append(step);
    }
    plan.steps = checks + plan.steps;
    const auto setConstraints = [&](bool defer, const QString &description) {
        PlanStep step;
        step.kind = PlanStep::Kind::SetConstraints;
        step.constraints = deferred;
        step.deferred = defer;
        step.expectedRows = -1;
        step.description = description;
        return step;
    };
    if (!deferred.isEmpty())
        plan.steps.prepend(setConstraints(true,
            QStringLiteral("defer the NOT NULL foreign keys of a cycle to the end of the run "
                           "(rows wait for their parents)")));
    for (const Table *table : order) {
        for (const ClosureBuilder::Edge &edge : liveEdges) {
            if (edge.child != table)
                continue;
            const qint64 count = classifier.foreignKeyUpdates(edge, insertOrder.setAfterInsert(edge));
            if (count == 0)
                continue;
            PlanStep step;
            step.kind = PlanStep::Kind::RestoreForeignKey;
            step.table = table->qualifiedName();
            step.tableSql = table->sqlName();
            step.stagingName = staging.value(table->qualifiedName());
            step.primaryKey = table->primaryKey;
            step.fkColumns = edge.columns;
            step.parentSql = edge.parent->sqlName();
            step.parentColumns = edge.parentColumns;
            step.expectedRows = count;
            step.description
                = QStringLiteral("%1: put %2 back to its backup value (-> %3) in %4 rows")
                      .arg(table->qualifiedName(), edge.columns.join(QLatin1Char(',')), edge.parent->qualifiedName())
                      .arg(count);
            plan.steps.append(step);
        }
    }
    if (!deferred.isEmpty())
        plan.steps.append(setConstraints(false,
            QStringLiteral("check the deferred foreign keys now, so that a violation names them "
                           "here rather than at COMMIT")));
    for (const Table *table : order) {
        const QMap<RowAction, qint64> &counts = plan.counts[table->qualifiedName()];
        if (counts.value(RowAction::Insert) + counts.value(RowAction::Recreate) == 0)
            continue;
        for (const Sequence &sequence : liveSchema.sequences) {
            if (sequence.ownerSchema != table->schema || sequence.ownerTable != table->name
                || sequence.ownerColumn.isEmpty())
                continue;
            const QString column = sql::quoteIdent(sequence.ownerColumn);
            const auto needed = live.exec(
                QStringLiteral("SELECT count(*) FROM (SELECT max(c) AS m FROM (SELECT %1 AS c FROM %2 UNION ALL "
                               "SELECT %1 FROM %3 WHERE %4) u) x, %5 q "
                               "WHERE x.m > q.last_value")
                    .arg(column, table->sqlName(), sql::quoteIdent(staging.value(table->qualifiedName())),
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
            plan.steps.append(step);
        }
    }

    // The data the script carries: rows the statements act on, in key order (deterministic).
    for (const Table *table : order) {
        const QMap<RowAction, qint64> &counts = plan.counts[table->qualifiedName()];
        const qint64 rekeyed = counts.value(RowAction::Rekey);
        const qint64 rows = plan.rowsWritten(table->qualifiedName());
        if (rows == 0)
            continue;
        phase(QStringLiteral("script data of %1").arg(table->qualifiedName()));
        PlanStaging data;
        data.table = table->qualifiedName();
        data.tableSql = table->sqlName();
        data.stagingName = staging.value(table->qualifiedName());
        data.columns = stagedColumns.value(table->qualifiedName())
            << QStringLiteral("_salvage_action") << QStringLiteral("_salvage_live") << QStringLiteral("_salvage_seen");
        if (rekeyed > 0)
            data.columns << MovedKeys::liveKeyColumns(table->primaryKey);
        if (wholeRowTables.contains(table))
            data.columns << KeylessRows::numberColumn();
        live.copyOut(QStringLiteral("COPY (SELECT %1 FROM %2 WHERE %3 ORDER BY %4) TO STDOUT")
                         .arg(sql::quoteIdentList(data.columns), sql::quoteIdent(data.stagingName),
                             rowActionIn(QString(), writtenRowActions()), keyOrder(table->primaryKey)),
            [&](const char *chunk, int length) { data.data.append(chunk, length); });
        for (const QString &column : stagedColumns.value(table->qualifiedName()))
            data.types << table->column(column)->type;
        data.types << QStringLiteral("text")
                   << (table->primaryKey.size() == 1 ? table->column(table->primaryKey.first())->type
                                                     : QStringLiteral("text"))
                   << QStringLiteral("text");
        if (rekeyed > 0)
            for (const QString &column : table->primaryKey)
                data.types << table->column(column)->type;
        if (wholeRowTables.contains(table)) // the statements order the rows by their number
            data.types << QStringLiteral("bigint");
        data.rows = rows;
        plan.staging.append(data);
    }
    phase(QStringLiteral("unknown owners and warnings"));
    for (const Table *table : order) {
        if (plan.counts[table->qualifiedName()].value(RowAction::Repoint) == 0)
            continue;
        const Table *old = backupSchema.findTable(table->schema, table->name);
        for (const ClosureBuilder::Edge &edge : liveEdges)
            if (edge.child == table)
                plan.unrestorable << UnknownOwners::find(
                    edge, *old, staging.value(table->qualifiedName()), closure.scratchTable(*old), live, backup);
    }
    phase(QStringLiteral("counter caches"));
    CounterCaches(liveSchema, backupSchema, liveEdges, live, backup, staging).addTo(plan, request.recomputeCounters);
    return plan;
}

} // namespace salvage
