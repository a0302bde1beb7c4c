// Declarations the database cannot give: uniqueness and rules the application enforces in code,
// relations without a foreign key, and counter caches. Parsed, checked by PostgreSQL at plan time,
// found as candidates on BACKUP, and counter caches recomputed by the plan for the parents it touches.
#include "clirun.h"
#include "core/error.h"
#include "db/pgsession.h"
#include "db/schema.h"
#include "previewrunundo.h"
#include "restore/declarationcandidates.h"
#include "restore/declarations.h"
#include "restore/declaredrules.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "testcluster.h"
#include "workspace/workspace.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

namespace {

// Users own documents, documents have revisions; users.documents_count and documents.revisions_count
// are counter caches the application keeps. Names are unique per lower-case spelling by the
// application only (no index).
const char *const kSchema = R"SQL(
CREATE SCHEMA app;
CREATE TABLE app.users (id integer PRIMARY KEY, name text NOT NULL, documents_count integer NOT NULL DEFAULT 0, karma integer NOT NULL DEFAULT 0);
CREATE TABLE app.documents (id integer PRIMARY KEY, owner_id integer NOT NULL REFERENCES app.users ON DELETE CASCADE,
  title text NOT NULL, revisions_count integer NOT NULL DEFAULT 0);
CREATE TABLE app.revisions (id integer PRIMARY KEY, document_id integer NOT NULL REFERENCES app.documents ON DELETE CASCADE, body text);
CREATE TABLE app.stars (user_id integer NOT NULL REFERENCES app.users, target_user_id integer NOT NULL REFERENCES app.users,
  PRIMARY KEY (user_id, target_user_id));
INSERT INTO app.users (id, name) SELECT g, 'user' || g FROM generate_series(1, 20) g;
INSERT INTO app.documents (id, owner_id, title) SELECT g, 1 + g % 20, 'doc ' || g FROM generate_series(1, 50) g;
INSERT INTO app.revisions (id, document_id, body) SELECT g, 1 + g % 50, 'rev ' || g FROM generate_series(1, 120) g;
UPDATE app.users u SET documents_count = (SELECT count(*) FROM app.documents d WHERE d.owner_id = u.id);
UPDATE app.documents d SET revisions_count = (SELECT count(*) FROM app.revisions r WHERE r.document_id = d.id);
-- karma: equal to the count of documents only by chance, for a few users
UPDATE app.users SET karma = id;
)SQL";

// The merge: user 4's documents go to user 1 (whose counter the application raises), user 4 is
// deleted; user 7 is deleted (its documents and revisions with it) and re-registers as user 21
// "USER7", which only the application's uniqueness says is the same name.
const char *const kIncident = R"SQL(
UPDATE app.users SET documents_count = documents_count + (SELECT count(*) FROM app.documents WHERE owner_id = 4) WHERE id = 1;
UPDATE app.documents SET owner_id = 1 WHERE owner_id = 4;
DELETE FROM app.users WHERE id = 4;
DELETE FROM app.users WHERE id = 7;
INSERT INTO app.users (id, name) VALUES (21, 'USER7');
)SQL";

const char *const kCountersRight = "SELECT count(*) FILTER (WHERE documents_count <> (SELECT count(*) FROM "
                                   "app.documents d WHERE d.owner_id = u.id)) "
                                   "FROM app.users u";

// No foreign key at all, Matrix-like: text keys, rows told apart by unique text columns.
const char *const kCandidates = R"SQL(
CREATE SCHEMA cand;
CREATE TABLE cand.rooms (room_id text PRIMARY KEY, topic text);
CREATE TABLE cand.accounts (id integer PRIMARY KEY, handle text NOT NULL, kind text NOT NULL);
CREATE TABLE cand.events (event_id text NOT NULL, room_id text, account_id integer, body text);
CREATE TABLE cand.orphans (id integer PRIMARY KEY, room_id text);
CREATE TABLE cand.memberships (id integer PRIMARY KEY, account_id integer NOT NULL REFERENCES cand.accounts, label text NOT NULL);
INSERT INTO cand.rooms SELECT '!room' || g || ':hs', 'topic ' || (g % 3) FROM generate_series(1, 12) g;
INSERT INTO cand.accounts SELECT g, '@user' || g || ':hs', CASE WHEN g % 2 = 0 THEN 'human' ELSE 'bot' END FROM generate_series(1, 15) g;
INSERT INTO cand.events SELECT '$ev' || g, '!room' || (1 + g % 12) || ':hs', CASE WHEN g % 5 = 0 THEN NULL ELSE 1 + g % 15 END,
  'hello ' || (g % 4) FROM generate_series(1, 40) g;
INSERT INTO cand.orphans SELECT g, '!room' || g || ':hs' FROM generate_series(10, 14) g;
INSERT INTO cand.memberships SELECT g, 1 + g % 5, 'label ' || (g / 5) FROM generate_series(1, 25) g;
)SQL";

} // namespace

class TestRestoreDeclarations : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_live;
    QString m_backup;

    RestorePlan plan(const RestoreRequest &request) const
    {
        PgSession live(m_live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        PgSession backup(m_backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        return RestorePlanner(live, backup).plan(request);
    }

    static RestoreRequest request(const QString &root)
    {
        RestoreRequest request;
        request.roots << RootSelection::parse(root);
        return request;
    }

    QString value(const QString &conninfo, const QString &sql) const
    {
        PgSession session(conninfo, PgSession::Options { true, QStringLiteral("Q"), 15 });
        const auto rows = session.exec(sql);
        return rows.empty() || rows[0][0].is_null() ? QString() : QString::fromStdString(rows[0][0].as<std::string>());
    }

    void build(const QString &name, const QString &backupExtra = {})
    {
        TestCluster &cluster = TestCluster::instance();
        m_backup = cluster.createDatabase(name + QStringLiteral("_backup"));
        m_live = cluster.createDatabase(name + QStringLiteral("_live"));
        cluster.execute(name + QStringLiteral("_backup"), QString::fromUtf8(kSchema) + backupExtra);
        cluster.execute(
            name + QStringLiteral("_live"), QString::fromUtf8(kSchema) + backupExtra + QString::fromUtf8(kIncident));
    }

    static QList<const PlanStep *> counterSteps(const RestorePlan &plan)
    {
        QList<const PlanStep *> steps;
        for (const PlanStep &step : plan.steps)
            if (step.kind == PlanStep::Kind::RecomputeCounter)
                steps << &step;
        return steps;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void parse_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("printed"); // empty: malformed
        QTest::newRow("unique") << "unique"
                                << "app.users (lower(name), id)"
                                << "app.users (lower(name), id)";
        QTest::newRow("unique, commas inside") << "unique"
                                               << "  tags (document_id, coalesce(a, 'x,y'))"
                                               << "tags (document_id, coalesce(a, 'x,y'))";
        QTest::newRow("unique, quoted table") << "unique"
                                              << "\"App Data\".\"User\" (\"Name\")"
                                              << "\"App Data\".\"User\" (\"Name\")";
        QTest::newRow("unique without parentheses") << "unique"
                                                    << "users lower(name)"
                                                    << "";
        QTest::newRow("unique, empty element") << "unique"
                                               << "users (a, )"
                                               << "";
        QTest::newRow("unique, unbalanced") << "unique"
                                            << "users (lower(name)"
                                            << "";
        QTest::newRow("unique, closes the select") << "unique"
                                                   << "users (a) FROM x; (b)"
                                                   << "";
        QTest::newRow("rule") << "rule"
                              << "app.stars: user_id <> target_user_id"
                              << "app.stars: user_id <> target_user_id";
        QTest::newRow("rule without condition") << "rule"
                                                << "app.stars:"
                                                << "";
        QTest::newRow("rule without colon") << "rule"
                                            << "app.stars user_id <> 1"
                                            << "";
        QTest::newRow("rule, unbalanced") << "rule"
                                          << "app.stars: a) OR (true"
                                          << "";
        QTest::newRow("relation") << "relation"
                                  << "events.room_id=rooms"
                                  << "events.room_id=rooms";
        QTest::newRow("relation, parent column") << "relation"
                                                 << "events.sender=users:name"
                                                 << "events.sender=users:name";
        QTest::newRow("relation without column") << "relation"
                                                 << "events=rooms"
                                                 << "";
    }

    void parse()
    {
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(QString, printed);
        try {
            const QString result = kind == QLatin1String("unique") ? Declarations::text(Declarations::parseUnique(text))
                : kind == QLatin1String("rule")                    ? Declarations::text(Declarations::parseRule(text))
                                                : Declarations::text(Declarations::parseRelation(text));
            QCOMPARE(result, printed);
        } catch (const Error &error) {
            QVERIFY2(printed.isEmpty(), qPrintable(error.message()));
            QVERIFY2(error.message().contains(text) && !error.message().contains(QLatin1Char('\n')),
                qPrintable(error.message()));
        }
    }

    void workspaceRoundTrip()
    {
        Declarations declared;
        declared.relations << Declarations::parseRelation(QStringLiteral("events.sender=users:name"));
        declared.uniques << Declarations::parseUnique(QStringLiteral("app.users (lower(name))"));
        declared.rules << Declarations::parseRule(QStringLiteral("app.stars: user_id <> target_user_id"));
        Workspace workspace;
        declared.saveTo(workspace);
        const QString path = m_dir.filePath(QStringLiteral("declared.salvage"));
        workspace.save(path);
        const Declarations loaded = Declarations::loadFrom(Workspace::load(path));
        QVERIFY(loaded == declared);
        QCOMPARE(loaded.uniques.first().expressions, QStringList { QStringLiteral("lower(name)") });
        QCOMPARE(loaded.relations.first().parentColumns, QStringList { QStringLiteral("name") });

        // A hand-edited file with a malformed declaration is refused, naming it.
        QJsonObject broken = workspace.toJson();
        QJsonObject sections = broken.value(QStringLiteral("sections")).toObject();
        QJsonObject section = sections.value(QStringLiteral("declarations")).toObject();
        section.insert(QStringLiteral("rules"), QJsonArray { QStringLiteral("stars without colon") });
        sections.insert(QStringLiteral("declarations"), section);
        broken.insert(QStringLiteral("sections"), sections);
        QVERIFY_THROWS_EXCEPTION(Error, Declarations::loadFrom(Workspace::fromJson(broken)));
    }

    void conditionFor()
    {
        Table stars;
        stars.schema = QStringLiteral("app");
        stars.name = QStringLiteral("stars");
        Table other = stars;
        other.name = QStringLiteral("users");
        const QList<DeclaredRule> rules { { QStringLiteral("app.stars"), QStringLiteral("user_id <> target_user_id") },
            { QStringLiteral("users"), QStringLiteral("id > 0") },
            { QStringLiteral("stars"), QStringLiteral("user_id > 0") } };
        QCOMPARE(
            DeclaredRules::conditionFor(stars, rules), QStringLiteral("(user_id <> target_user_id) AND (user_id > 0)"));
        QCOMPARE(DeclaredRules::conditionFor(other, rules), QStringLiteral("(id > 0)"));
        other.name = QStringLiteral("documents");
        QCOMPARE(DeclaredRules::conditionFor(other, rules), QString());
    }

    void declarationsCheckedByPostgresql_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("no such table") << "unique"
                                       << "app.nothing (name)"
                                       << "has no table app.nothing";
        QTest::newRow("no such column") << "unique"
                                        << "app.users (lower(nom))"
                                        << "column \"nom\" does not exist";
        QTest::newRow("not a boolean") << "rule"
                                       << "app.stars: user_id + 1"
                                       << "must be type boolean";
        QTest::newRow("rule on no table") << "rule"
                                          << "app.nothing: true"
                                          << "has no table app.nothing";
    }

    void declarationsCheckedByPostgresql()
    {
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(QString, message);
        build(QStringLiteral("tst_declared_check"));
        RestoreRequest asked = request(QStringLiteral("app.users:4"));
        if (kind == QLatin1String("unique"))
            asked.uniques << Declarations::parseUnique(text);
        else
            asked.rules << Declarations::parseRule(text);
        try {
            plan(asked);
            QFAIL("the plan accepted a declaration PostgreSQL cannot compile");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("Declaration \"%1\"").arg(text))
                    && error.message().contains(message),
                qPrintable(error.message()));
        }
    }

    void declaredUniquenessMakesACollision()
    {
        build(QStringLiteral("tst_declared_unique"));
        // Without the declaration nothing says USER7 is user 7 again: user 7 would come back next to it.
        const RestorePlan plain = plan(request(QStringLiteral("app.users:7")));
        QCOMPARE(plain.counts.value(QStringLiteral("app.users")).value(RowAction::Insert), 1);
        QVERIFY(plain.collisions.isEmpty());

        RestoreRequest declared = request(QStringLiteral("app.users:7"));
        declared.uniques << Declarations::parseUnique(QStringLiteral("app.users (lower(name))"));
        const RestorePlan planned = plan(declared);
        QCOMPARE(planned.counts.value(QStringLiteral("app.users")).value(RowAction::Insert), 0);
        QCOMPARE(planned.collisions.size(), 1);
        QCOMPARE(planned.collisions.first().table, QStringLiteral("app.users"));
        QCOMPARE(planned.collisions.first().key, QStringLiteral("7"));
        QVERIFY2(planned.collisions.first().reason.contains(QLatin1String("declared: (lower(name))")),
            qPrintable(planned.collisions.first().reason));
        // Users are parents: the backup user takes its id back from the re-registration, its documents follow.
        QCOMPARE(planned.counts.value(QStringLiteral("app.users")).value(RowAction::Recreate), 1);
        salvage::test::previewRunUndo(
            m_live, ScriptRenderer::render(planned), m_dir.filePath(QStringLiteral("unique-undo.sql")), [&] {
                QCOMPARE(value(m_live,
                             QStringLiteral("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM app.users "
                                            "WHERE id IN (7, 21)")),
                    QStringLiteral("7:user7"));
            });
    }

    void declaredUniquenessExplainsARowTheMergeLeftBehind_data()
    {
        QTest::addColumn<bool>("declared");
        QTest::newRow("declared: restored") << true;
        QTest::newRow("not declared: kept deleted") << false;
    }

    void declaredUniquenessExplainsARowTheMergeLeftBehind()
    {
        QFETCH(bool, declared);
        // Document 2 is merged into 1: its tags move, except "Draft", which 1 has as "draft" (the
        // application allows one spelling per document, without an index); then 2 and what is left go.
        const QString tags = QStringLiteral(
            "CREATE TABLE app.tags (id integer PRIMARY KEY, document_id integer NOT NULL REFERENCES app.documents ON "
            "DELETE CASCADE, "
            "name text NOT NULL);"
            "INSERT INTO app.tags VALUES (1, 1, 'draft'), (2, 2, 'Draft'), (3, 2, 'urgent'), (4, 2, 'legal');");
        const QString merge = QStringLiteral(
            "UPDATE app.tags t SET document_id = 1 WHERE document_id = 2 AND NOT EXISTS "
            "(SELECT 1 FROM app.tags o WHERE o.document_id = 1 AND lower(o.name) = lower(t.name));"
            "DELETE FROM app.revisions WHERE document_id = 2; DELETE FROM app.documents WHERE id = 2;");
        TestCluster &cluster = TestCluster::instance();
        m_backup = cluster.createDatabase(QStringLiteral("tst_declared_merge_backup"));
        m_live = cluster.createDatabase(QStringLiteral("tst_declared_merge_live"));
        cluster.execute(QStringLiteral("tst_declared_merge_backup"), QString::fromUtf8(kSchema) + tags);
        cluster.execute(QStringLiteral("tst_declared_merge_live"), QString::fromUtf8(kSchema) + tags + merge);
        RestoreRequest asked = request(QStringLiteral("app.documents:2"));
        if (declared)
            asked.uniques << Declarations::parseUnique(QStringLiteral("app.tags (document_id, lower(name))"));
        const RestorePlan planned = plan(asked);
        const QMap<RowAction, qint64> counts = planned.counts.value(QStringLiteral("app.tags"));
        QCOMPARE(counts.value(RowAction::Repoint), 2);
        QCOMPARE(counts.value(RowAction::Insert), declared ? 1 : 0);
        QCOMPARE(counts.value(RowAction::DeletedSince), declared ? 0 : 1);
    }

    void counterCachesRecomputed()
    {
        build(QStringLiteral("tst_declared_counters"));
        QCOMPARE(
            value(m_live, QString::fromLatin1(kCountersRight)), QStringLiteral("0")); // user 1 counts 4's documents
        const RestorePlan planned = plan(request(QStringLiteral("app.users:4")));
        QCOMPARE(planned.counts.value(QStringLiteral("app.documents")).value(RowAction::Repoint), 3);
        const QList<const PlanStep *> steps = counterSteps(planned);
        QStringList names;
        for (const PlanStep *step : steps)
            names << step->table + QLatin1Char('.') + step->column;
        names.sort();
        // karma equals the count for 2 of 20 users only; revisions_count is recomputed for the re-pointed documents.
        QCOMPARE(names,
            (QStringList {
                QStringLiteral("app.documents.revisions_count"), QStringLiteral("app.users.documents_count") }));
        const PlanStep *users = steps.first()->table == QLatin1String("app.users") ? steps.first() : steps.last();
        QCOMPARE(users->touchedKeys, QStringList { QStringLiteral("1") }); // the merge target the documents leave
        QVERIFY2(
            users->description.startsWith(QLatin1String("counter app.users.documents_count recomputed for 2 parents")),
            qPrintable(users->description));
        QVERIFY(planned.summary().contains(users->description));
        // After the foreign keys are put back.
        QCOMPARE(planned.steps.last().kind, PlanStep::Kind::RecomputeCounter);
        const QByteArray script = ScriptRenderer::render(planned);
        QVERIFY2(script.contains("UPDATE \"app\".\"users\" h SET \"documents_count\" = (SELECT count(*) FROM "
                                 "\"app\".\"documents\" c WHERE "
                                 "c.\"owner_id\" = h.\"id\")"),
            script.constData());

        const QString before = value(m_live, QStringLiteral("SELECT documents_count FROM app.users WHERE id = 1"));
        salvage::test::previewRunUndo(m_live, script, m_dir.filePath(QStringLiteral("counters-undo.sql")), [&] {
            QCOMPARE(value(m_live, QString::fromLatin1(kCountersRight)), QStringLiteral("0"));
            QCOMPARE(value(m_live, QStringLiteral("SELECT documents_count FROM app.users WHERE id = 1")),
                value(m_backup, QStringLiteral("SELECT documents_count FROM app.users WHERE id = 1")));
        });
        // previewRunUndo compared every table after the undo; the counter is back too.
        QCOMPARE(value(m_live, QStringLiteral("SELECT documents_count FROM app.users WHERE id = 1")), before);

        // Turned off: no step, a warning that names the counter.
        RestoreRequest off = request(QStringLiteral("app.users:4"));
        off.recomputeCounters = false;
        const RestorePlan left = plan(off);
        QVERIFY(counterSteps(left).isEmpty());
        QVERIFY2(left.warnings.join(QLatin1Char('\n'))
                     .contains(QLatin1String("app.users.documents_count is a counter cache")),
            qPrintable(left.warnings.join(QLatin1Char('\n'))));
        // …and user 1 keeps counting the documents that went back to 4.
        salvage::test::previewRunUndo(m_live, ScriptRenderer::render(left),
            m_dir.filePath(QStringLiteral("stale-undo.sql")),
            [&] { QCOMPARE(value(m_live, QString::fromLatin1(kCountersRight)), QStringLiteral("1")); });
    }

    void counterNeedsNinetyFivePercent_data()
    {
        QTest::addColumn<int>("wrong");
        QTest::addColumn<bool>("detected");
        QTest::newRow("1 of 20 wrong: 95 %") << 1 << true;
        QTest::newRow("2 of 20 wrong: 90 %") << 2 << false;
    }

    void counterNeedsNinetyFivePercent()
    {
        QFETCH(int, wrong);
        QFETCH(bool, detected);
        // Users 11.. get a wrong counter in both databases (the application missed them once).
        build(QStringLiteral("tst_declared_percent"),
            QStringLiteral("UPDATE app.users SET documents_count = documents_count + 5 WHERE id BETWEEN 11 AND %1;")
                .arg(10 + wrong));
        const RestorePlan planned = plan(request(QStringLiteral("app.users:4")));
        bool found = false;
        for (const PlanStep *step : counterSteps(planned))
            found = found || step->column == QLatin1String("documents_count");
        QCOMPARE(found, detected);
    }

    void candidatesOnASchemaWithoutForeignKeys()
    {
        TestCluster &cluster = TestCluster::instance();
        const QString backup = cluster.createDatabase(QStringLiteral("tst_declared_candidates"));
        cluster.execute(QStringLiteral("tst_declared_candidates"), QString::fromUtf8(kCandidates));
        PgSession session(backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        QStringList found;
        for (const DeclarationCandidate &candidate : DeclarationCandidates::find(session))
            found << DeclarationCandidates::kindName(candidate.kind) + QLatin1Char(' ') + candidate.declaration;
        const QString all = found.join(QLatin1Char('\n'));
        QVERIFY2(found.contains(QStringLiteral("relation cand.events.room_id=cand.rooms")), qPrintable(all));
        QVERIFY2(found.contains(QStringLiteral("relation cand.events.account_id=cand.accounts")), qPrintable(all));
        QVERIFY2(found.contains(QStringLiteral("unique cand.accounts (handle)")), qPrintable(all));
        QVERIFY2(found.contains(QStringLiteral("unique cand.events (event_id)")), qPrintable(all));
        QVERIFY2(found.contains(QStringLiteral("unique cand.memberships (account_id, label)")), qPrintable(all));
        // Rooms 13 and 14 are not in cand.rooms; the declared foreign key needs no candidate; duplicates are no key.
        QVERIFY2(!all.contains(QLatin1String("cand.orphans.room_id=")), qPrintable(all));
        QVERIFY2(!all.contains(QLatin1String("cand.memberships.account_id=")), qPrintable(all));
        QVERIFY2(!all.contains(QLatin1String("(kind)")) && !all.contains(QLatin1String("(body)"))
                && !all.contains(QLatin1String("(topic)")),
            qPrintable(all));
        // The primary key is unique already.
        QVERIFY2(!all.contains(QLatin1String("cand.rooms (room_id)")), qPrintable(all));

        // The CLI says the same, as JSON.
        const auto run = salvage::test::runCli({ QStringLiteral("restore"), QStringLiteral("candidates"),
            QStringLiteral("--backup"), backup, QStringLiteral("--format"), QStringLiteral("json") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray listed
            = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("candidates")).toArray();
        QCOMPARE(listed.size(), found.size());
        QCOMPARE(listed.first().toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("relation"));
        const auto text = salvage::test::runCli(
            { QStringLiteral("restore"), QStringLiteral("candidates"), QStringLiteral("--backup"), backup });
        QVERIFY2(text.exitCode == 0, text.err.constData());
        QCOMPARE(text.out.count('\n'), found.size());
        QVERIFY2(text.out.contains("relation cand.events.room_id=cand.rooms  -- all "), text.out.constData());
        const auto badFormat = salvage::test::runCli({ QStringLiteral("restore"), QStringLiteral("candidates"),
            QStringLiteral("--backup"), backup, QStringLiteral("--format"), QStringLiteral("xml") });
        QCOMPARE(badFormat.exitCode, 2);
    }

    void cliOptions()
    {
        build(QStringLiteral("tst_declared_cli"));
        const QStringList base { QStringLiteral("restore"), QStringLiteral("plan"), QStringLiteral("--live"), m_live,
            QStringLiteral("--backup"), m_backup, QStringLiteral("--root"), QStringLiteral("app.users:4"),
            QStringLiteral("-o"), m_dir.filePath(QStringLiteral("cli.sql")),
            QStringLiteral("--force") }; // one file, rewritten
        for (const QStringList &malformed :
            { QStringList { QStringLiteral("--unique"), QStringLiteral("app.users lower(name)") },
                QStringList { QStringLiteral("--rule"), QStringLiteral("app.stars") },
                QStringList { QStringLiteral("--relation"), QStringLiteral("documents=users") } }) {
            const auto run = salvage::test::runCli(base + malformed);
            QCOMPARE(run.exitCode, 2);
            QCOMPARE(run.err.trimmed().count('\n'), 0);
            QVERIFY2(run.err.contains(malformed.last().toUtf8()), run.err.constData());
        }
        // PostgreSQL's word on an expression, naming the declaration.
        const auto wrong = salvage::test::runCli(
            base + QStringList { QStringLiteral("--unique"), QStringLiteral("app.users (lower(nom))") });
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains("Declaration \"app.users (lower(nom))\"") && wrong.err.contains("nom"),
            wrong.err.constData());

        const auto on = salvage::test::runCli(base);
        QVERIFY2(on.exitCode == 0, on.err.constData());
        QVERIFY2(on.out.contains("counter app.users.documents_count recomputed for 2 parents"), on.out.constData());
        const auto off = salvage::test::runCli(base + QStringList { QStringLiteral("--no-recompute-counters") });
        QVERIFY2(off.exitCode == 0, off.err.constData());
        QVERIFY2(!off.out.contains("counter app.users.documents_count recomputed")
                && off.out.contains("app.users.documents_count is a counter cache"),
            off.out.constData());

        // The same declarations from a workspace file.
        Declarations declared;
        declared.uniques << Declarations::parseUnique(QStringLiteral("app.users (lower(name))"));
        Workspace workspace;
        declared.saveTo(workspace);
        const QString path = m_dir.filePath(QStringLiteral("cli.salvage"));
        workspace.save(path);
        QStringList user7 = base;
        user7[user7.indexOf(QStringLiteral("app.users:4"))] = QStringLiteral("app.users:7");
        const auto fromWorkspace = salvage::test::runCli(user7 + QStringList { QStringLiteral("--workspace"), path });
        QVERIFY2(fromWorkspace.exitCode == 0, fromWorkspace.err.constData());
        QVERIFY2(fromWorkspace.out.contains("Collisions: 1"), fromWorkspace.out.constData());
        const auto withoutWorkspace = salvage::test::runCli(user7);
        QVERIFY2(withoutWorkspace.out.contains("Collisions: 0"), withoutWorkspace.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestRestoreDeclarations)
#include "tst_restore_declarations.moc"
