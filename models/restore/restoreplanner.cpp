#include "restore/restoreplanner.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"
#include "restore/closurebuilder.h"
#include "restore/countercaches.h"
#include "restore/declaredrules.h"
#include "restore/directinserts.h"
#include "restore/insertorder.h"
#include "restore/keylessrows.h"
#include "restore/liveclassifier.h"
#include "restore/movedkeys.h"
#include "restore/planschemas.h"
#include "restore/planstatements.h"
#include "restore/restoresql.h"
#include "restore/stagingarea.h"
#include "restore/stagingcolumns.h"
#include "restore/unknownowners.h"

#include <functional>

namespace salvage {

namespace {

QString keyOrder(const QStringList &primaryKey)
{
    return sql::quoteIdentList(primaryKey);
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
/// `counts` are the table's rows per action: an action no row has needs no pass over the table.
void markSeen(const PgRaw &live, const Table &table, const QString &s, const QStringList &columns,
    const QMap<RowAction, qint64> &counts)
{
    const QStringList &pk = table.primaryKey;
    const QString digest = QStringLiteral("md5(ROW(%1)::text)").arg(RestoreSql::prefixed(QStringLiteral("l"), columns));
    const QString assign = QStringLiteral("UPDATE %1 s SET %6 = %2 FROM %3 l WHERE %4 AND %5");
    if (counts.value(RowAction::Repoint) > 0)
        live.exec(assign.arg(s, digest, table.sqlName(), rowActionIs(QStringLiteral("s"), RowAction::Repoint),
            RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l"), pk), StagingColumn::seen()));
    if (counts.value(RowAction::Rekey) > 0)
        live.exec(assign.arg(s, digest, table.sqlName(), rowActionIs(QStringLiteral("s"), RowAction::Rekey),
            RestoreSql::equal(QStringLiteral("s"), MovedKeys::liveKeyColumns(pk), QStringLiteral("l"), pk),
            StagingColumn::seen()));
    if (pk.size() == 1 && counts.value(RowAction::Recreate) > 0)
        live.exec(assign.arg(s, digest, table.sqlName(), rowActionIs(QStringLiteral("s"), RowAction::Recreate),
            QStringLiteral("s.%1 = l.%2").arg(StagingColumn::live(), sql::quoteIdent(pk.first())),
            StagingColumn::seen()));
}

/// Decides every staged row of `order` (the tables with a row identity, in write order): collisions
/// and their policies, ON DELETE rules, provenance (LiveClassifier). Rows that wait for a parent
/// decided later, in a cycle, are settled once it is.
void classifyRows(LiveClassifier &classifier, const QList<const Table *> &order, const RestoreRequest &request,
    const QList<ClosureBuilder::Edge> &edges, const std::function<void(const QString &)> &phase, RestorePlan &plan)
{
    for (const Table *table : order) {
        phase(QStringLiteral("classifying %1").arg(table->qualifiedName()));
        classifier.classify(*table, request.collisionPolicy(*table, edges), !request.restoresDeleted(*table),
            request.knownDeleted.value(table->qualifiedName()), DeclaredRules::conditionFor(*table, request.rules),
            request.choosesPolicy(*table));
    }
    for (qint64 restored = 1; restored > 0;) {
        restored = 0;
        for (const Table *table : order)
            restored += classifier.settle(*table, request.collisionPolicy(*table, edges),
                DeclaredRules::conditionFor(*table, request.rules), request.choosesPolicy(*table));
    }
    for (const Table *table : order)
        classifier.keepWaitingDeleted(*table);
    plan.life = classifier.lifeNotes();
}

/// Findings on restored parents whose dependants the plan skips, ahead of the other collisions;
/// a table with no skipped row (the counts say) has none.
void listLostDependants(const LiveClassifier &classifier, const QList<const Table *> &order, RestorePlan &plan)
{
    QList<PlanListing> findings;
    for (const Table *table : order)
        if (plan.counts.value(table->qualifiedName()).value(RowAction::Skipped) > 0)
            findings << classifier.lostDependants(*table);
    plan.collisions = findings + plan.collisions;
}

/// Counts each table's rows per action and bucket, records what the plan saw of the rows it
/// changes, and lists the rows it does not simply restore (collisions, unrestorable, deleted since).
void countAndList(const PgRaw &live, const StagingArea &staging, const QList<const Table *> &order,
    const QList<const Table *> &wholeRows, RestorePlan &plan)
{
    for (const Table *table : order) {
        const QString s = sql::quoteIdent(staging.staged().value(table->qualifiedName()));
        // Rows the listing below shows: an action other than these, or a reason.
        static const QList<RowAction> unlisted { RowAction::Present, RowAction::Insert, RowAction::Repoint,
            RowAction::Rekey, RowAction::Follows };
        const auto counted = live.exec(
            QStringLiteral("SELECT %1, \"_salvage_differs\", %3 IS NOT NULL, count(*) FROM %2 GROUP BY 1, 2, 3 "
                           "ORDER BY 1, 2, 3")
                .arg(StagingColumn::action(), s, StagingColumn::reason()));
        QMap<RowAction, qint64> &counts = plan.counts[table->qualifiedName()];
        bool anyListed = false;
        for (int row = 0; row < PgRaw::rows(counted); ++row) {
            const RowAction action = actionOf(PgRaw::value(counted, row, 0));
            const qint64 rows = PgRaw::value(counted, row, 3).toLongLong();
            counts[action] += rows;
            if (PgRaw::value(counted, row, 1) == QLatin1String("t"))
                plan.buckets[table->qualifiedName()][restoreBucketOf(action)] += rows;
            anyListed = anyListed || !unlisted.contains(action) || PgRaw::value(counted, row, 2) == QLatin1String("t");
        }
        if (!wholeRows.contains(table))
            markSeen(live, *table, s, staging.columns().value(table->qualifiedName()), counts);
        if (!anyListed) // the counts say the listing would find nothing: no second pass over the table
            continue;

        QStringList keyText;
        for (const QString &column : table->primaryKey)
            keyText << sql::quoteIdent(column) + QStringLiteral("::text");
        const auto listed
            = live.exec(QStringLiteral("SELECT concat_ws(',', %1), %2, coalesce(\"_salvage_reason\", '') FROM %3 "
                                       "WHERE NOT (%5) OR \"_salvage_reason\" IS NOT NULL ORDER BY %4 LIMIT 10000")
                            .arg(keyText.join(QStringLiteral(", ")), StagingColumn::action(), s,
                                keyOrder(table->primaryKey), rowActionIn(QString(), unlisted)));
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
}

/// The data the script carries for `table`: the rows its statements act on, in key order (deterministic).
/// Carried straight into the table (DirectInserts), only the Insert step's columns of its rows.
PlanStaging scriptData(
    const PgRaw &live, const StagingArea &staging, const Table &table, bool wholeRow, const RestorePlan &plan)
{
    const qint64 rekeyed = plan.counts.value(table.qualifiedName()).value(RowAction::Rekey);
    const QStringList columns = staging.columns().value(table.qualifiedName());
    PlanStaging data;
    data.table = table.qualifiedName();
    data.tableSql = table.sqlName();
    data.stagingName = staging.staged().value(table.qualifiedName());
    data.direct = !wholeRow && DirectInserts::eligible(plan, table, data.stagingName);
    data.columns = columns;
    if (data.direct) {
        const auto insert = std::find_if(plan.steps.cbegin(), plan.steps.cend(), [&data](const PlanStep &step) {
            return step.kind == PlanStep::Kind::Insert && step.stagingName == data.stagingName;
        });
        data.columns = insert->columns;
    } else {
        data.columns << QStringLiteral("_salvage_action") << QStringLiteral("_salvage_live")
                     << QStringLiteral("_salvage_seen");
        if (rekeyed > 0)
            data.columns << MovedKeys::liveKeyColumns(table.primaryKey);
        if (wholeRow)
            data.columns << KeylessRows::numberColumn();
    }
    live.copyOut(QStringLiteral("COPY (SELECT %1 FROM %2 WHERE %3 ORDER BY %4) TO STDOUT")
                     .arg(sql::quoteIdentList(data.columns), sql::quoteIdent(data.stagingName),
                         rowActionIn(QString(), writtenRowActions()), keyOrder(table.primaryKey)),
        [&](const char *chunk, int length) { data.data.append(chunk, length); });
    if (data.direct) {
        for (const QString &column : std::as_const(data.columns))
            data.types << table.column(column)->type;
        data.rows = plan.rowsWritten(table.qualifiedName());
        return data;
    }
    for (const QString &column : columns)
        data.types << table.column(column)->type;
    data.types << QStringLiteral("text")
               << (table.primaryKey.size() == 1 ? table.column(table.primaryKey.first())->type : QStringLiteral("text"))
               << QStringLiteral("text");
    if (rekeyed > 0)
        for (const QString &column : table.primaryKey)
            data.types << table.column(column)->type;
    if (wholeRow) // the statements order the rows by their number
        data.types << QStringLiteral("bigint");
    data.rows = plan.rowsWritten(table.qualifiedName());
    return data;
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
        // The planning statements are estimated dear (a lookup per staged row) and run once each:
        // compiling them (JIT) cost more than running them, up to 2 s a statement on 200,000 rows.
        m_session.exec(QStringLiteral("SET LOCAL jit = off"));
        // The key and staging tables are ANALYZEd once filled and the staging tables again once
        // decided, so that later statements are planned for the rows they pick (which action, how
        // many). A sample of 3,000 rows says that as well as the default 30,000, which read the
        // whole of a 100,000-row table each time: 0.17-0.32 s an ANALYZE there, 0.02 s now. Only
        // these temporary tables are ANALYZEd in the transaction.
        m_session.exec(QStringLiteral("SET LOCAL default_statistics_target = 10"));
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
    const PlanSchemas schemas = PlanSchemas::read(m_live, m_backup, request, control);
    const PgRaw backup(m_backup.handle(), m_backup.where());
    const PgRaw live(m_live.handle(), m_live.where());

    RestorePlan plan;
    plan.liveDatabase = schemas.live.database;
    plan.backupDatabase = schemas.backup.database;

    // Temporary tables first (key tables on BACKUP, staging tables on LIVE), then read-only.
    Transaction backupTransaction(backup);
    Transaction liveTransaction(live);
    ClosureBuilder closure(schemas.backup, backup, request.relations);
    closure.createKeyTables();
    backupTransaction.readOnly();
    StagingArea staging(schemas, live, backup, phase);
    staging.createTables();
    liveTransaction.readOnly();

    phase(QStringLiteral("closure in BACKUP"));
    for (const RootSelection &root : request.roots)
        plan.roots << root.toString();
    plan.closureRows = closure.expandFrom(request.roots, live, control);
    if (plan.closureRows == 0)
        plan.warnings << QStringLiteral("The roots match no row in BACKUP: there is nothing to restore.");
    plan.warnings << closure.unkeyedReach(staging.wholeRowTableNames());

    const QList<const Table *> tables = staging.stageClosure(closure, plan);
    const QList<const Table *> wholeRows = staging.stageWholeRows(closure, plan);

    const QList<ClosureBuilder::Edge> liveEdges = ClosureBuilder::edgesOf(schemas.live, request.relations);
    const InsertOrder insertOrder(tables, liveEdges);
    const QList<const Table *> order = insertOrder.tables() + wholeRows;
    for (const Table *table : order)
        plan.tableOrder << table->qualifiedName();

    const MovedKeys movedKeys(live, backup, closure, staging.staged(), staging.columns(), liveEdges);
    LiveClassifier classifier(schemas.live, live, staging.staged(), staging.columns(), liveEdges, &movedKeys);
    classifyRows(classifier, insertOrder.tables(), request, liveEdges, phase, plan);
    for (const Table *table : wholeRows) {
        // Once every other table is decided: no row references them.
        phase(QStringLiteral("classifying %1").arg(table->qualifiedName()));
        plan.differing.insert(table->qualifiedName(),
            KeylessRows::classify(live, *table, staging.staged().value(table->qualifiedName()),
                staging.columns().value(table->qualifiedName()), liveEdges, staging.created()));
    }

    phase(QStringLiteral("counting and listing"));
    countAndList(live, staging, order, wholeRows, plan);
    listLostDependants(classifier, insertOrder.tables(), plan);

    phase(QStringLiteral("statements"));
    plan.steps = PlanStatements(schemas.live, live, staging, insertOrder, liveEdges, movedKeys, classifier)
                     .build(plan, order, wholeRows);

    phase(QStringLiteral("unknown owners and warnings"));
    for (const Table *table : order) {
        if (plan.counts[table->qualifiedName()].value(RowAction::Repoint) == 0)
            continue;
        const Table *old = schemas.backup.findTable(table->schema, table->name);
        for (const ClosureBuilder::Edge &edge : liveEdges)
            if (edge.child == table)
                plan.unrestorable << UnknownOwners::find(edge, *old, staging.staged().value(table->qualifiedName()),
                    closure.scratchTable(*old), live, backup);
    }
    phase(QStringLiteral("counter caches"));
    CounterCaches(schemas.live, schemas.backup, liveEdges, live, backup, staging.staged())
        .addTo(plan, request.recomputeCounters);

    for (const Table *table : order)
        if (plan.rowsWritten(table->qualifiedName()) > 0 && !table->triggers.isEmpty())
            plan.warnings << QStringLiteral(
                "%1 has triggers of its own that the run's writes fire: %2. A BEFORE trigger may change the "
                "restored values, and any may write to other tables; the undo script takes those writes back "
                "too.")
                                 .arg(table->qualifiedName(), table->triggers.join(QStringLiteral("; ")));

    // Last: whether a table's rows go straight in depends on every statement (counters included).
    for (const Table *table : order) {
        if (plan.rowsWritten(table->qualifiedName()) == 0)
            continue;
        phase(QStringLiteral("script data of %1").arg(table->qualifiedName()));
        plan.staging.append(scriptData(live, staging, *table, wholeRows.contains(table), plan));
    }
    DirectInserts::dropChecks(plan);
    return plan;
}

} // namespace salvage
