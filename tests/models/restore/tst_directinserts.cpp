// Which tables a script COPYs straight into (DirectInserts): only those whose every written row is
// a plain insert that no other statement reads from the staging table.
#include "db/schema.h"
#include "restore/directinserts.h"
#include "restore/restoreplan.h"

#include <QTest>

using namespace salvage;

namespace {

Table statuses()
{
    Table table;
    table.schema = QStringLiteral("public");
    table.name = QStringLiteral("statuses");
    table.primaryKey = { QStringLiteral("id") };
    return table;
}

const QString kStaging = QStringLiteral("_salvage_s_1");

/// Three rows to insert into statuses: its check and its insert, then a sequence step.
RestorePlan insertsOnly()
{
    const Table table = statuses();
    RestorePlan plan;
    plan.counts[table.qualifiedName()][RowAction::Insert] = 3;
    plan.counts[table.qualifiedName()][RowAction::DeletedSince] = 2; // not written: no bar
    PlanStep check;
    check.kind = PlanStep::Kind::CheckUnchanged;
    check.table = table.qualifiedName();
    check.tableSql = table.sqlName();
    check.stagingName = kStaging;
    check.expectedRows = -1;
    PlanStep insert = check;
    insert.kind = PlanStep::Kind::Insert;
    insert.columns = { QStringLiteral("id"), QStringLiteral("text") };
    insert.expectedRows = 3;
    PlanStep sequence;
    sequence.kind = PlanStep::Kind::AdvanceSequence;
    sequence.table = table.qualifiedName();
    plan.steps = { check, insert, sequence };
    PlanStaging staging;
    staging.table = table.qualifiedName();
    staging.stagingName = kStaging;
    plan.staging = { staging };
    return plan;
}

} // namespace

class TestDirectInserts : public QObject
{
    Q_OBJECT

private slots:
    void insertsOnlyGoStraightIn() { QVERIFY(DirectInserts::eligible(insertsOnly(), statuses(), kStaging)); }

    void otherwiseStaged_data()
    {
        QTest::addColumn<QString>("change");
        QTest::newRow("a row put back too") << QStringLiteral("repoint");
        QTest::newRow("a column set after the insert") << QStringLiteral("null column");
        QTest::newRow("the last part of a cycle's statement") << QStringLiteral("with previous");
        QTest::newRow("a cycle's statement") << QStringLiteral("with next");
        QTest::newRow("GENERATED ALWAYS key") << QStringLiteral("overriding");
        QTest::newRow("a counter reads the staging table") << QStringLiteral("counter");
        QTest::newRow("an adopted (maybe declared) identity") << QStringLiteral("identity");
        QTest::newRow("no primary key") << QStringLiteral("keyless");
        QTest::newRow("partitioned") << QStringLiteral("partitioned");
        QTest::newRow("rules or row-level security") << QStringLiteral("rules");
        QTest::newRow("two inserts") << QStringLiteral("two inserts");
    }

    void otherwiseStaged()
    {
        QFETCH(QString, change);
        RestorePlan plan = insertsOnly();
        Table table = statuses();
        PlanStep &insert = plan.steps[1];
        if (change == QLatin1String("repoint"))
            plan.counts[table.qualifiedName()][RowAction::Repoint] = 1;
        else if (change == QLatin1String("null column"))
            insert.nullColumns = { QStringLiteral("text") };
        else if (change == QLatin1String("with previous"))
            plan.steps[0].withNext = true;
        else if (change == QLatin1String("with next"))
            insert.withNext = true;
        else if (change == QLatin1String("overriding"))
            insert.overridingSystemValue = true;
        else if (change == QLatin1String("counter")) {
            PlanStep counter;
            counter.kind = PlanStep::Kind::RecomputeCounter;
            counter.table = QStringLiteral("public.accounts");
            counter.touchedFrom = { { QStringLiteral("\"_salvage_s_1\""), QStringLiteral("account_id") } };
            plan.steps << counter;
        } else if (change == QLatin1String("identity"))
            plan.identities.insert(table.sqlName(), table.primaryKey);
        else if (change == QLatin1String("keyless"))
            table.primaryKey.clear();
        else if (change == QLatin1String("partitioned"))
            table.partitioned = true;
        else if (change == QLatin1String("rules"))
            table.rulesOrRowSecurity = true;
        else if (change == QLatin1String("two inserts")) {
            insert.expectedRows = 2;
            PlanStep second = insert;
            second.expectedRows = 1;
            plan.steps << second;
        }
        QVERIFY(!DirectInserts::eligible(plan, table, kStaging));
    }

    void checksOfDirectTablesDropped()
    {
        RestorePlan plan = insertsOnly();
        PlanStep otherCheck = plan.steps.first();
        otherCheck.stagingName = QStringLiteral("_salvage_s_2");
        plan.steps << otherCheck;
        plan.staging.first().direct = true;
        DirectInserts::dropChecks(plan);
        QCOMPARE(plan.steps.size(), 3);
        QCOMPARE(plan.steps.at(0).kind, PlanStep::Kind::Insert);
        QCOMPARE(plan.steps.at(2).kind, PlanStep::Kind::CheckUnchanged);
        QCOMPARE(plan.steps.at(2).stagingName, QStringLiteral("_salvage_s_2"));
    }
};

QTEST_GUILESS_MAIN(TestDirectInserts)
#include "tst_directinserts.moc"
