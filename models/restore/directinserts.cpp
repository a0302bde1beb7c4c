#include "restore/directinserts.h"

#include "db/schema.h"
#include "db/sqlident.h"
#include "restore/restoreplan.h"

#include <QSet>
#include <algorithm>

namespace salvage::DirectInserts {

bool eligible(const RestorePlan &plan, const Table &table, const QString &stagingName)
{
    const QString name = table.qualifiedName();
    const qint64 inserted = plan.counts.value(name).value(RowAction::Insert);
    // An adopted identity may be a declared one, which PostgreSQL does not enforce: the check stays.
    if (inserted == 0 || plan.rowsWritten(name) != inserted || table.primaryKey.isEmpty() || table.partitioned
        || table.rulesOrRowSecurity || plan.identities.contains(table.sqlName()))
        return false;
    const QString quoted = sql::quoteIdent(stagingName);
    int inserts = 0;
    for (qsizetype i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &step = plan.steps.at(i);
        if (std::any_of(step.touchedFrom.cbegin(), step.touchedFrom.cend(),
                [&quoted](const PlanChildRef &source) { return source.tableSql == quoted; }))
            return false;
        if (step.stagingName != stagingName || step.kind == PlanStep::Kind::CheckUnchanged)
            continue;
        // The last part of a cycle's one statement reads its staging table like the others.
        const bool partOfStatement = i > 0 && plan.steps.at(i - 1).withNext;
        if (step.kind != PlanStep::Kind::Insert || !step.nullColumns.isEmpty() || step.withNext || partOfStatement
            || step.overridingSystemValue || step.expectedRows != inserted)
            return false;
        ++inserts;
    }
    return inserts == 1;
}

void dropChecks(RestorePlan &plan)
{
    QSet<QString> direct;
    for (const PlanStaging &staging : std::as_const(plan.staging))
        if (staging.direct)
            direct.insert(staging.stagingName);
    plan.steps.removeIf([&direct](const PlanStep &step) {
        return step.kind == PlanStep::Kind::CheckUnchanged && direct.contains(step.stagingName);
    });
}

} // namespace salvage::DirectInserts
