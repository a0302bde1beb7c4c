// Restore semantics that rest on evidence in the data, on small schemas with their own names:
// rows deleted since the backup stay deleted when the incident moved their siblings and not them
// (unless a unique key explains why they were left behind) or when only keys ON DELETE SET NULL
// link them to the lost rows, and features of other applications' schemas.
#include "core/error.h"
#include "db/pgsession.h"
#include "previewrunundo.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/restoreverifier.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

namespace {

// An owner (2) whose items an incident hands to another owner (3) before deleting it. Since the
// backup, owner 2 threw away item 21 (and with it owner 1's copy 23 and note 100). Item 22 could
// not be handed over: owner 3 already holds a copy of item 10, so it stayed and went with owner 2.
const char *const kHoldings = R"SQL(
CREATE TABLE "Owner" (oid integer PRIMARY KEY, handle text NOT NULL UNIQUE);
CREATE TABLE card (cid integer PRIMARY KEY, "owner ref" integer NOT NULL REFERENCES "Owner" ON DELETE CASCADE, shown text);
CREATE TABLE item (iid integer PRIMARY KEY, holder integer NOT NULL REFERENCES "Owner" ON DELETE CASCADE,
  copy_of integer REFERENCES item ON DELETE CASCADE, label text);
CREATE UNIQUE INDEX item_one_copy_each ON item (holder, copy_of) WHERE copy_of IS NOT NULL;
CREATE TABLE note (nid integer PRIMARY KEY, item_ref integer NOT NULL REFERENCES item ON DELETE CASCADE, body text);
INSERT INTO "Owner" VALUES (1, 'keeper'), (2, 'victim'), (3, 'target');
INSERT INTO card VALUES (200, 2, 'victim''s card');
INSERT INTO item VALUES (10, 1, NULL, 'original'), (20, 2, NULL, 'moved'), (21, 2, NULL, 'thrown away'),
  (22, 2, 10, 'left behind'), (23, 1, 21, 'copy of the thrown away'), (24, 2, NULL, 'moved too'), (30, 3, 10, 'target''s copy');
INSERT INTO note VALUES (100, 21, 'on the thrown away'), (101, 20, 'on a moved one'), (102, 22, 'on the left behind');
)SQL";

const char *const kHoldingsLive = R"SQL(
DELETE FROM item WHERE iid = 21;
UPDATE item t SET holder = 3 WHERE holder = 2
  AND NOT EXISTS (SELECT 1 FROM item o WHERE o.holder = 3 AND o.copy_of = t.copy_of);
DELETE FROM "Owner" WHERE oid = 2;
)SQL";

// Posts answer posts (ON DELETE SET NULL). Person 1 is lost in the incident with their posts 10 and
// 15. Since the backup, person 2 deleted 11 (an answer to 10) and person 3 deleted 14 (an answer to
// 11): the incident would only have emptied their "answers", so they stay deleted, and mark 100 on
// 11 with them. Person 4 was deleted with post 16 (an answer to 10): gone with its author. Posts 12
// and 13 are still there with their "answers" emptied.
const char *const kPosts = R"SQL(
CREATE TABLE person (pid integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE post (id integer PRIMARY KEY, author integer NOT NULL REFERENCES person ON DELETE CASCADE,
  answers integer REFERENCES post ON DELETE SET NULL, body text);
CREATE TABLE mark (id integer PRIMARY KEY, post integer NOT NULL REFERENCES post ON DELETE CASCADE, kind text);
INSERT INTO person VALUES (1, 'lost'), (2, 'second'), (3, 'third'), (4, 'fourth');
INSERT INTO post VALUES (10, 1, NULL, 'lost post'), (11, 2, 10, 'answer, deleted'), (12, 3, 10, 'answer, kept'),
  (13, 2, 11, 'answer to the deleted, kept'), (14, 3, 11, 'answer to the deleted, deleted'), (15, 1, 12, 'lost answer'),
  (16, 4, 10, 'answer by a deleted person');
INSERT INTO mark VALUES (100, 11, 'on the deleted'), (101, 10, 'on the lost');
)SQL";

const char *const kPostsLive = R"SQL(
DELETE FROM post WHERE id IN (11, 14);
DELETE FROM person WHERE pid = 4;
DELETE FROM person WHERE pid = 1;
)SQL";

// Features of other applications' schemas: a GENERATED ALWAYS identity key, a stored generated
// column, names that need quoting, a partitioned child table, tables without a primary key (one
// with a unique key on NOT NULL columns, one with nothing to tell its rows apart). Member 2 is merged into member 3 and
// deleted; then someone signs up again with member 2's handle.
const char *const kFeatures = R"SQL(
CREATE SCHEMA "Club Data";
CREATE TABLE "Club Data"."Member" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, handle text NOT NULL,
  search tsvector GENERATED ALWAYS AS (to_tsvector('simple', handle)) STORED);
CREATE UNIQUE INDEX member_handle ON "Club Data"."Member" (lower(handle));
CREATE TABLE "visit""s" (id bigint NOT NULL, day date NOT NULL,
  member bigint NOT NULL REFERENCES "Club Data"."Member" ON DELETE CASCADE, PRIMARY KEY (id, day)) PARTITION BY RANGE (day);
CREATE TABLE visits_h1 PARTITION OF "visit""s" FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');
CREATE TABLE visits_h2 PARTITION OF "visit""s" FOR VALUES FROM ('2025-07-01') TO ('2026-01-01');
CREATE TABLE badge (member bigint NOT NULL REFERENCES "Club Data"."Member" ON DELETE CASCADE, kind text NOT NULL, UNIQUE (member, kind));
CREATE TABLE scribble (member bigint REFERENCES "Club Data"."Member" ON DELETE CASCADE, note text);
INSERT INTO "Club Data"."Member" (handle) VALUES ('Ann'), ('Bob'), ('Cy');
INSERT INTO "visit""s" SELECT g, date '2025-01-01' + g * 30, 1 + g % 3 FROM generate_series(1, 12) g;
INSERT INTO badge VALUES (1, 'gold'), (2, 'gold'), (2, 'silver'), (3, 'bronze');
INSERT INTO scribble VALUES (2, 'hi'), (2, 'hi'), (1, 'x');
)SQL";

const char *const kFeaturesLive = R"SQL(
UPDATE "visit""s" SET member = 3 WHERE member = 2;
DELETE FROM "Club Data"."Member" WHERE id = 2;
INSERT INTO "Club Data"."Member" (handle) VALUES ('bob');
INSERT INTO "visit""s" VALUES (100, '2025-12-01', 4);
)SQL";

// Rows that qualify for more than one of the decisions taken in one pass (ProvenanceRules): each
// must end in exactly one, the first that holds. Person 1 is lost in the incident with doc 10,
// comment 100 and doc 20, which pins comment 100 (ON DELETE CASCADE): doc 20 waits for comment 100
// (decided after docs, in the cycle) and is restored with it, though no other parent of it is the
// incident's. Since the backup, life deleted doc 23 (reviewed by person 1: ON DELETE SET NULL only),
// comment 102 (edited by person 1) and with it doc 24 that pinned it (waits, then stays deleted),
// and comment 105 on doc 26, which is still there (no parent of 105 is the incident's).
const char *const kPinned = R"SQL(
CREATE TABLE person (pid integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE doc (did integer PRIMARY KEY, owner integer NOT NULL REFERENCES person ON DELETE CASCADE,
  reviewer integer REFERENCES person ON DELETE SET NULL, pinned integer, title text);
CREATE TABLE comment (cid integer PRIMARY KEY, doc integer NOT NULL REFERENCES doc ON DELETE CASCADE,
  editor integer REFERENCES person ON DELETE SET NULL, body text);
ALTER TABLE doc ADD FOREIGN KEY (pinned) REFERENCES comment ON DELETE CASCADE;
INSERT INTO person VALUES (1, 'lost'), (2, 'alive');
INSERT INTO doc (did, owner, reviewer, title) VALUES (10, 1, NULL, 'lost'), (20, 2, NULL, 'pins a lost comment'),
  (23, 2, 1, 'reviewed by the lost, deleted since'), (24, 2, NULL, 'pins a comment deleted since'),
  (25, 2, NULL, 'alive'), (26, 2, 1, 'reviewed by the lost, alive');
INSERT INTO comment VALUES (100, 10, NULL, 'on the lost doc'), (102, 25, 1, 'edited by the lost, deleted since'),
  (105, 26, NULL, 'on a reviewed doc, deleted since');
UPDATE doc SET pinned = 100 WHERE did = 20;
UPDATE doc SET pinned = 102 WHERE did = 24;
)SQL";

const char *const kPinnedLive = R"SQL(
DELETE FROM doc WHERE did = 23;
DELETE FROM comment WHERE cid IN (102, 105);
DELETE FROM person WHERE pid = 1;
)SQL";

// Person 1 is lost with every post (all theirs; some answer others, ON DELETE SET NULL): the
// closure holds the post table whole, which planning reads without joining its keys once
// BACKUP's statistics say so. Fewer than 50 rows, so autovacuum leaves the statistics alone.
const char *const kWholeTable = R"SQL(
CREATE TABLE person (pid integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE post (id integer PRIMARY KEY, author integer NOT NULL REFERENCES person ON DELETE CASCADE,
  answers integer REFERENCES post ON DELETE SET NULL, body text);
INSERT INTO person VALUES (1, 'lost'), (2, 'alive');
INSERT INTO post SELECT g, 1, CASE WHEN g % 3 = 0 THEN g - 1 END, 'post ' || g FROM generate_series(1, 30) g;
)SQL";

const char *const kWholeTableLive = R"SQL(
DELETE FROM person WHERE pid = 1;
)SQL";

// Every person is lost, with every post and every post's mark: once BACKUP's statistics say the
// roots are the whole person table, the closure takes post whole through its NOT NULL author,
// and mark whole through post, without writing their keys (ClosureBuilder::takeWhole). The key
// of post.author is added by the test, after an orphan or not.
const char *const kTakenWhole = R"SQL(
CREATE TABLE person (pid integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE post (id integer PRIMARY KEY, author integer NOT NULL, answers integer REFERENCES post ON DELETE SET NULL,
  body text);
CREATE TABLE mark (id integer PRIMARY KEY, post integer NOT NULL REFERENCES post ON DELETE CASCADE, note text);
INSERT INTO person VALUES (1, 'lost'), (2, 'lost too');
INSERT INTO post SELECT g, 1 + g % 2, CASE WHEN g % 3 = 0 THEN g - 1 END, 'post ' || g FROM generate_series(1, 30) g;
INSERT INTO mark SELECT g, g, 'mark ' || g FROM generate_series(1, 30) g;
)SQL";

const char *const kTakenWholeLive = R"SQL(
DELETE FROM person;
)SQL";

} // namespace

class TestRestoreEvidence : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_lastUndo; ///< the undo script of the last run()
    salvage::test::SmallIncident m_incident;

    void run(const RestorePlan &plan)
    {
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport report = RestoreExecutor(session).run(
            ScriptRenderer::render(plan), m_lastUndo = salvage::test::freshUndoPath(m_dir.path()));
        QVERIFY2(report.committed, qPrintable(report.error));
        for (const StatementOutcome &outcome : report.statements)
            if (outcome.expectedRows >= 0)
                QCOMPARE(outcome.rows, outcome.expectedRows);
    }

    static QStringList keys(const QList<PlanListing> &listings, const QString &table, RowAction action)
    {
        QStringList result;
        for (const PlanListing &listing : listings)
            if (listing.table == table && listing.action == action)
                result << listing.key;
        return result;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void rowsDeletedSinceTheBackupStayDeleted()
    {
        m_incident.build(QStringLiteral("tst_evidence"), kHoldings, kHoldingsLive);
        const RestorePlan planned = m_incident.plan(QStringLiteral("Owner WHERE oid = 2"));
        // 21 was thrown away by its owner; 23 (a copy of it) and note 100 (on it) went with it: life's
        // doing, all kept deleted.
        QCOMPARE(keys(planned.deletedSince, QStringLiteral("public.item"), RowAction::DeletedSince),
            (QStringList { QStringLiteral("21"), QStringLiteral("23") }));
        QVERIFY(planned.deletedSince.first().reason.contains(QLatin1String("gone before the incident ran")));
        QVERIFY(planned.summary().contains(QLatin1String("Deleted since the backup")));
        QVERIFY(
            planned.deletedSince.at(1).reason.contains(QLatin1String("with its parent public.item (copy_of = 21)")));
        QCOMPARE(keys(planned.deletedSince, QStringLiteral("public.note"), RowAction::DeletedSince),
            QStringList { QStringLiteral("100") });
        QVERIFY(planned.unrestorable.isEmpty());
        QCOMPARE(planned.counts.value(QStringLiteral("public.item")).value(RowAction::Insert), 1); // 22, left behind
        QCOMPARE(planned.counts.value(QStringLiteral("public.item")).value(RowAction::Repoint), 2);
        QCOMPARE(planned.counts.value(QStringLiteral("public.card")).value(RowAction::Insert),
            1); // nothing moved there

        run(planned);
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT string_agg(iid || ':' || holder, ',' ORDER BY iid) FROM item")),
            QStringLiteral("10:1,20:2,22:2,24:2,30:3"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(nid::text, ',' ORDER BY nid) FROM note")),
            QStringLiteral("101,102"));
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT count(*) FROM card WHERE \"owner ref\" = 2")), QStringLiteral("1"));

        // After the run the moved siblings are back and the evidence with them: the plan that ran
        // keeps the verdict, so nothing is left to restore.
        const Verification verification = m_incident.verify(QStringLiteral("Owner WHERE oid = 2"), planned);
        QVERIFY2(verification.isComplete(), qPrintable(verification.summary()));
    }

    void operatorRestoresDeletedRowsAnyway()
    {
        m_incident.build(QStringLiteral("tst_evidence_override"), kHoldings, kHoldingsLive);
        const RestorePlan planned = m_incident.plan(QStringLiteral("Owner WHERE oid = 2"), { QStringLiteral("item") });
        QVERIFY(planned.deletedSince.isEmpty());
        run(planned);
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT string_agg(iid || ':' || holder, ',' ORDER BY iid) FROM item")),
            QStringLiteral("10:1,20:2,21:2,22:2,23:1,24:2,30:3"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(nid::text, ',' ORDER BY nid) FROM note")),
            QStringLiteral("100,101,102"));
    }

    void rowsReachedOnlyThroughSetNullStayDeleted()
    {
        m_incident.build(QStringLiteral("tst_evidence_setnull"), kPosts, kPostsLive);
        const RestorePlan planned = m_incident.plan(QStringLiteral("person WHERE pid = 1"));
        QCOMPARE(keys(planned.deletedSince, QStringLiteral("public.post"), RowAction::DeletedSince),
            (QStringList { QStringLiteral("11"), QStringLiteral("14") }));
        for (const PlanListing &listing : planned.deletedSince) {
            if (listing.table != QLatin1String("public.post"))
                continue;
            QVERIFY2(listing.reason.contains(QLatin1String("ON DELETE SET NULL")), qPrintable(listing.reason));
            QVERIFY2(listing.reason.contains(listing.key == QLatin1String("11") ? QLatin1String("answers = 10")
                                                                                : QLatin1String("answers = 11")),
                qPrintable(listing.reason));
        }
        QCOMPARE(keys(planned.unrestorable, QStringLiteral("public.post"), RowAction::Cascade),
            QStringList { QStringLiteral("16") });
        // Mark 100 was on post 11, which life deleted: it went with it.
        QCOMPARE(keys(planned.deletedSince, QStringLiteral("public.mark"), RowAction::DeletedSince),
            QStringList { QStringLiteral("100") });
        QCOMPARE(planned.counts.value(QStringLiteral("public.post")).value(RowAction::Insert), 2); // 10, 15
        QCOMPARE(planned.counts.value(QStringLiteral("public.post")).value(RowAction::Repoint),
            1); // 12 answers 10 again

        run(planned);
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id || ':' || author || ':' || "
                                                 "coalesce(answers::text, '-'), ',' ORDER BY id) FROM post")),
            QStringLiteral("10:1:-,12:3:10,13:2:-,15:1:12"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM mark")),
            QStringLiteral("101"));

        // The verdict does not rest on anything the run changes: a re-plan keeps it.
        const Verification verification = m_incident.verify(QStringLiteral("person WHERE pid = 1"), planned);
        QVERIFY2(verification.isComplete(), qPrintable(verification.summary()));
    }

    void rowsQualifyingForSeveralDecisionsEndInTheFirst()
    {
        m_incident.build(QStringLiteral("tst_evidence_pinned"), kPinned, kPinnedLive);
        const RestorePlan planned = m_incident.plan(QStringLiteral("person WHERE pid = 1"));
        // Doc 20 would also be "no parent is the incident's" (its owner is alive): waiting comes
        // first, and comment 100 turns out restored.
        QCOMPARE(planned.counts.value(QStringLiteral("public.doc")).value(RowAction::Insert), 2); // 10, 20
        QCOMPARE(planned.counts.value(QStringLiteral("public.comment")).value(RowAction::Insert), 1); // 100
        QCOMPARE(keys(planned.deletedSince, QStringLiteral("public.doc"), RowAction::DeletedSince),
            (QStringList { QStringLiteral("23"), QStringLiteral("24") }));
        QCOMPARE(keys(planned.deletedSince, QStringLiteral("public.comment"), RowAction::DeletedSince),
            (QStringList { QStringLiteral("102"), QStringLiteral("105") }));
        const auto reasonOf = [&](const QString &table, const QString &key) {
            for (const PlanListing &listing : planned.deletedSince)
                if (listing.table == table && listing.key == key)
                    return listing.reason;
            return QString();
        };
        // Reached through a key ON DELETE SET NULL and with no parent of the incident's: the first decision.
        QVERIFY2(reasonOf(QStringLiteral("public.doc"), QStringLiteral("23")).contains(QLatin1String("reviewer = 1")),
            qPrintable(reasonOf(QStringLiteral("public.doc"), QStringLiteral("23"))));
        QVERIFY2(
            reasonOf(QStringLiteral("public.comment"), QStringLiteral("102")).contains(QLatin1String("editor = 1")),
            qPrintable(reasonOf(QStringLiteral("public.comment"), QStringLiteral("102"))));
        for (const QString &key : { QStringLiteral("24"), QStringLiteral("105") }) {
            const QString reason = reasonOf(
                key == QLatin1String("24") ? QStringLiteral("public.doc") : QStringLiteral("public.comment"), key);
            QVERIFY2(reason.contains(QLatin1String("no parent it had in the backup is a root or restored")),
                qPrintable(reason));
        }
        // Each differing row in exactly one bucket: the buckets add up to the rows that differ.
        for (auto table = planned.differing.constBegin(); table != planned.differing.constEnd(); ++table) {
            qint64 bucketed = 0;
            for (qint64 rows : planned.buckets.value(table.key()))
                bucketed += rows;
            QCOMPARE(bucketed, table.value());
        }
        QCOMPARE(planned.differing.value(QStringLiteral("public.doc")), 5); // 10, 20, 23, 24 missing; 26 re-pointed
        QCOMPARE(planned.differing.value(QStringLiteral("public.comment")), 3);

        run(planned);
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(did || ':' || coalesce(pinned::text, '-') || ':' "
                                                 "|| coalesce(reviewer::text, '-'), ',' ORDER BY did) FROM doc")),
            QStringLiteral("10:-:-,20:100:-,25:-:-,26:-:1"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(cid::text, ',' ORDER BY cid) FROM comment")),
            QStringLiteral("100"));
    }

    void tableHeldWholeIsStagedAsWithItsKeys()
    {
        m_incident.build(QStringLiteral("tst_evidence_whole"), kWholeTable, kWholeTableLive);
        // No statistics yet: the closure cannot tell the table is whole, and stages it by its keys.
        const RestorePlan byKeys = m_incident.plan(QStringLiteral("person WHERE pid = 1"));
        salvage::test::TestCluster::instance().execute(
            QStringLiteral("tst_evidence_whole_backup"), QStringLiteral("ANALYZE"));
        const RestorePlan whole = m_incident.plan(QStringLiteral("person WHERE pid = 1"));
        QCOMPARE(whole.counts.value(QStringLiteral("public.post")).value(RowAction::Insert), 30);
        QCOMPARE(whole.closureRows, byKeys.closureRows);
        QCOMPARE(ScriptRenderer::render(whole), ScriptRenderer::render(byKeys));
        run(whole);
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FILTER (WHERE answers IS NOT NULL) || '/' || "
                                                 "count(*) FROM post")),
            QStringLiteral("10/30"));
    }

    void tableTakenWholeIsPlannedAsWithItsKeys_data()
    {
        QTest::addColumn<QByteArray>("schema");
        QTest::addColumn<int>("orphans");
        const QByteArray key = "ALTER TABLE post ADD FOREIGN KEY (author) REFERENCES person ON DELETE CASCADE";
        QTest::newRow("whole") << QByteArray(kTakenWhole) + key + ';' << 0;
        // A post whose author never existed (a load with triggers disabled; the key added NOT
        // VALID): post is not whole, and its orphan is no part of the closure.
        QTest::newRow("orphan") << QByteArray(kTakenWhole) + "INSERT INTO post VALUES (99, 99, NULL, 'orphan');" + key
                + " NOT VALID;" << 1;
    }

    void tableTakenWholeIsPlannedAsWithItsKeys()
    {
        QFETCH(QByteArray, schema);
        QFETCH(int, orphans);
        const QString name = QStringLiteral("tst_evidence_taken_%1").arg(orphans);
        m_incident.build(name, schema.constData(), kTakenWholeLive);
        // No statistics yet: the closure cannot tell the roots are the whole table, and follows keys.
        const RestorePlan byKeys = m_incident.plan(QStringLiteral("person MISSING"));
        salvage::test::TestCluster::instance().execute(name + QStringLiteral("_backup"), QStringLiteral("ANALYZE"));
        const RestorePlan whole = m_incident.plan(QStringLiteral("person MISSING"));
        QCOMPARE(whole.closureRows, 2 + 30 + 30); // an orphan is reached by no key
        QCOMPARE(whole.closureRows, byKeys.closureRows);
        QCOMPARE(whole.counts, byKeys.counts);
        QCOMPARE(whole.counts.value(QStringLiteral("public.mark")).value(RowAction::Insert), 30);
        QCOMPARE(ScriptRenderer::render(whole), ScriptRenderer::render(byKeys));
        run(whole);
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT (SELECT count(*) FROM post) || '/' || (SELECT count(*) FROM "
                                            "post WHERE answers IS NOT NULL) || '/' || (SELECT count(*) FROM mark)")),
            QStringLiteral("%1/10/30").arg(30 + orphans));
    }

    void operatorRestoresRowsReachedThroughSetNull()
    {
        m_incident.build(QStringLiteral("tst_evidence_setnull_override"), kPosts, kPostsLive);
        // A root is the operator's choice: no evidence keeps it deleted (its answer 14 is, as before).
        const RestorePlan rooted = m_incident.plan(QStringLiteral("post WHERE id = 11"));
        QCOMPARE(keys(rooted.deletedSince, QStringLiteral("public.post"), RowAction::DeletedSince),
            QStringList { QStringLiteral("14") });
        QCOMPARE(rooted.counts.value(QStringLiteral("public.post")).value(RowAction::Insert), 1);
        QCOMPARE(rooted.counts.value(QStringLiteral("public.mark")).value(RowAction::Insert), 1);

        const RestorePlan planned = m_incident.plan(QStringLiteral("person WHERE pid = 1"), { QStringLiteral("*") });
        QVERIFY(planned.deletedSince.isEmpty());
        run(planned);
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id || ':' || author || ':' || "
                                                 "coalesce(answers::text, '-'), ',' ORDER BY id) FROM post")),
            QStringLiteral("10:1:-,11:2:10,12:3:10,13:2:11,14:3:11,15:1:12"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM mark")),
            QStringLiteral("100,101"));
    }

    void schemaFeaturesOfOtherApplications()
    {
        m_incident.build(QStringLiteral("tst_evidence_features"), kFeatures, kFeaturesLive);
        const RestorePlan planned = m_incident.plan(QStringLiteral("\"Club Data\".\"Member\" WHERE id = 2"));
        QCOMPARE(planned.counts.value(QStringLiteral("Club Data.Member")).value(RowAction::Recreate), 1);
        QCOMPARE(planned.counts.value(QStringLiteral("public.visit\"s")).value(RowAction::Repoint), 4);
        QCOMPARE(planned.counts.value(QStringLiteral("public.badge")).value(RowAction::Insert), 2);
        // Nothing tells scribble's rows apart: they are compared and restored whole, duplicates included.
        QCOMPARE(planned.counts.value(QStringLiteral("public.scribble")).value(RowAction::Insert), 2);
        QVERIFY2(
            planned.warnings.filter(QStringLiteral("public.scribble has no primary key and no unique key")).size() == 1,
            qPrintable(planned.warnings.join(u'\n')));
        QVERIFY(planned.warnings.filter(QStringLiteral("public.badge has no primary key")).size() == 1);
        const auto before = salvage::test::tableDigests(m_incident.live());
        run(planned);
        // Bob has his id back, the newcomer's visit follows him, the generated column is computed.
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id || ':' || handle || ':' || search::text, ',' "
                                                 "ORDER BY id) FROM \"Club Data\".\"Member\"")),
            QStringLiteral("1:Ann:'ann':1,2:Bob:'bob':1,3:Cy:'cy':1"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id || ':' || member, ',' ORDER BY id) FROM "
                                                 "\"visit\"\"s\" WHERE member = 2 OR id = 100")),
            QStringLiteral("1:2,4:2,7:2,10:2,100:2"));
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT string_agg(kind, ',' ORDER BY kind) FROM badge WHERE member = 2")),
            QStringLiteral("gold,silver"));
        QCOMPARE(m_incident.value(QStringLiteral(
                     "SELECT string_agg(member || ':' || note, ',' ORDER BY member, note) FROM scribble")),
            QStringLiteral("1:x,2:hi,2:hi"));
        const ProcessResult undone = salvage::test::runWithPsql(m_incident.live(), m_lastUndo);
        QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
        QCOMPARE(salvage::test::tableDigests(m_incident.live()), before);
    }
};

QTEST_GUILESS_MAIN(TestRestoreEvidence)
#include "tst_restore_evidence.moc"
