// A foreign key inside the primary key (a join table keyed by its two references): an incident that
// re-points it gives the row a new key. The restore re-keys such moved copies back instead of
// inserting the backup row next to them, and leaves rows the new owner had or made itself.
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

// Person 81 is merged into person 2: its issues and memberships are re-pointed (a membership that 2
// already holds, repo 8, cannot be and stays behind), then 81 is deleted. Membership (2, 8) is 2's
// own from before the backup, with the same role as 81's; (2, 9) is one 2 made after the backup.
// Notes (own key) and pins (keyed by the membership) follow their membership ON UPDATE CASCADE.
const char *const kMembers = R"SQL(
CREATE TABLE person (id integer PRIMARY KEY, login text NOT NULL UNIQUE);
CREATE TABLE repo (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE "repo member" ("person id" integer NOT NULL REFERENCES person ON DELETE CASCADE,
  repo_id integer NOT NULL REFERENCES repo ON DELETE CASCADE, role text NOT NULL, PRIMARY KEY ("person id", repo_id));
CREATE TABLE issue (id integer PRIMARY KEY, author integer NOT NULL REFERENCES person ON DELETE CASCADE, title text NOT NULL);
INSERT INTO person VALUES (1, 'owner'), (2, 'target'), (3, 'other'), (81, 'merged');
INSERT INTO repo VALUES (7, 'seven'), (8, 'eight'), (9, 'nine'), (10, 'ten');
INSERT INTO "repo member" VALUES (1, 7, 'admin'), (81, 7, 'write'), (81, 8, 'read'), (2, 8, 'read'), (81, 10, 'read'), (3, 9, 'read');
INSERT INTO issue VALUES (500, 81, 'first'), (501, 81, 'second'), (502, 2, 'own');
CREATE TABLE "member note" (id integer PRIMARY KEY, "person id" integer NOT NULL, repo_id integer NOT NULL, body text,
  FOREIGN KEY ("person id", repo_id) REFERENCES "repo member" ON UPDATE CASCADE ON DELETE CASCADE);
CREATE TABLE pin ("person id" integer NOT NULL, repo_id integer NOT NULL, label text NOT NULL, PRIMARY KEY ("person id", repo_id, label),
  FOREIGN KEY ("person id", repo_id) REFERENCES "repo member" ON UPDATE CASCADE ON DELETE CASCADE);
INSERT INTO "member note" VALUES (900, 81, 7, 'on 7'), (901, 81, 8, 'on 8'), (902, 2, 8, 'own');
INSERT INTO pin VALUES (81, 7, 'star'), (81, 10, 'star'), (2, 8, 'star');
CREATE TABLE review (id integer PRIMARY KEY, "person id" integer NOT NULL, repo_id integer NOT NULL,
  FOREIGN KEY ("person id", repo_id) REFERENCES "repo member");
)SQL";

const char *const kMerge = R"SQL(
INSERT INTO "repo member" VALUES (2, 9, 'read');
UPDATE issue SET author = 2 WHERE author = 81;
UPDATE "repo member" m SET "person id" = 2 WHERE "person id" = 81
  AND NOT EXISTS (SELECT 1 FROM "repo member" o WHERE o."person id" = 2 AND o.repo_id = m.repo_id);
)SQL";

const char *const kMembership
    = "SELECT string_agg(\"person id\" || ':' || repo_id || ':' || role, ',' ORDER BY \"person id\", repo_id) "
      "FROM \"repo member\"";
const char *const kFollowers
    = "SELECT (SELECT string_agg(id || ':' || \"person id\" || ':' || repo_id, ',' ORDER BY id) FROM \"member note\") "
      "|| ' ' || "
      "(SELECT string_agg(\"person id\" || ':' || repo_id, ',' ORDER BY \"person id\", repo_id) FROM pin)";

} // namespace

class TestRestoreMovedKeys : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    salvage::test::SmallIncident m_incident;

    /// Preview (LIVE unchanged, the re-keying shown), run, then the undo script by psql gives LIVE back exactly.
    void previewRunUndo(const QByteArray &script, const std::function<void()> &checkRestored)
    {
        ExecutionReport preview;
        salvage::test::previewRunUndo(
            m_incident.live(), script, salvage::test::freshUndoPath(m_dir.path()), checkRestored, &preview);
        QVERIFY2(preview.summary().contains(QLatin1String("re-keyed back")), qPrintable(preview.summary()));
    }

    static const PlanStep *rekeyStep(const RestorePlan &plan)
    {
        for (const PlanStep &step : plan.steps)
            if (step.kind == PlanStep::Kind::Rekey)
                return &step;
        return nullptr;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void movedCopiesGetTheirKeyBack()
    {
        m_incident.build(QStringLiteral("tst_movedkeys"), kMembers,
            QByteArray(kMerge).append("DELETE FROM person WHERE id = 81;").constData());
        QCOMPARE(m_incident.value(QString::fromLatin1(kMembership)),
            QStringLiteral("1:7:admin,2:7:write,2:8:read,2:9:read,2:10:read,3:9:read"));
        const RestorePlan planned = m_incident.plan(QStringLiteral("person:81"));
        const QMap<RowAction, qint64> members = planned.counts.value(QStringLiteral("public.repo member"));
        QCOMPARE(members.value(RowAction::Rekey), 2); // (81, 7) and (81, 10), from their copies under 2
        QCOMPARE(members.value(RowAction::Insert), 1); // (81, 8): left behind, gone with 81; (2, 8) is 2's own
        QCOMPARE(planned.counts.value(QStringLiteral("public.issue")).value(RowAction::Repoint), 2);
        // The cascade from the re-keyed memberships brings their pins and notes back: no statement of their own.
        QCOMPARE(planned.counts.value(QStringLiteral("public.pin")).value(RowAction::Follows), 2);
        QCOMPARE(planned.counts.value(QStringLiteral("public.member note")).value(RowAction::Insert),
            1); // 901, on (81, 8)
        for (const PlanStep &other : planned.steps)
            QVERIFY2(other.kind == PlanStep::Kind::CheckUnchanged
                    || (other.table != QLatin1String("public.pin")
                        && (other.table != QLatin1String("public.member note")
                            || other.kind == PlanStep::Kind::Insert)),
                qPrintable(other.description));
        const PlanStep *step = rekeyStep(planned);
        QVERIFY(step);
        QCOMPARE(step->expectedRows, 2);
        QVERIFY2(step->description.contains(QLatin1String("2 rows re-keyed back"))
                && step->description.contains(QLatin1String("person id 2 -> 81")),
            qPrintable(step->description));
        QVERIFY(planned.summary().contains(step->description));
        QVERIFY(planned.collisions.isEmpty());

        const QByteArray script = ScriptRenderer::render(planned);
        QVERIFY2(script.contains("UPDATE \"public\".\"repo member\" t SET \"person id\" = s.\"person id\""),
            script.constData());
        previewRunUndo(script, [&] {
            QCOMPARE(m_incident.value(QString::fromLatin1(kMembership)),
                QStringLiteral("1:7:admin,2:8:read,2:9:read,3:9:read,81:7:write,81:8:read,81:10:read"));
            QCOMPARE(
                m_incident.value(QStringLiteral("SELECT string_agg(id || ':' || author, ',' ORDER BY id) FROM issue")),
                QStringLiteral("500:81,501:81,502:2"));
            QCOMPARE(m_incident.value(QString::fromLatin1(kFollowers)),
                QStringLiteral("900:81:7,901:81:8,902:2:8 2:8,81:7,81:10"));
        });

        // psql runs the same script; afterwards nothing is left to restore.
        salvage::test::runScriptWithPsql(m_incident.live(), script, m_dir.filePath(QStringLiteral("members.sql")));
        QCOMPARE(m_incident.value(QString::fromLatin1(kMembership)),
            QStringLiteral("1:7:admin,2:8:read,2:9:read,3:9:read,81:7:write,81:8:read,81:10:read"));
        const Verification verification = m_incident.verify(QStringLiteral("person:81"), planned);
        QVERIFY2(verification.isComplete(), qPrintable(verification.summary()));
    }

    void backupKeyTakenAgainKeepsTheCopy()
    {
        // 81 is not deleted, and joins repo 7 again after the merge: its moved copy (2, 7) cannot take
        // the key back and stays, listed; (2, 10) still goes back to (81, 10).
        m_incident.build(QStringLiteral("tst_movedkeys_taken"), kMembers,
            QByteArray(kMerge)
                .append("DELETE FROM \"repo member\" WHERE \"person id\" = 81; "
                        "INSERT INTO \"repo member\" VALUES (81, 7, 'read');")
                .constData());
        const RestorePlan planned = m_incident.plan(QStringLiteral("person:81"));
        const QMap<RowAction, qint64> members = planned.counts.value(QStringLiteral("public.repo member"));
        QCOMPARE(members.value(RowAction::Rekey), 1);
        QCOMPARE(members.value(RowAction::KeptLive), 1);
        QCOMPARE(members.value(RowAction::Insert), 1);
        QCOMPARE(planned.collisions.size(), 1);
        const PlanListing &kept = planned.collisions.first();
        QCOMPARE(kept.table, QStringLiteral("public.repo member"));
        QCOMPARE(kept.key, QStringLiteral("81,7"));
        QCOMPARE(kept.action, RowAction::KeptLive);
        QVERIFY2(kept.reason.contains(QLatin1String("moved copy (2,7) stays")), qPrintable(kept.reason));
        QVERIFY(planned.summary().contains(kept.reason));

        previewRunUndo(ScriptRenderer::render(planned), [&] {
            QCOMPARE(m_incident.value(QString::fromLatin1(kMembership)),
                QStringLiteral("1:7:admin,2:7:write,2:8:read,2:9:read,3:9:read,81:7:read,81:8:read,81:10:read"));
        });
    }

    void copyReferencedByAKeyThatDoesNotFollowStays()
    {
        // After the merge, 2 reviews repo 10 as a member: the review's key (ON UPDATE NO ACTION)
        // would not follow the membership, so (2, 10) stays and (81, 10) is listed, not inserted.
        m_incident.build(QStringLiteral("tst_movedkeys_referenced"), kMembers,
            QByteArray(kMerge)
                .append("INSERT INTO review VALUES (1, 2, 10); DELETE FROM person WHERE id = 81;")
                .constData());
        const RestorePlan planned = m_incident.plan(QStringLiteral("person:81"));
        const QMap<RowAction, qint64> members = planned.counts.value(QStringLiteral("public.repo member"));
        QCOMPARE(members.value(RowAction::Rekey), 1);
        QCOMPARE(members.value(RowAction::KeptLive), 1);
        QCOMPARE(planned.collisions.size(), 1);
        const PlanListing &kept = planned.collisions.first();
        QCOMPARE(kept.key, QStringLiteral("81,10"));
        QVERIFY2(kept.reason.contains(QLatin1String("moved copy (2,10) stays"))
                && kept.reason.contains(QLatin1String("public.review")),
            qPrintable(kept.reason));

        previewRunUndo(ScriptRenderer::render(planned), [&] {
            QCOMPARE(m_incident.value(QString::fromLatin1(kMembership)),
                QStringLiteral("1:7:admin,2:8:read,2:9:read,2:10:read,3:9:read,81:7:write,81:8:read"));
        });
    }
};

QTEST_GUILESS_MAIN(TestRestoreMovedKeys)
#include "tst_restore_movedkeys.moc"
