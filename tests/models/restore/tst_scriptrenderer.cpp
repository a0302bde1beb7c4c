// The renderer against a golden file, and its output read back by the psql-subset parser.
#include "restore/restoreplan.h"
#include "restore/scriptparser.h"
#include "restore/scriptrenderer.h"

#include <QFile>
#include <QTest>
#include <algorithm>

using namespace salvage;

namespace {

RestorePlan samplePlan()
{
    RestorePlan plan;
    plan.liveDatabase = QStringLiteral("live");
    plan.backupDatabase = QStringLiteral("backup");
    plan.roots << QStringLiteral("accounts WHERE id BETWEEN 3 AND 8");
    plan.warnings << QStringLiteral("public.account_stats looks like derived data");
    PlanStaging accounts;
    accounts.table = QStringLiteral("public.accounts");
    accounts.tableSql = QStringLiteral("\"public\".\"accounts\"");
    accounts.stagingName = QStringLiteral("_salvage_s_1");
    accounts.columns = { QStringLiteral("id"), QStringLiteral("user name"), QStringLiteral("_salvage_action"),
        QStringLiteral("_salvage_live") };
    accounts.types
        = { QStringLiteral("bigint"), QStringLiteral("text"), QStringLiteral("text"), QStringLiteral("bigint") };
    accounts.data = "3\to'brien\\ttab\tinsert\t\\N\n7\tgrace\trecreate\t20\n";
    accounts.rows = 2;
    plan.staging << accounts;

    PlanStep recreate;
    recreate.kind = PlanStep::Kind::Recreate;
    recreate.table = accounts.table;
    recreate.tableSql = accounts.tableSql;
    recreate.stagingName = accounts.stagingName;
    recreate.columns = { QStringLiteral("id"), QStringLiteral("user name") };
    recreate.primaryKey = { QStringLiteral("id") };
    recreate.children = { { QStringLiteral("\"public\".\"statuses\""), QStringLiteral("account_id") } };
    recreate.expectedRows = 1;
    recreate.description = QStringLiteral("public.accounts: give 1 recreated rows their original id");
    PlanStep insert = recreate;
    insert.kind = PlanStep::Kind::Insert;
    insert.children.clear();
    insert.nullColumns = { QStringLiteral("user name") };
    insert.overridingSystemValue = true;
    insert.description = QStringLiteral("public.accounts: insert 1 rows missing from live");
    PlanStep foreignKey;
    foreignKey.kind = PlanStep::Kind::RestoreForeignKey;
    foreignKey.table = QStringLiteral("public.statuses");
    foreignKey.tableSql = QStringLiteral("\"public\".\"statuses\"");
    foreignKey.stagingName = QStringLiteral("_salvage_s_2");
    foreignKey.primaryKey = { QStringLiteral("id") };
    foreignKey.fkColumns = { QStringLiteral("account_id") };
    foreignKey.parentSql = accounts.tableSql;
    foreignKey.parentColumns = { QStringLiteral("id") };
    foreignKey.expectedRows = 36;
    foreignKey.description = QStringLiteral("public.statuses: put account_id back");
    PlanStep sequence;
    sequence.kind = PlanStep::Kind::AdvanceSequence;
    sequence.table = accounts.table;
    sequence.tableSql = accounts.tableSql;
    sequence.sequenceSql = QStringLiteral("\"public\".\"accounts_id_seq\"");
    sequence.column = QStringLiteral("id");
    sequence.expectedRows = 0;
    sequence.description = QStringLiteral("public.accounts: advance sequence");
    PlanStep check;
    check.kind = PlanStep::Kind::CheckUnchanged;
    check.table = accounts.table;
    check.tableSql = accounts.tableSql;
    check.stagingName = accounts.stagingName;
    check.columns = recreate.columns;
    check.primaryKey = recreate.primaryKey;
    check.expectedRows = -1;
    check.description = QStringLiteral("public.accounts: check that LIVE still holds what the plan saw");
    plan.steps << check << recreate << insert << foreignKey << sequence;
    return plan;
}

} // namespace

class TestScriptRenderer : public QObject
{
    Q_OBJECT

private slots:
    void matchesGoldenFile()
    {
        QFile golden(QStringLiteral(RESTORE_FIXTURES "/golden/plan.sql"));
        QVERIFY(golden.open(QIODevice::ReadOnly));
        const QByteArray rendered = ScriptRenderer::render(samplePlan());
        if (rendered != golden.readAll()) {
            QFile actual(QStringLiteral("plan.actual.sql"));
            if (actual.open(QIODevice::WriteOnly))
                actual.write(rendered);
            QFAIL("the rendered script differs from golden/plan.sql (written to plan.actual.sql)");
        }
    }

    void readsBackAsStatementsAndCopyData()
    {
        const RestorePlan plan = samplePlan();
        const QList<ScriptItem> items = ScriptParser::parse(ScriptRenderer::render(plan));
        QList<PlanStep> counting = plan.steps; // the steps that write rows say how many
        counting.removeIf([](const PlanStep &step) { return step.expectedRows < 0; });
        qsizetype copies = 0;
        qsizetype counted = 0;
        for (const ScriptItem &item : items) {
            if (item.isCopy) {
                ++copies;
                QCOMPARE(item.copyData, plan.staging.first().data);
            }
            if (item.expectedRows >= 0)
                QCOMPARE(item.expectedRows, counting.at(counted++).expectedRows);
        }
        QCOMPARE(copies, 1);
        QCOMPARE(counted, counting.size());
        // The BEGIN … COMMIT envelope is psql's; Salvage's own transaction takes its place.
        QCOMPARE(items.first().sql, QStringLiteral("SET LOCAL lock_timeout = '10s'"));
        QVERIFY(items.last().sql.startsWith(QLatin1String("SELECT setval(")));
    }

    void recomputeCounterStatement()
    {
        PlanStep step;
        step.kind = PlanStep::Kind::RecomputeCounter;
        step.tableSql = QStringLiteral("\"app\".\"users\"");
        step.column = QStringLiteral("documents count");
        step.fkColumns = { QStringLiteral("id") };
        step.countedSql = QStringLiteral("\"app\".\"documents\"");
        step.countedColumn = QStringLiteral("owner_id");
        step.touchedFrom = { { QStringLiteral("\"_salvage_s_2\""), QStringLiteral("owner_id") },
            { QStringLiteral("\"_salvage_s_1\""), QStringLiteral("id") } };
        step.touchedKeys = { QStringLiteral("1"), QStringLiteral("9") };
        step.keyType = QStringLiteral("integer");
        step.expectedRows = -1;
        const QString count
            = QStringLiteral("(SELECT count(*) FROM \"app\".\"documents\" c WHERE c.\"owner_id\" = h.\"id\")");
        QCOMPARE(ScriptRenderer::statement(step),
            QStringLiteral(
                "UPDATE \"app\".\"users\" h SET \"documents count\" = %1\n"
                "WHERE h.\"id\" IN (SELECT s.\"owner_id\" FROM \"_salvage_s_2\" s UNION SELECT s.\"id\" FROM "
                "\"_salvage_s_1\" s "
                "UNION SELECT unnest('{\"1\",\"9\"}'::integer[]))\n  AND h.\"documents count\" IS DISTINCT FROM %1;")
                .arg(count));
        // No expected count: the renderer writes none, so a run does not compare one.
        RestorePlan plan = samplePlan();
        plan.steps = { step };
        for (const ScriptItem &item : ScriptParser::parse(ScriptRenderer::render(plan)))
            QCOMPARE(item.expectedRows, -1);
    }

    void cycleStepsReadBackAsOneStatementEach()
    {
        RestorePlan plan = samplePlan();
        PlanStep first = plan.steps.at(2);
        first.withNext = true;
        first.expectedRows = 4;
        PlanStep second = plan.steps.at(2);
        second.table = QStringLiteral("public.other");
        second.tableSql = QStringLiteral("\"public\".\"other\"");
        second.expectedRows = 5;
        PlanStep defer;
        defer.kind = PlanStep::Kind::SetConstraints;
        defer.constraints = { QStringLiteral("\"public\".\"a_b\""), QStringLiteral("\"public\".\"b_a\"") };
        defer.deferred = true;
        defer.expectedRows = -1;
        defer.description = QStringLiteral("defer");
        PlanStep check = defer;
        check.deferred = false;
        plan.steps = { defer, first, second, check };
        QCOMPARE(plan.rowsToWrite(), 9);

        QList<ScriptItem> items = ScriptParser::parse(ScriptRenderer::render(plan));
        items.removeIf([](const ScriptItem &item) {
            return item.isCopy || item.sql.startsWith(QLatin1String("CREATE"))
                || item.sql.startsWith(QLatin1String("ANALYZE"))
                || (item.sql.startsWith(QLatin1String("SET LOCAL"))
                    && !item.sql.contains(QLatin1String("lock_timeout")))
                || item.sql.startsWith(QLatin1String("SELECT pg_catalog.set_config('search_path'"));
        });
        QCOMPARE(items.size(), 4); // SET LOCAL, defer, the joined inserts, check (BEGIN and COMMIT are psql's)
        QCOMPARE(items.at(1).sql, QStringLiteral("SET CONSTRAINTS \"public\".\"a_b\", \"public\".\"b_a\" DEFERRED"));
        QCOMPARE(items.at(1).expectedRows, -1);
        QVERIFY(
            items.at(2).sql.startsWith(QLatin1String("WITH \"_salvage_w1\" AS (INSERT INTO \"public\".\"accounts\"")));
        QVERIFY(items.at(2).sql.contains(QLatin1String(")\nINSERT INTO \"public\".\"other\"")));
        QCOMPARE(items.at(2).expectedRows, 5);
        QVERIFY(items.at(2).comment.startsWith(QLatin1String("-- one statement for public.accounts, public.other")));
        QCOMPARE(items.at(3).sql, QStringLiteral("SET CONSTRAINTS \"public\".\"a_b\", \"public\".\"b_a\" IMMEDIATE"));
    }
    void directInsertsAreCopiedStraightIntoTheTable()
    {
        // Every row of the table is an insert: the data goes into the table itself where the Insert
        // step stands, with no staging table (nor its index and statistics) and no INSERT … SELECT.
        RestorePlan plan = samplePlan();
        PlanStaging &accounts = plan.staging.first();
        accounts.direct = true;
        accounts.columns = { QStringLiteral("id"), QStringLiteral("user name") };
        accounts.data = "3\to'brien\\ttab\n4\tdora\n";
        PlanStep insert = plan.steps.at(2);
        insert.nullColumns.clear();
        insert.overridingSystemValue = false;
        insert.expectedRows = 2;
        plan.steps = { insert, plan.steps.at(4) };
        const QByteArray script = ScriptRenderer::render(plan);
        QVERIFY(!script.contains("_salvage_s_1"));
        QVERIFY(!script.contains("INSERT INTO"));
        const QList<ScriptItem> items = ScriptParser::parse(script);
        const auto copy
            = std::find_if(items.cbegin(), items.cend(), [](const ScriptItem &item) { return item.isCopy; });
        QVERIFY(copy != items.cend());
        QCOMPARE(copy->sql, QStringLiteral("COPY \"public\".\"accounts\" (\"id\", \"user name\") FROM STDIN"));
        QCOMPARE(copy->copyData, accounts.data);
        QCOMPARE(copy->expectedRows, 2);
        QVERIFY(copy->comment.startsWith(QLatin1String("-- public.accounts: insert 1 rows missing from live")));
        // In the Insert step's place: after the settings, before the sequence it is followed by.
        QVERIFY(std::next(copy) != items.cend() && std::next(copy)->sql.startsWith(QLatin1String("SELECT setval(")));
        QCOMPARE(std::count_if(items.cbegin(), items.cend(), [](const ScriptItem &item) { return item.isCopy; }), 1);
    }
};

QTEST_GUILESS_MAIN(TestScriptRenderer)
#include "tst_scriptrenderer.moc"
