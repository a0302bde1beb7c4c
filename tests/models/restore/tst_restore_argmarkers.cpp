// Names and expressions that hold Qt's argument markers ("%1", "%2", "%10": legal in quoted
// identifiers, and in LIKE patterns of index predicates) go through the diff, the plan, the script,
// its run and its undo unchanged. SQL is put together with QString::arg(); a text inserted by one
// arg() call and read again by the next would have its markers replaced.
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "diff/diffrunner.h"
#include "graph/graphbuilder.h"
#include "jobs/jobcontrol.h"
#include "previewrunundo.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

namespace {

// A parent with an enum, a partial expression unique index whose predicate holds "%1"; a child
// whose composite primary key holds its foreign key; a child without a primary key.
const char *const kSchema = R"SQL(
CREATE SCHEMA "s%1";
CREATE TYPE "s%1"."mood%2" AS ENUM ('ok%1', 'bad%2');
CREATE TABLE "s%1"."p%1" ("id%1" bigint PRIMARY KEY, "name%2" text NOT NULL,
  "m%3" "s%1"."mood%2" NOT NULL DEFAULT 'ok%1', "n%10" int NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX "u%1" ON "s%1"."p%1" (lower("name%2")) WHERE "name%2" NOT LIKE 'x%1%';
CREATE TABLE "s%1"."c%2" ("a%1" int, "b%2" bigint REFERENCES "s%1"."p%1" ("id%1") ON DELETE CASCADE,
  "v%10" text, PRIMARY KEY ("b%2", "a%1"));
CREATE TABLE "s%1"."k%3" ("p%1" bigint REFERENCES "s%1"."p%1" ("id%1") ON DELETE CASCADE, "note%1" text);
INSERT INTO "s%1"."p%1" ("id%1", "name%2", "m%3")
  SELECT g, 'User%2-' || g, (CASE WHEN g % 2 = 0 THEN 'bad%2' ELSE 'ok%1' END)::"s%1"."mood%2"
  FROM generate_series(1, 20) g;
INSERT INTO "s%1"."c%2" SELECT a, b, 'v%1-' || a FROM generate_series(1, 3) a, generate_series(1, 20) b;
INSERT INTO "s%1"."k%3" SELECT g, 'note %1 of ' || g FROM generate_series(1, 20) g;
)SQL";

// The incident deletes parents 1–3 (their children cascade). Life since the backup: parent 4
// edited, and parent 21 created with the name parent 2 had (unique index "u%1"): parent 2
// recreated, which the plan gives its id and backup values back.
const char *const kIncident = R"SQL(
DELETE FROM "s%1"."p%1" WHERE "id%1" IN (1, 2, 3);
UPDATE "s%1"."p%1" SET "n%10" = 5 WHERE "id%1" = 4;
INSERT INTO "s%1"."p%1" ("id%1", "name%2") VALUES (21, 'user%2-2');
)SQL";

const QString kParents = QStringLiteral("s%1.p%1");

} // namespace

class TestRestoreArgMarkers : public QObject
{
    Q_OBJECT

    salvage::test::SmallIncident m_incident;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_incident.build(QStringLiteral("argmarkers"), kSchema, kIncident);
    }

    void schemaIsReadAsWritten()
    {
        PgSession live(m_incident.live(), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const Schema schema = SchemaReader::read(live);
        const Table *parents = schema.findTable(kParents);
        const Table *children = schema.findTable(QStringLiteral("s%1.c%2"));
        QVERIFY(parents && children);
        QCOMPARE(parents->sqlName(), QStringLiteral("\"s%1\".\"p%1\""));
        QCOMPARE(children->primaryKey, QStringList({ QStringLiteral("b%2"), QStringLiteral("a%1") }));
    }

    void diffCountsEveryChange()
    {
        test::TestCluster &cluster = test::TestCluster::instance();
        PgSession backup(cluster.conninfo(QStringLiteral("argmarkers_backup")),
            PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        PgSession live(m_incident.live(), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        JobControl control;
        const DiffResult result = DiffRunner::run(backup, live, control, {}, {}, RowRetention::Whole);
        QMap<QString, QString> counts;
        for (const TableDiff &table : result.tables)
            counts.insert(table.table,
                QStringLiteral("-%1 +%2 ~%3").arg(table.onlyInBackup).arg(table.onlyInLive).arg(table.changed));
        QCOMPARE(counts.value(kParents), QStringLiteral("-3 +1 ~1"));
        QCOMPARE(counts.value(QStringLiteral("s%1.c%2")), QStringLiteral("-9 +0 ~0"));
        QCOMPARE(counts.value(QStringLiteral("s%1.k%3")), QStringLiteral("-3 +0 ~0"));
    }

    void graphKeepsTheNames()
    {
        PgSession live(m_incident.live(), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const RelationGraph graph
            = GraphBuilder(live, SchemaReader::read(live), {}).build(kParents, { QStringLiteral("4") });
        QCOMPARE(graph.root, QStringLiteral("s%1.p%1:4"));
        QStringList vias;
        for (const GraphEdge &edge : graph.edges)
            vias << edge.via;
        vias.sort();
        QCOMPARE(vias, QStringList({ QStringLiteral("s%1.c%2.b%2"), QStringLiteral("s%1.k%3.p%1") }));
        const QString dot = graph.toDot();
        QVERIFY2(dot.contains(QStringLiteral("\"s%1.p%1:4\" -> ")) || dot.contains(QStringLiteral(" -> \"s%1.p%1:4\"")),
            qPrintable(dot));
        QVERIFY2(dot.contains(QStringLiteral("id=\"e0\"")) && dot.contains(QStringLiteral("tooltip=\"s%1.c%2.b%2\"")),
            qPrintable(dot));
    }

    void restoreRunsAndUndoes()
    {
        const RestorePlan plan = m_incident.plan(QStringLiteral("\"s%1\".\"p%1\" WHERE \"id%1\" IN (1, 2, 3)"));
        // Parent 2's name is held by newer live parent 21 under "u%1": the index's name, the
        // table's and the key come through whole in the reason.
        QStringList collisions;
        for (const PlanListing &listing : plan.collisions)
            collisions << listing.table + QLatin1Char(' ') + listing.key + QStringLiteral(": ") + listing.reason;
        QVERIFY2(collisions.size() == 1 && collisions.first().startsWith(kParents + QStringLiteral(" 2: "))
                && collisions.first().contains(QStringLiteral("u%1"))
                && collisions.first().endsWith(QStringLiteral("21")),
            qPrintable(collisions.join(QLatin1Char('\n'))));

        const QByteArray script = ScriptRenderer::render(plan);
        test::previewRunUndo(m_incident.live(), script, test::freshUndoPath(m_dir.path()), [&] {
            // Parents 1–3 back with their enum values and children (2 as recreated 21 re-keyed);
            // parent 4's edit is life since the backup and stays.
            QCOMPARE(m_incident.value(QStringLiteral(
                         "SELECT string_agg(\"id%1\" || ' ' || \"name%2\" || ' ' || \"m%3\" || ' ' || \"n%10\", ', ' "
                         "ORDER BY \"id%1\") FROM \"s%1\".\"p%1\" WHERE \"id%1\" IN (1, 2, 3, 4, 21)")),
                QStringLiteral("1 User%2-1 ok%1 0, 2 User%2-2 bad%2 0, 3 User%2-3 ok%1 0, 4 User%2-4 bad%2 5"));
            QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(\"b%2\" || ':' || \"a%1\" || ' ' || \"v%10\", "
                                                     "', ' ORDER BY \"b%2\", \"a%1\") FROM \"s%1\".\"c%2\" WHERE "
                                                     "\"b%2\" <= 3")),
                QStringLiteral("1:1 v%1-1, 1:2 v%1-2, 1:3 v%1-3, 2:1 v%1-1, 2:2 v%1-2, 2:3 v%1-3, 3:1 v%1-1, 3:2 "
                               "v%1-2, 3:3 v%1-3"));
            QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(\"note%1\", ', ' ORDER BY \"p%1\") FROM "
                                                     "\"s%1\".\"k%3\" WHERE \"p%1\" <= 3")),
                QStringLiteral("note %1 of 1, note %1 of 2, note %1 of 3"));
        });
    }
};

QTEST_GUILESS_MAIN(TestRestoreArgMarkers)
#include "tst_restore_argmarkers.moc"
