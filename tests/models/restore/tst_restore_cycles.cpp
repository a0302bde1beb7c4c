// Cycles of foreign keys between tables, on small schemas with their own names: NOT NULL keys that
// can be deferred (deferred for the run), NOT NULL keys that cannot (one statement), a cycle broken
// at its nullable key whatever the tables' order, and deferred keys checked before a preview ends.
#include "core/error.h"
#include "db/pgsession.h"
#include "livesnapshot.h"
#include "previewrunundo.h"
#include "restore/restoreexecutor.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

namespace {

// A shelf names its first box, a box its shelf; both NOT NULL, both DEFERRABLE. Shelf 1 and its
// boxes are lost (ON DELETE CASCADE).
const char *const kShelves = R"SQL(
CREATE TABLE shelf (sid integer PRIMARY KEY, label text NOT NULL, first_box integer NOT NULL);
CREATE TABLE box (bid integer PRIMARY KEY, shelf integer NOT NULL REFERENCES shelf ON DELETE CASCADE DEFERRABLE, note text);
ALTER TABLE shelf ADD CONSTRAINT shelf_first_box FOREIGN KEY (first_box) REFERENCES box DEFERRABLE INITIALLY IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO shelf VALUES (1, 'top', 10), (2, 'bottom', 20);
INSERT INTO box VALUES (10, 1, 'first'), (11, 1, 'second'), (20, 2, 'other');
)SQL";

// Three tables in a ring of NOT NULL keys that cannot be deferred: a -> b -> c -> a; a tag hangs
// off b (it sorts before the ring, and must be written after it).
const char *const kRing = R"SQL(
CREATE TABLE ring_a (id integer PRIMARY KEY, b integer NOT NULL, label text);
CREATE TABLE ring_b (id integer PRIMARY KEY, c integer NOT NULL, label text);
CREATE TABLE ring_c (id integer PRIMARY KEY, a integer NOT NULL REFERENCES ring_a ON DELETE CASCADE, label text);
ALTER TABLE ring_a ADD CONSTRAINT ring_a_b FOREIGN KEY (b) REFERENCES ring_b ON DELETE CASCADE;
ALTER TABLE ring_b ADD CONSTRAINT ring_b_c FOREIGN KEY (c) REFERENCES ring_c ON DELETE CASCADE;
CREATE TABLE a_tag (id integer PRIMARY KEY, b integer NOT NULL REFERENCES ring_b ON DELETE CASCADE, label text);
CREATE UNIQUE INDEX ring_a_label ON ring_a (label);
WITH a AS (INSERT INTO ring_a VALUES (1, 1, 'a1'), (2, 2, 'a2')),
     b AS (INSERT INTO ring_b VALUES (1, 1, 'b1'), (2, 2, 'b2'))
INSERT INTO ring_c VALUES (1, 1, 'c1'), (2, 2, 'c2');
INSERT INTO a_tag VALUES (7, 1, 't1'), (8, 2, 't2');
)SQL";

// A group points at its captain (nullable), a member at its group (NOT NULL); the group table comes
// first, so the order must not follow the nullable key. Everything is lost in live.
const char *const kGroups = R"SQL(
CREATE TABLE a_group (gid integer PRIMARY KEY, name text NOT NULL UNIQUE, captain integer);
CREATE TABLE b_member (mid integer PRIMARY KEY, grp integer NOT NULL REFERENCES a_group ON DELETE CASCADE, name text NOT NULL);
ALTER TABLE a_group ADD FOREIGN KEY (captain) REFERENCES b_member ON DELETE SET NULL;
INSERT INTO a_group VALUES (1, 'red', NULL), (2, 'blue', NULL);
INSERT INTO b_member VALUES (11, 1, 'ann'), (12, 1, 'ben'), (21, 2, 'cal');
UPDATE a_group SET captain = CASE gid WHEN 1 THEN 12 ELSE 21 END;
)SQL";

} // namespace

class TestRestoreCycles : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    salvage::test::SmallIncident m_incident;

    /// Preview (LIVE unchanged), run, then the undo script by psql gives LIVE back exactly.
    void previewRunUndo(const QByteArray &script, const std::function<void()> &checkRestored)
    {
        salvage::test::previewRunUndo(
            m_incident.live(), script, salvage::test::freshUndoPath(m_dir.path()), checkRestored);
    }

    /// kRing's rows as the backup holds them: each ring closed, nothing else, the tags on their b.
    void checkRingAsInBackup()
    {
        QCOMPARE(m_incident.value(
                     QStringLiteral("SELECT (SELECT string_agg(a.id || a.label || b.id || b.label || c.id || c.label, "
                                    "',' ORDER BY a.id) FROM ring_a a "
                                    "JOIN ring_b b ON b.id = a.b JOIN ring_c c ON c.id = b.c AND c.a = a.id) || ' ' || "
                                    "((SELECT count(*) FROM ring_a) + (SELECT count(*) FROM ring_b) + (SELECT count(*) "
                                    "FROM ring_c)) || ' ' || "
                                    "(SELECT string_agg(id || ':' || b, ',' ORDER BY id) FROM a_tag)")),
            QStringLiteral("1a11b11c1,2a22b22c2 6 7:1,8:2"));
    }

    /// kGroups' rows as the backup holds them: groups with their captains, members with their groups.
    void checkGroupsAsInBackup()
    {
        QCOMPARE(
            m_incident.value(QStringLiteral(
                "SELECT (SELECT string_agg(g.gid || ':' || g.name || ':' || coalesce(m.name, '-'), ',' ORDER BY g.gid) "
                "FROM a_group g LEFT JOIN b_member m ON m.mid = g.captain) || ' ' || "
                "(SELECT string_agg(mid || ':' || grp, ',' ORDER BY mid) FROM b_member)")),
            QStringLiteral("1:red:ben,2:blue:cal 11:1,12:1,21:2"));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void deferrableNotNullCycle()
    {
        m_incident.build(QStringLiteral("tst_cycles_deferrable"), kShelves, "DELETE FROM shelf WHERE sid = 1;");
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM box")), QStringLiteral("1"));
        const RestorePlan planned = m_incident.plan(QStringLiteral("shelf MISSING"));
        QCOMPARE(planned.counts.value(QStringLiteral("public.shelf")).value(RowAction::Insert), 1);
        QCOMPARE(planned.counts.value(QStringLiteral("public.box")).value(RowAction::Insert), 2);
        const QByteArray script = ScriptRenderer::render(planned);
        QVERIFY(
            script.contains("SET CONSTRAINTS \"public\".\"box_shelf_fkey\", \"public\".\"shelf_first_box\" DEFERRED;")
            || script.contains(
                "SET CONSTRAINTS \"public\".\"shelf_first_box\", \"public\".\"box_shelf_fkey\" DEFERRED;"));
        QVERIFY(script.contains(" IMMEDIATE;"));
        QVERIFY(!script.contains("WITH \"_salvage_w1\""));
        previewRunUndo(script, [&] {
            QCOMPARE(m_incident.value(QStringLiteral(
                         "SELECT string_agg(sid || ':' || label || ':' || first_box, ',' ORDER BY sid) FROM shelf")),
                QStringLiteral("1:top:10,2:bottom:20"));
            QCOMPARE(
                m_incident.value(QStringLiteral("SELECT string_agg(bid || ':' || shelf, ',' ORDER BY bid) FROM box")),
                QStringLiteral("10:1,11:1,20:2"));
        });

        // psql runs the same script: the deferred keys are checked by its own SET CONSTRAINTS … IMMEDIATE.
        salvage::test::runScriptWithPsql(m_incident.live(), script, m_dir.filePath(QStringLiteral("shelves.sql")));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM box")), QStringLiteral("3"));
    }

    void deferredViolationFailsThePreview()
    {
        m_incident.build(QStringLiteral("tst_cycles_violation"), kShelves, "");
        const auto before = salvage::test::tableDigests(m_incident.live());
        // An edited script: a shelf whose first box exists nowhere, its key deferred, no check of its own.
        const QByteArray script = "BEGIN;\n"
                                  "SET CONSTRAINTS \"public\".\"shelf_first_box\" DEFERRED;\n"
                                  "-- a shelf whose first box exists nowhere\n"
                                  "-- expected rows: 1\n"
                                  "INSERT INTO shelf VALUES (9, 'nowhere', 99);\n"
                                  "COMMIT;\n";
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        const ExecutionReport preview = executor.preview(script);
        QVERIFY(!preview.committed);
        QVERIFY2(preview.error.contains(QLatin1String("shelf_first_box")), qPrintable(preview.error));
        QVERIFY2(preview.error.contains(QLatin1String("SET CONSTRAINTS ALL IMMEDIATE")), qPrintable(preview.error));
        QCOMPARE(preview.errorLine, 6);
        QVERIFY(preview.summary().contains(QLatin1String("Error at line 6")));
        QCOMPARE(preview.statements.size(), 2); // SET CONSTRAINTS and the INSERT ran; the check failed
        QCOMPARE(salvage::test::tableDigests(m_incident.live()), before);

        // A run fails the same way before any undo is written, and commits nothing.
        const QString undo = m_dir.filePath(QStringLiteral("undo-violation.sql"));
        const ExecutionReport run = executor.run(script, undo);
        QVERIFY(!run.committed);
        QVERIFY2(run.error.contains(QLatin1String("shelf_first_box")), qPrintable(run.error));
        QVERIFY(!QFile::exists(undo));
        QCOMPARE(salvage::test::tableDigests(m_incident.live()), before);
    }

    void notNullCycleThatCannotBeDeferred()
    {
        // The keys cannot be deferred: the rows of the ring are inserted by one statement, at whose
        // end PostgreSQL checks them (no DDL, no lock beyond the run's own).
        m_incident.build(QStringLiteral("tst_cycles_ring"), kRing, "DELETE FROM ring_a WHERE id = 1;");
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM ring_c")), QStringLiteral("1"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM a_tag")), QStringLiteral("1"));
        const RestorePlan planned = m_incident.plan(QStringLiteral("ring_a MISSING"));
        for (const QString &table : { QStringLiteral("public.ring_a"), QStringLiteral("public.ring_b"),
                 QStringLiteral("public.ring_c"), QStringLiteral("public.a_tag") })
            QCOMPARE(planned.counts.value(table).value(RowAction::Insert), 1);
        QCOMPARE(planned.tableOrder.last(), QStringLiteral("public.a_tag"));
        qsizetype joined = 0;
        for (const PlanStep &step : planned.steps) {
            QVERIFY(step.kind != PlanStep::Kind::SetConstraints);
            joined += step.withNext ? 1 : 0;
        }
        QCOMPARE(joined, 2);
        QCOMPARE(planned.rowsToWrite(), 4);
        const QByteArray script = ScriptRenderer::render(planned);
        QVERIFY(script.contains("WITH \"_salvage_w1\" AS (INSERT INTO"));
        QVERIFY(!script.contains("SET CONSTRAINTS"));
        previewRunUndo(script, [&] { checkRingAsInBackup(); });
    }

    void cycleBrokenAtItsNullableKey()
    {
        m_incident.build(QStringLiteral("tst_cycles_nullable"), kGroups, "DELETE FROM a_group;");
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM b_member")), QStringLiteral("0"));
        const RestorePlan planned = m_incident.plan(QStringLiteral("a_group MISSING"));
        QCOMPARE(
            planned.tableOrder, (QStringList { QStringLiteral("public.a_group"), QStringLiteral("public.b_member") }));
        QCOMPARE(planned.counts.value(QStringLiteral("public.b_member")).value(RowAction::Insert), 3);
        previewRunUndo(ScriptRenderer::render(planned), [&] { checkGroupsAsInBackup(); });
    }

    void recreatedRowInACycle_data()
    {
        QTest::addColumn<QByteArray>("schema");
        QTest::addColumn<QByteArray>("incident");
        QTest::addColumn<QString>("root");
        QTest::addColumn<QString>("inserted"); // a table of the cycle the plan inserts rows into
        QTest::addColumn<int>("insertedRows");
        // Group "red" was lost with its members and made again under a new id, with no captain: the
        // recreated row gets its original id first, its captain (inserted later) afterwards.
        QTest::newRow("nullable key") << QByteArray(
            kGroups) << QByteArray("DELETE FROM a_group WHERE gid = 1; INSERT INTO a_group VALUES (7, 'red', NULL);")
                                      << QStringLiteral("a_group WHERE gid = 1") << QStringLiteral("public.b_member")
                                      << 2;
        // a1 was lost with its ring and made again as 9 (pointing at b2): giving it its original id
        // and b1 back is part of the ring's one statement, where b1 is inserted.
        QTest::newRow("NOT NULL keys that cannot be deferred")
            << QByteArray(kRing)
            << QByteArray("DELETE FROM ring_a WHERE id = 1; INSERT INTO ring_a VALUES (9, 2, 'a1');")
            << QStringLiteral("ring_a WHERE id = 1") << QStringLiteral("public.ring_b") << 1;
    }
    void recreatedRowInACycle()
    {
        QFETCH(QByteArray, schema);
        QFETCH(QByteArray, incident);
        QFETCH(QString, root);
        QFETCH(QString, inserted);
        QFETCH(int, insertedRows);
        const QString table = root.section(QLatin1Char(' '), 0, 0);
        m_incident.build(QStringLiteral("tst_cycles_recreated_") + table, schema.constData(), incident.constData());
        const RestorePlan planned = m_incident.plan(root);
        QCOMPARE(planned.counts.value(QStringLiteral("public.") + table).value(RowAction::Recreate), 1);
        QCOMPARE(planned.counts.value(inserted).value(RowAction::Insert), insertedRows);
        previewRunUndo(ScriptRenderer::render(planned),
            [&] { table == QLatin1String("a_group") ? checkGroupsAsInBackup() : checkRingAsInBackup(); });
    }
};

QTEST_GUILESS_MAIN(TestRestoreCycles)
#include "tst_restore_cycles.moc"
