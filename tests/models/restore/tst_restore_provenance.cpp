// Issue 11's provenance principle on a schema unlike the demo (tests/models/restore/provenance/):
// a plan acts only on what the incident did; everything else that differs is life since the
// backup, and life wins. Each test plans (users missing from LIVE as roots, the application's
// uniqueness and rule declared), runs the plan on LIVE and checks rows by key. The fixture's SQL
// comments say which rule each interesting row exercises and what the correct outcome is.
#include "db/pgsession.h"
#include "livesnapshot.h"
#include "previewrunundo.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

namespace {

QByteArray fixture(const char *name)
{
    QFile file(QStringLiteral(RESTORE_FIXTURES "/provenance/") + QLatin1String(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the provenance fixture %s", name);
    return file.readAll();
}

/// What the operator gives: the users missing from LIVE, and what the application checks in code.
RestoreRequest request()
{
    RestoreRequest request;
    request.roots << RootSelection::parse(QStringLiteral("app.users MISSING"));
    request.uniques << DeclaredUnique { QStringLiteral("app.tags"),
        { QStringLiteral("document_id"), QStringLiteral("user_id"), QStringLiteral("lower(name)") } };
    request.uniques << DeclaredUnique { QStringLiteral("app.document_watchers"),
        { QStringLiteral("document_id"), QStringLiteral("user_id") } };
    request.rules << DeclaredRule { QStringLiteral("app.stars"), QStringLiteral("user_id <> target_user_id") };
    request.recomputeCounters = true;
    return request;
}

/// Collects every mismatch of a test, so that one failure lists them all.
class Expectations
{
public:
    explicit Expectations(const salvage::test::SmallIncident &incident)
        : m_incident(incident)
    {
    }

    /// The rows of `table` matching `where`, as row literals in row order ("" when there is none).
    void rows(const QString &table, const QString &where, const QString &expected)
    {
        check(QStringLiteral("%1 WHERE %2").arg(table, where),
            QStringLiteral("SELECT string_agg(x::text, ' ' ORDER BY x) FROM %1 x WHERE %2").arg(table, where),
            expected);
    }
    void absent(const QString &table, const QString &where) { rows(table, where, QString()); }
    void check(const QString &what, const QString &sql, const QString &expected)
    {
        const QString got = m_incident.value(sql);
        if (got != expected)
            m_mismatches << QStringLiteral("%1: expected \"%2\", got \"%3\"").arg(what, expected, got);
    }
    void fail(const QString &mismatch) { m_mismatches << mismatch; }
    bool ok() const { return m_mismatches.isEmpty(); }
    /// Prints every mismatch (QTest would cut one long message short) and returns their count as the failure text.
    QByteArray report() const
    {
        for (const QString &mismatch : m_mismatches)
            qWarning().noquote() << "MISMATCH" << mismatch;
        return QByteArray::number(m_mismatches.size()) + " mismatches, each printed above as MISMATCH";
    }

private:
    const salvage::test::SmallIncident &m_incident;
    QStringList m_mismatches;
};

QString bucketText(const QMap<RestoreBucket, qint64> &buckets)
{
    QStringList parts;
    for (auto it = buckets.cbegin(); it != buckets.cend(); ++it)
        if (it.value() != 0)
            parts << QStringLiteral("%1 %2").arg(restoreBucketName(it.key())).arg(it.value());
    return parts.join(QStringLiteral(", "));
}

} // namespace

class TestRestoreProvenance : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    salvage::test::SmallIncident m_incident;
    RestorePlan m_plan;

    /// Fresh BACKUP (T0) and LIVE (T0, then life, then the incident) named after the test.
    void build(const QString &name, salvage::test::SmallIncident &incident)
    {
        incident.build(name, QByteArray(fixture("schema.sql") + fixture("backup_data.sql")).constData(),
            QByteArray(fixture("life.sql") + fixture("incident.sql")).constData());
    }

    /// Builds the fixture and plans; false (with the planner's message) when the planner throws.
    bool buildAndPlan(const QString &name, QString *error)
    {
        build(name, m_incident);
        try {
            m_plan = m_incident.plan(request());
            return true;
        } catch (const std::exception &e) {
            *error = QString::fromUtf8(e.what());
            return false;
        }
    }

    /// Runs the plan's script on LIVE the way the application does; the report's error if it did not commit.
    QString run(const QString &live, const QByteArray &script)
    {
        PgSession session(live, PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport report = RestoreExecutor(session).run(script, salvage::test::freshUndoPath(m_dir.path()));
        if (!report.committed)
            return report.error.isEmpty() ? QStringLiteral("not committed") : report.error;
        for (const StatementOutcome &outcome : report.statements)
            if (outcome.expectedRows >= 0 && outcome.rows != outcome.expectedRows)
                return QStringLiteral("line %1 (%2) wrote %3 rows, %4 expected")
                    .arg(outcome.line)
                    .arg(outcome.description)
                    .arg(outcome.rows)
                    .arg(outcome.expectedRows);
        return {};
    }

    /// Keys the plan lists as deleted since the backup (kept deleted) that it should and does not.
    void expectListedAsDeleted(Expectations &expect, const QString &table, const QStringList &keys) const
    {
        QStringList listed;
        for (const PlanListing &listing : m_plan.deletedSince)
            if (listing.table == table)
                listed << listing.key;
        for (const QString &key : keys)
            if (!listed.contains(key))
                expect.fail(QStringLiteral("plan: %1 %2 not listed as deleted since the backup (listed: %3)")
                                .arg(table, key, listed.join(QStringLiteral("; "))));
    }

    /// Builds, plans and runs: the state every row-level test checks.
    bool planAndRun(const QString &name, QString *error)
    {
        if (!buildAndPlan(name, error))
            return false;
        *error = run(m_incident.live(), ScriptRenderer::render(m_plan));
        return error->isEmpty();
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void fixtureIsTheIncidentItDescribes()
    {
        // Guards the hand-derived expectations below: LIVE before any restore, as the fixture's comments say.
        build(QStringLiteral("tst_prov_fixture"), m_incident);
        Expectations expect(m_incident);
        expect.rows(QStringLiteral("app.memberships"), QStringLiteral("true"),
            QStringLiteral("(1,1,admin) (1,2,reader) (1,10,editor) (2,10,editor) (3,10,admin) (3,13,reader)"));
        expect.rows(
            QStringLiteral("app.stars"), QStringLiteral("true"), QStringLiteral("(1,2,t) (2,10,f) (3,10,t) (10,1,t)"));
        expect.rows(QStringLiteral("app.document_watchers"), QStringLiteral("true"),
            QStringLiteral("(100,10) (104,1) (104,10)"));
        expect.rows(QStringLiteral("app.users"), QStringLiteral("id IN (11, 12)"), QString());
        expect.check(QStringLiteral("search_path of new sessions"), QStringLiteral("SHOW search_path"),
            QStringLiteral("app, types, public"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 1: a foreign key that differs is put back only when its backup value is a root or a
    // restored row (document 103's owner 12; its contact e-mail 802, emptied by SET NULL when the
    // incident deleted the e-mail); ordinary edits (document moved to another team, current
    // revision advanced, a reply emptied by SET NULL when its author deleted the parent) are kept. One row per shape:
    // id key, composite key, a key holding the moved column, no primary key.
    void rule1_foreignKeysPutBackOnlyToRootsOrRestoredRows()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_rule1"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.rows(QStringLiteral("app.documents"), QStringLiteral("id = 100"),
            QStringLiteral("(100,11,2,\"Q3 plan\",published,1,1,1,)"));
        expect.rows(QStringLiteral("app.documents"), QStringLiteral("id = 101"),
            QStringLiteral("(101,11,1,\"Notes (final)\",published,2,2,0,)"));
        expect.rows(QStringLiteral("app.documents"), QStringLiteral("id = 103"),
            QStringLiteral("(103,12,3,Spec,published,2,2,0,802)"));
        expect.rows(QStringLiteral("app.revisions"),
            QStringLiteral("(document_id, revno) IN ((100, 1), (103, 1), (103, 2), (104, 1), (104, 2), (104, 3))"),
            QStringLiteral(
                "(100,1,11,\"plan v1\") (103,1,12,\"spec v1\") (103,2,12,\"spec v2 (fixed)\") (104,1,1,handbook) "
                "(104,2,11,\"vic's section\") (104,3,12,\"val's section\")"));
        expect.rows(QStringLiteral("app.comments"), QStringLiteral("id IN (500, 503)"),
            QStringLiteral("(500,104,11,,\"vic asks\") (503,104,3,,\"carol on the aside\")"));
        expect.rows(QStringLiteral("app.tags"), QStringLiteral("id IN (702, 705)"),
            QStringLiteral("(702,103,12,spec) (705,106,12,reviewed)"));
        expect.rows(QStringLiteral("app.memberships"), QStringLiteral("team_id = 3"),
            QStringLiteral("(3,12,admin) (3,13,reader)"));
        expect.rows(QStringLiteral("app.stars"), QStringLiteral("user_id = 2"), QStringLiteral("(2,11,f)"));
        expect.rows(
            QStringLiteral("app.document_watchers"), QStringLiteral("document_id = 100"), QStringLiteral("(100,11)"));
        // Created by a victim after the backup and moved by the incident: nothing in BACKUP says whose, so tom's.
        expect.rows(QStringLiteral("app.documents"), QStringLiteral("id = 105"),
            QStringLiteral("(105,10,1,\"New idea\",draft,,0,0,)"));
        expect.rows(QStringLiteral("app.revisions"), QStringLiteral("document_id = 101"),
            QStringLiteral("(101,1,11,\"notes v1\") (101,2,10,\"notes v2\")"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 2a: rows life deleted while every parent they had in the backup still exists stay deleted.
    void rule2a_lifeDeletionsWithAllParentsStayDeleted()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_rule2a"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.absent(
            QStringLiteral("app.revisions"), QStringLiteral("(document_id, revno) = (100, 2)")); // composite key
        expect.absent(QStringLiteral("app.tags"), QStringLiteral("id = 703")); // id key
        expect.absent(
            QStringLiteral("app.document_watchers"), QStringLiteral("(document_id, user_id) = (100, 3)")); // no key
        expectListedAsDeleted(expect, QStringLiteral("app.revisions"), { QStringLiteral("100,2") });
        expectListedAsDeleted(expect, QStringLiteral("app.tags"), { QStringLiteral("703") });
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 2b: rows that went with a root through a column the incident did not re-point are restored.
    void rule2b_rowsThatWentWithARootAreRestored()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_rule2b"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.rows(QStringLiteral("app.users"), QStringLiteral("id IN (11, 12)"),
            QStringLiteral("(11,vic,\"Vic (victim)\") (12,val,\"Val (victim)\")"));
        expect.rows(QStringLiteral("app.user_emails"), QStringLiteral("id IN (800, 802)"),
            QStringLiteral("(800,11,vic@example.org) (802,12,val@work.example)")); // id key
        expect.rows(QStringLiteral("app.user_settings"), QStringLiteral("user_id IN (11, 12)"),
            QStringLiteral("(11,lang,fr) (11,theme,dark) (12,theme,light)")); // composite key holding the root's key
        expect.rows(QStringLiteral("app.audit_log"), QStringLiteral("user_id IN (11, 12)"),
            QStringLiteral(
                "(11,login,\"2026-01-01 10:00:00\") (11,login,\"2026-01-02 10:00:00\") "
                "(12,export,\"2026-01-03 09:00:00\") (12,export,\"2026-01-03 09:00:00\")")); // no key, a duplicate
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 2c: rows the incident skipped (a primary key or declared uniqueness already held at the
    // target, possibly by another victim's moved row; a self-star the declared rule forbids) are restored.
    void rule2c_rowsTheIncidentSkippedAreRestored()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_rule2c"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.rows(QStringLiteral("app.memberships"), QStringLiteral("team_id IN (1, 2)"),
            QStringLiteral("(1,1,admin) (1,2,reader) (1,10,editor) (1,11,editor) (2,11,editor) (2,12,editor)"));
        expect.rows(QStringLiteral("app.tags"), QStringLiteral("document_id = 104"),
            QStringLiteral("(700,104,11,Urgent) (701,104,10,urgent)"));
        expect.rows(QStringLiteral("app.stars"), QStringLiteral("user_id IN (3, 10, 11)"),
            QStringLiteral("(3,10,t) (3,11,f) (10,12,t) (11,1,t) (11,10,f) (11,12,f)"));
        expect.rows(QStringLiteral("app.document_watchers"), QStringLiteral("document_id = 104"),
            QStringLiteral("(104,1) (104,10) (104,11)"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 2d: rows already gone when the incident ran (their owner deleted them; their parent went in life) stay
    // deleted.
    void rule2d_rowsGoneBeforeTheIncidentStayDeleted()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_rule2d"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.absent(QStringLiteral("app.memberships"), QStringLiteral("team_id = 4")); // key holding the moved column
        expect.absent(QStringLiteral("app.documents"), QStringLiteral("id = 102")); // id key
        expect.absent(QStringLiteral("app.revisions"), QStringLiteral("(document_id, revno) IN ((102, 1), (106, 2))"));
        expect.absent(QStringLiteral("app.tags"), QStringLiteral("id IN (704, 706)"));
        expect.absent(QStringLiteral("app.comments"), QStringLiteral("id = 502"));
        expect.absent(QStringLiteral("app.stars"), QStringLiteral("user_id = 12"));
        expect.absent(QStringLiteral("app.document_watchers"), QStringLiteral("document_id IN (102, 103)")); // no key
        expectListedAsDeleted(expect, QStringLiteral("app.memberships"), { QStringLiteral("4,11") });
        expectListedAsDeleted(expect, QStringLiteral("app.documents"), { QStringLiteral("102") });
        expectListedAsDeleted(expect, QStringLiteral("app.tags"), { QStringLiteral("704"), QStringLiteral("706") });
        expectListedAsDeleted(expect, QStringLiteral("app.comments"), { QStringLiteral("502") });
        expectListedAsDeleted(expect, QStringLiteral("app.stars"), { QStringLiteral("12,2") });
        expectListedAsDeleted(
            expect, QStringLiteral("app.revisions"), { QStringLiteral("102,1"), QStringLiteral("106,2") });
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 3: a row the incident re-keyed comes back under its original key with LIVE's newer values.
    void rule3_reKeyedRowsComeBackWithLiveValues()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_rule3"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.rows(QStringLiteral("app.memberships"), QStringLiteral("team_id = 2"),
            QStringLiteral("(2,11,editor) (2,12,editor)"));
        expect.rows(QStringLiteral("app.stars"), QStringLiteral("target_user_id = 1"), QStringLiteral("(11,1,t)"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 4: a run never overwrites what changed after planning. Between plan and run an admin
    // hands val's spec to carol and changes tom's (moved) role in ops: the Salvage run and the psql
    // run of the same script both stop, LIVE unchanged.
    void rule4_runStopsOnRowsChangedAfterPlanning()
    {
        QString error;
        QVERIFY2(buildAndPlan(QStringLiteral("tst_prov_rule4"), &error), qPrintable(error));
        salvage::test::SmallIncident copy;
        build(QStringLiteral("tst_prov_rule4_psql"), copy);
        const QByteArray script = ScriptRenderer::render(m_plan);
        const char *const afterPlanning
            = "UPDATE app.documents SET owner_id = 3 WHERE id = 103; "
              "UPDATE app.memberships SET role = 'reader' WHERE (team_id, user_id) = (3, 10);";
        salvage::test::TestCluster &cluster = salvage::test::TestCluster::instance();
        cluster.execute(QStringLiteral("tst_prov_rule4_live"), QString::fromLatin1(afterPlanning));
        cluster.execute(QStringLiteral("tst_prov_rule4_psql_live"), QString::fromLatin1(afterPlanning));

        Expectations expect(m_incident);
        const auto before = salvage::test::tableDigests(m_incident.live());
        const QString ran = run(m_incident.live(), script);
        if (ran.isEmpty())
            expect.fail(
                QStringLiteral("Salvage run: expected it to stop on the rows changed after planning, it committed"));
        else if (!ran.contains(QLatin1String("app.documents")) && !ran.contains(QLatin1String("app.memberships")))
            expect.fail(QStringLiteral("Salvage run: stopped, but its error names neither changed table: %1").arg(ran));
        if (salvage::test::tableDigests(m_incident.live()) != before)
            expect.fail(QStringLiteral("Salvage run: LIVE changed"));
        expect.rows(QStringLiteral("app.documents"), QStringLiteral("id = 103"),
            QStringLiteral("(103,3,3,Spec,published,2,2,0,)"));

        const auto copyBefore = salvage::test::tableDigests(copy.live());
        QFile file(m_dir.filePath(QStringLiteral("rule4.sql")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(script);
        file.close();
        if (salvage::test::runWithPsql(copy.live(), file.fileName()).exitCode == 0)
            expect.fail(
                QStringLiteral("psql run: expected it to stop on the rows changed after planning, it exited 0"));
        if (salvage::test::tableDigests(copy.live()) != copyBefore)
            expect.fail(QStringLiteral("psql run: LIVE changed"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // Rule 5: val's e-mail 801 cannot come back (a re-registration took the address): the plan says so
    // on the restored parent, user 12, with the choices merge / remap / skip; the run leaves the newcomer alone.
    void rule5_restoredParentLosingADependantIsAFinding()
    {
        QString error;
        QVERIFY2(buildAndPlan(QStringLiteral("tst_prov_rule5"), &error), qPrintable(error));
        Expectations expect(m_incident);
        const PlanListing *finding = nullptr;
        for (const QList<PlanListing> *list : { &m_plan.collisions, &m_plan.unrestorable, &m_plan.deletedSince })
            for (const PlanListing &listing : *list)
                if (listing.table == QLatin1String("app.users") && listing.key == QLatin1String("12"))
                    finding = &listing;
        if (!finding) {
            QStringList listed;
            for (const PlanListing &listing : m_plan.collisions + m_plan.unrestorable)
                listed << QStringLiteral("%1 %2 %3").arg(listing.table, listing.key, rowActionName(listing.action));
            expect.fail(QStringLiteral(
                "plan: expected a finding on app.users 12 (dependant app.user_emails 801 skipped), got none; "
                "collisions and unrestorable: %1")
                            .arg(listed.join(QStringLiteral("; "))));
        } else {
            for (const char *word : { "app.user_emails", "801", "merge", "remap", "skip" })
                if (!finding->reason.contains(QLatin1String(word)))
                    expect.fail(QStringLiteral("plan: the finding on app.users 12 does not say \"%1\": %2")
                                    .arg(QLatin1String(word), finding->reason));
            if (!m_plan.summary().contains(finding->reason))
                expect.fail(QStringLiteral("plan: the summary does not show the finding on app.users 12"));
        }
        error = run(m_incident.live(), ScriptRenderer::render(m_plan));
        if (!error.isEmpty())
            expect.fail(QStringLiteral("run: %1").arg(error));
        expect.rows(QStringLiteral("app.user_emails"), QStringLiteral("email LIKE 'val@%'"),
            QStringLiteral("(802,12,val@work.example) (805,20,val@example.org)"));
        expect.rows(QStringLiteral("app.users"), QStringLiteral("id IN (12, 20)"),
            QStringLiteral("(12,val,\"Val (victim)\") (20,val2,\"Val again\")"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // The whole of LIVE after the run, every table, derived by hand from the fixture.
    void liveAfterTheRunIsExactlyTheExpectedState()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_whole"), &error), qPrintable(error));
        Expectations expect(m_incident);
        const QString all = QStringLiteral("true");
        expect.rows(QStringLiteral("app.users"), all,
            QStringLiteral(
                "(1,alice,Alice) (2,bob,Bob) (3,carol,Carol) (10,tom,\"Tom (merge target)\") (11,vic,\"Vic (victim)\") "
                "(12,val,\"Val (victim)\") (13,nina,Nina) (20,val2,\"Val again\")"));
        expect.rows(QStringLiteral("app.teams"), all, QStringLiteral("(1,core) (2,docs) (3,ops) (4,design)"));
        expect.rows(QStringLiteral("app.memberships"), all,
            QStringLiteral(
                "(1,1,admin) (1,2,reader) (1,10,editor) (1,11,editor) (2,11,editor) (2,12,editor) (3,12,admin) "
                "(3,13,reader)"));
        expect.rows(QStringLiteral("app.documents"), all,
            QStringLiteral("(100,11,2,\"Q3 plan\",published,1,1,1,) (101,11,1,\"Notes (final)\",published,2,2,0,) "
                           "(103,12,3,Spec,published,2,2,0,802) (104,1,1,Handbook,published,1,3,3,804) (105,10,1,\"New "
                           "idea\",draft,,0,0,) "
                           "(106,2,2,\"Bob draft\",draft,1,1,0,)"));
        expect.rows(QStringLiteral("app.revisions"), all,
            QStringLiteral(
                "(100,1,11,\"plan v1\") (101,1,11,\"notes v1\") (101,2,10,\"notes v2\") (103,1,12,\"spec v1\") "
                "(103,2,12,\"spec v2 (fixed)\") (104,1,1,handbook) (104,2,11,\"vic's section\") "
                "(104,3,12,\"val's section\") (106,1,2,\"bob draft v1\")"));
        expect.rows(QStringLiteral("app.comments"), all,
            QStringLiteral(
                "(500,104,11,,\"vic asks\") (501,104,2,500,\"bob answers\") (503,104,3,,\"carol on the aside\") "
                "(504,100,3,,\"carol on the plan\")"));
        expect.rows(QStringLiteral("app.tags"), all,
            QStringLiteral("(700,104,11,Urgent) (701,104,10,urgent) (702,103,12,spec) (705,106,12,reviewed)"));
        expect.rows(QStringLiteral("app.stars"), all,
            QStringLiteral("(1,2,t) (2,11,f) (3,10,t) (3,11,f) (10,12,t) (11,1,t) (11,10,f) (11,12,f)"));
        expect.rows(QStringLiteral("app.user_emails"), all,
            QStringLiteral(
                "(800,11,vic@example.org) (802,12,val@work.example) (803,10,tom@example.org) (804,1,alice@example.org) "
                "(805,20,val@example.org) (806,13,nina@example.org)"));
        expect.rows(QStringLiteral("app.user_settings"), all,
            QStringLiteral("(1,theme,light) (11,lang,fr) (11,theme,dark) (12,theme,light)"));
        expect.rows(QStringLiteral("app.document_watchers"), all, QStringLiteral("(100,11) (104,1) (104,10) (104,11)"));
        expect.rows(QStringLiteral("app.audit_log"), all,
            QStringLiteral("(1,login,\"2026-01-01 09:00:00\") (11,login,\"2026-01-01 10:00:00\") "
                           "(11,login,\"2026-01-02 10:00:00\") "
                           "(12,export,\"2026-01-03 09:00:00\") (12,export,\"2026-01-03 09:00:00\") "
                           "(13,signup,\"2026-02-01 08:00:00\")"));
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // The operator's psql run, under SET search_path = '' (the enums live in schema "types", which
    // the database's own search_path names), gives the same LIVE as Salvage's run.
    void psqlRunWithEmptySearchPathEqualsSalvageRun()
    {
        QString error;
        QVERIFY2(buildAndPlan(QStringLiteral("tst_prov_psql"), &error), qPrintable(error));
        salvage::test::SmallIncident copy;
        build(QStringLiteral("tst_prov_psql_copy"), copy);
        QCOMPARE(salvage::test::tableDigests(copy.live()), salvage::test::tableDigests(m_incident.live()));
        const QByteArray script = ScriptRenderer::render(m_plan);
        QVERIFY2(
            script.contains("member_role"), "no enum column is staged: the test would not exercise the search path");
        salvage::test::runScriptWithPsql(
            copy.live(), QByteArray("SET search_path = '';\n") + script, m_dir.filePath(QStringLiteral("psql.sql")));
        if (QTest::currentTestFailed())
            return;
        error = run(m_incident.live(), script);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(salvage::test::tableDigests(copy.live()), salvage::test::tableDigests(m_incident.live()));
    }

    // Preview leaves LIVE unchanged; the undo script, run by psql, gives LIVE back exactly.
    void undoGivesBackLiveExactly()
    {
        QString error;
        QVERIFY2(buildAndPlan(QStringLiteral("tst_prov_undo"), &error), qPrintable(error));
        bool ran = false;
        salvage::test::previewRunUndo(
            m_incident.live(), ScriptRenderer::render(m_plan), m_dir.filePath(QStringLiteral("undo-whole.sql")), [&] {
                ran = m_incident.value(QStringLiteral("SELECT count(*) FROM app.users WHERE id IN (11, 12)"))
                    == QLatin1String("2");
            });
        QVERIFY2(ran, "the run did not bring users 11 and 12 back");
    }

    // Every differing closure row ends in exactly one bucket: per table the buckets add up to the
    // diff's count, with the figures derived by hand from the fixture's comments.
    void bucketsReconcileWithTheDiff()
    {
        QString error;
        QVERIFY2(buildAndPlan(QStringLiteral("tst_prov_buckets"), &error), qPrintable(error));
        using B = RestoreBucket;
        const QMap<QString, QMap<RestoreBucket, qint64>> expected {
            { QStringLiteral("app.users"), { { B::Restored, 2 } } },
            { QStringLiteral("app.memberships"), { { B::Restored, 2 }, { B::PutBack, 2 }, { B::KeptDeleted, 1 } } },
            { QStringLiteral("app.documents"), { { B::PutBack, 3 }, { B::KeptDeleted, 1 } } },
            { QStringLiteral("app.revisions"), { { B::PutBack, 6 }, { B::KeptDeleted, 3 } } },
            { QStringLiteral("app.comments"), { { B::PutBack, 1 }, { B::KeptDeleted, 1 }, { B::KeptLive, 1 } } },
            { QStringLiteral("app.tags"), { { B::Restored, 1 }, { B::PutBack, 2 }, { B::KeptDeleted, 3 } } },
            { QStringLiteral("app.stars"), { { B::Restored, 4 }, { B::PutBack, 2 }, { B::KeptDeleted, 1 } } },
            { QStringLiteral("app.user_emails"), { { B::Restored, 2 }, { B::Conflict, 1 } } },
            { QStringLiteral("app.user_settings"), { { B::Restored, 3 } } },
            { QStringLiteral("app.document_watchers"),
                { { B::Restored, 1 }, { B::PutBack, 1 }, { B::KeptDeleted, 3 } } },
            { QStringLiteral("app.audit_log"), { { B::Restored, 4 } } },
        };
        Expectations expect(m_incident);
        QStringList tables = expected.keys() + m_plan.differing.keys() + m_plan.buckets.keys();
        tables.removeDuplicates();
        for (const QString &table : tables) {
            const QMap<RestoreBucket, qint64> buckets = m_plan.buckets.value(table);
            qint64 sum = 0;
            for (qint64 rows : buckets)
                sum += rows;
            if (sum != m_plan.differing.value(table))
                expect.fail(QStringLiteral("%1: buckets add up to %2 (%3), differing %4")
                                .arg(table)
                                .arg(sum)
                                .arg(bucketText(buckets))
                                .arg(m_plan.differing.value(table)));
            const QMap<RestoreBucket, qint64> wanted = expected.value(table);
            qint64 wantedSum = 0;
            for (qint64 rows : wanted)
                wantedSum += rows;
            if (m_plan.differing.value(table) != wantedSum)
                expect.fail(QStringLiteral("%1: differing expected %2, got %3")
                                .arg(table)
                                .arg(wantedSum)
                                .arg(m_plan.differing.value(table)));
            if (bucketText(buckets) != bucketText(wanted))
                expect.fail(QStringLiteral("%1: buckets expected \"%2\", got \"%3\"")
                                .arg(table, bucketText(wanted), bucketText(buckets)));
        }
        QVERIFY2(expect.ok(), expect.report().constData());
    }

    // With recomputeCounters on, every counter cache equals the count of its children after the
    // run: vic's watch of 104, skipped by the merge, comes back, so 104 has 3 watchers again.
    void counterCachesEqualTheirChildrenAfterTheRun()
    {
        QString error;
        QVERIFY2(planAndRun(QStringLiteral("tst_prov_counters"), &error), qPrintable(error));
        Expectations expect(m_incident);
        expect.check(QStringLiteral("documents whose watchers_count is not their watchers"),
            QStringLiteral(
                "SELECT string_agg(d.id || ': ' || d.watchers_count || ' for ' || (SELECT count(*) FROM "
                "app.document_watchers w "
                "WHERE w.document_id = d.id), ', ' ORDER BY d.id) FROM app.documents d WHERE d.watchers_count <> "
                "(SELECT count(*) FROM app.document_watchers w WHERE w.document_id = d.id)"),
            QString());
        expect.check(QStringLiteral("document 104: watchers_count/watchers"),
            QStringLiteral("SELECT d.watchers_count || '/' || (SELECT count(*) FROM app.document_watchers w WHERE "
                           "w.document_id = d.id) "
                           "FROM app.documents d WHERE d.id = 104"),
            QStringLiteral("3/3"));
        expect.check(QStringLiteral("documents whose revisions_count is not their revisions"),
            QStringLiteral(
                "SELECT string_agg(d.id || ': ' || d.revisions_count || ' for ' || (SELECT count(*) FROM app.revisions "
                "r "
                "WHERE r.document_id = d.id), ', ' ORDER BY d.id) FROM app.documents d WHERE d.revisions_count <> "
                "(SELECT count(*) FROM app.revisions r WHERE r.document_id = d.id)"),
            QString());
        QVERIFY2(expect.ok(), expect.report().constData());
    }
};

QTEST_GUILESS_MAIN(TestRestoreProvenance)
#include "tst_restore_provenance.moc"
