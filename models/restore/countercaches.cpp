#include "restore/countercaches.h"

#include "core/error.h"
#include "db/arrayliteral.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/movedkeys.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"

#include <QMap>
#include <QSet>

#include <algorithm>

namespace salvage {

namespace {

/// The tables whose rows the script writes (and so carries): the counters run before the script's data is read.
QSet<QString> scriptedTables(const RestorePlan &plan)
{
    QSet<QString> tables;
    for (auto it = plan.counts.cbegin(); it != plan.counts.cend(); ++it)
        if (plan.rowsWritten(it.key()) > 0)
            tables.insert(it.key());
    return tables;
}

/// The rows a script's staging table carries: those its statements write.
const QString kWritten = rowActionIn(QString(), writtenRowActions());

bool isInteger(const Column &column)
{
    static const QStringList integers { QStringLiteral("int2"), QStringLiteral("int4"), QStringLiteral("int8") };
    return integers.contains(column.typeName) && column.generated.isNull() && column.identity.isNull();
}

/// `column` alone is a key of `table`: the table holds at most one row per value (1:1 with its parent).
bool uniqueColumn(const Table &table, const QString &column)
{
    if (table.primaryKey == QStringList { column })
        return true;
    for (const UniqueKey &key : table.uniqueKeys)
        if (key.valid && !key.partial && key.columns == QStringList { column })
            return true;
    return false;
}

bool hasColumns(const Table *table, const QStringList &columns)
{
    if (!table)
        return false;
    for (const QString &column : columns)
        if (!table->column(column))
            return false;
    return true;
}

} // namespace

QList<CounterCaches::Counter> CounterCaches::detect(const ClosureBuilder::Edge &edge)
{
    const QString parentKey = edge.parentColumns.first();
    QList<Counter> found = detectOn(edge, *edge.parent, parentKey);
    // A table 1:1 with the parent (account_stats next to accounts) may keep its counters.
    for (const Table &table : m_live.tables) {
        if (&table == edge.child || &table == edge.parent)
            continue;
        for (const ForeignKey &key : table.foreignKeys)
            if (key.columns.size() == 1 && key.refSchema == edge.parent->schema && key.refTable == edge.parent->name
                && key.refColumns == QStringList { parentKey } && uniqueColumn(table, key.columns.first()))
                found << detectOn(edge, table, key.columns.first());
    }
    return found;
}

QList<CounterCaches::Counter> CounterCaches::detectOn(
    const ClosureBuilder::Edge &edge, const Table &holder, const QString &holderKey)
{
    const QString countedColumn = edge.columns.first();
    if (holder.column(holderKey)->type != edge.child->column(countedColumn)->type)
        return {};
    QStringList candidates;
    for (const Column &column : holder.columns)
        if (isInteger(column) && column.name != holderKey && !holder.primaryKey.contains(column.name)
            && !holder.inForeignKey(column.name))
            candidates << column.name;
    const Table *backupHolder = m_backup.findTable(holder.schema, holder.name);
    const Table *backupCounted = m_backup.findTable(edge.child->schema, edge.child->name);
    if (candidates.isEmpty() || !hasColumns(backupHolder, candidates + QStringList { holderKey })
        || !hasColumns(backupCounted, { countedColumn }))
        return {};

    // One pass over each table: per candidate, the rows equal to the count and those equal to a count above zero.
    QStringList measures { QStringLiteral("count(*)") };
    for (const QString &column : candidates)
        measures << QStringLiteral(
            "count(*) FILTER (WHERE h.%1 = coalesce(c.n, 0)), count(*) FILTER (WHERE c.n > 0 AND h.%1 = c.n)")
                        .arg(sql::quoteIdent(column));
    const QString query = QStringLiteral(
        "SELECT %1 FROM %2 h LEFT JOIN (SELECT x.%3 AS k, count(*) AS n FROM %4 x WHERE x.%3 IS NOT NULL "
        "GROUP BY 1) c ON c.k = h.%5")
                              .arg(measures.join(QStringLiteral(", ")), backupHolder->sqlName(),
                                  sql::quoteIdent(countedColumn), backupCounted->sqlName(), sql::quoteIdent(holderKey));
    // A guess must not cost the plan: BACKUP's columns may not compare as LIVE's do (a declared relation).
    PgRaw::Result result;
    m_backupSession.exec(QStringLiteral("SAVEPOINT \"_salvage_counter\""));
    try {
        result = m_backupSession.exec(query);
        m_backupSession.exec(QStringLiteral("RELEASE SAVEPOINT \"_salvage_counter\""));
    } catch (const Error &error) {
        m_backupSession.exec(QStringLiteral("ROLLBACK TO SAVEPOINT \"_salvage_counter\""));
        m_notes << QStringLiteral("Counter caches of %1 counting %2.%3 were not looked for: %4")
                       .arg(holder.qualifiedName(), edge.child->qualifiedName(), countedColumn,
                           error.message().simplified());
        return {};
    }
    const qint64 rows = PgRaw::value(result, 0, 0).toLongLong();
    QList<Counter> found;
    for (qsizetype i = 0; i < candidates.size(); ++i) {
        const qint64 matching = PgRaw::value(result, 0, int(1 + 2 * i)).toLongLong();
        const qint64 counting = PgRaw::value(result, 0, int(2 + 2 * i)).toLongLong();
        // Some row must count something: a column of zeros next to children that are rare is no counter.
        if (rows == 0 || counting == 0 || matching * 100 < qint64(kMinimumPercent) * rows)
            continue;
        found.append({ &holder, candidates.at(i), holderKey, edge.child, countedColumn, edge.parent,
            edge.parentColumns.first(), matching, rows });
    }
    return found;
}

PlanStep CounterCaches::recomputeStep(const RestorePlan &plan, const Counter &counter, qint64 *parents) const
{
    PlanStep step;
    step.kind = PlanStep::Kind::RecomputeCounter;
    step.table = counter.holder->qualifiedName();
    step.tableSql = counter.holder->sqlName();
    step.primaryKey = counter.holder->primaryKey;
    step.column = counter.column;
    step.fkColumns = { counter.holderKey };
    step.countedSql = counter.counted->sqlName();
    step.countedColumn = counter.countedColumn;
    step.keyType = counter.holder->column(counter.holderKey)->type;
    step.expectedRows = -1; // how many counters differ is known only when the rows are in place

    const QSet<QString> scripted = scriptedTables(plan);
    // Keys on LIVE's planning staging, whose rows are those the script's staging carries.
    QStringList planned;
    const auto touch = [&](const Table &table, const QString &column) {
        if (!scripted.contains(table.qualifiedName()))
            return;
        const QString staging = sql::quoteIdent(m_staging.value(table.qualifiedName()));
        step.touchedFrom.append({ staging, column });
        planned
            << QStringLiteral("SELECT s.%1 AS k FROM %2 s WHERE %3").arg(sql::quoteIdent(column), staging, kWritten);
    };
    touch(*counter.counted, counter.countedColumn); // their parent in BACKUP: it gains them back
    touch(*counter.parent, counter.parentKey); // restored parents come with BACKUP's counter
    if (counter.holder != counter.parent)
        touch(*counter.holder, counter.holderKey);

    // Parents the re-pointed or re-keyed rows leave (the merge target): after the run their values are BACKUP's, so
    // the script cannot see them; they travel as keys.
    if (scripted.contains(counter.counted->qualifiedName())) {
        const Table &counted = *counter.counted;
        const QString staging = sql::quoteIdent(m_staging.value(counted.qualifiedName()));
        const QString column = sql::quoteIdent(counter.countedColumn);
        QStringList liveKey;
        for (const QString &name : MovedKeys::liveKeyColumns(counted.primaryKey))
            liveKey << QStringLiteral("s.") + sql::quoteIdent(name);
        const auto left = m_liveSession.exec(
            QStringLiteral("SELECT DISTINCT l.%1::text FROM %2 l JOIN %3 s ON (%4) = (%5) WHERE %7 "
                           "AND l.%1 IS DISTINCT FROM s.%1 AND l.%1 IS NOT NULL "
                           "UNION SELECT l.%1::text FROM %2 l JOIN %3 s ON (%4) = (%6) WHERE %8 "
                           "AND l.%1 IS NOT NULL ORDER BY 1")
                .arg(column, counted.sqlName(), staging, RestoreSql::prefixed(QStringLiteral("l"), counted.primaryKey),
                    RestoreSql::prefixed(QStringLiteral("s"), counted.primaryKey), liveKey.join(QStringLiteral(", ")),
                    rowActionIs(QStringLiteral("s"), RowAction::Repoint),
                    rowActionIs(QStringLiteral("s"), RowAction::Rekey)));
        for (int row = 0; row < PgRaw::rows(left); ++row)
            step.touchedKeys << PgRaw::value(left, row, 0);
    }
    if (!step.touchedKeys.isEmpty())
        planned << QStringLiteral("SELECT unnest($1::%1[])").arg(step.keyType);
    *parents = 0;
    if (!planned.isEmpty()) {
        const auto counted = m_liveSession.exec(
            QStringLiteral("SELECT count(DISTINCT k) FROM (%1) u(k)").arg(planned.join(QStringLiteral(" UNION ALL "))),
            step.touchedKeys.isEmpty() ? QStringList() : QStringList { arrayLiteral(step.touchedKeys) });
        *parents = PgRaw::value(counted, 0, 0).toLongLong();
    }
    step.description = QStringLiteral(
        "counter %1 recomputed for %2 parents (the count of %3.%4; equal to it in %5 of %6 BACKUP rows)")
                           .arg(counter.name(), QString::number(*parents), counter.counted->qualifiedName(),
                               counter.countedColumn, QString::number(counter.matching), QString::number(counter.rows));
    return step;
}

void CounterCaches::addTo(RestorePlan &plan, bool recompute)
{
    const QSet<QString> scripted = scriptedTables(plan);
    QMap<QString, QList<Counter>> byColumn; // one counter column may match several counts
    for (const ClosureBuilder::Edge &edge : m_edges) {
        if (edge.columns.size() != 1 || edge.parentColumns.size() != 1
            || !(scripted.contains(edge.child->qualifiedName()) || scripted.contains(edge.parent->qualifiedName())))
            continue;
        for (const Counter &counter : detect(edge))
            byColumn[counter.name()].append(counter);
    }
    plan.warnings << m_notes;
    m_notes.clear();
    for (QList<Counter> counters : std::as_const(byColumn)) {
        // The closest match counts; a tie (a symmetric relation: followers and followed alike) says nothing.
        std::sort(counters.begin(), counters.end(),
            [](const Counter &a, const Counter &b) { return a.matching > b.matching; });
        const Counter &counter = counters.first();
        qint64 parents = 0;
        const PlanStep step = recomputeStep(plan, counter, &parents);
        if (parents == 0)
            continue;
        if (counters.size() > 1 && counters.at(1).matching == counter.matching) {
            QStringList counted;
            for (const Counter &each : std::as_const(counters))
                if (each.matching == counter.matching)
                    counted << each.counted->qualifiedName() + QLatin1Char('.') + each.countedColumn;
            plan.warnings << QStringLiteral(
                "%1 looks like a counter cache, but of which rows is unclear (%2 fit alike in BACKUP): it is "
                "not recomputed; recompute it after the restore.")
                                 .arg(counter.name(), counted.join(QStringLiteral(", ")));
        } else if (!recompute) {
            plan.warnings << QStringLiteral(
                "%1 is a counter cache (the count of %2.%3 in %4 of %5 BACKUP rows) and is not recomputed "
                "for the %6 parents the plan touches: recompute it after the restore.")
                                 .arg(counter.name(), counter.counted->qualifiedName(), counter.countedColumn,
                                     QString::number(counter.matching), QString::number(counter.rows),
                                     QString::number(parents));
        } else if (counter.holder->primaryKey.isEmpty()) {
            plan.warnings << QStringLiteral(
                "%1 is a counter cache (the count of %2.%3) but its table has no row identity for the undo "
                "script: recompute it after the restore.")
                                 .arg(counter.name(), counter.counted->qualifiedName(), counter.countedColumn);
        } else {
            plan.steps.append(step);
        }
    }
}

} // namespace salvage
