// Each step of RestorePlanner::plan on its own, on real PostgreSQL: the schemas with row identities,
// the closure, the comparison with LIVE, collisions and their policies, ON DELETE rules for gone
// parents, and the order of the statements. tst_restore and the provenance tests check the whole.

#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/sqlident.h"
#include "restore/closurebuilder.h"
#include "restore/declarations.h"
#include "restore/insertorder.h"
#include "restore/liveclassifier.h"
#include "restore/movedkeys.h"
#include "restore/planschemas.h"
#include "restore/planstatements.h"
#include "restore/provenancerules.h"
#include "restore/restoreplanner.h"
#include "restore/rootselection.h"
#include "restore/stagingarea.h"
#include "testcluster.h"

#include <QTest>

#include <memory>

using namespace salvage;

namespace {

/// The steps of a plan up to the staging, on two scratch databases (made anew for each test, one
/// pair for all: the cluster keeps fewer databases), in planning transactions that
/// roll back; each test goes on with the step it checks.
class Steps
{
public:
    Steps(const QString &name, const char *schema, const char *incident, const RestoreRequest &request)
        : m_request(request)
    {
        test::TestCluster &cluster = test::TestCluster::instance();
        const QString backupConninfo = cluster.createDatabase(name + QStringLiteral("_backup"));
        const QString liveConninfo = cluster.createDatabase(name + QStringLiteral("_live"));
        cluster.execute(name + QStringLiteral("_backup"), QString::fromUtf8(schema));
        cluster.execute(name + QStringLiteral("_live"), QString::fromUtf8(schema) + QString::fromUtf8(incident));
        m_liveSession
            = std::make_unique<PgSession>(liveConninfo, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        m_backupSession
            = std::make_unique<PgSession>(backupConninfo, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
        schemas = PlanSchemas::read(*m_liveSession, *m_backupSession, m_request, nullptr);
        live = std::make_unique<PgRaw>(m_liveSession->handle());
        backup = std::make_unique<PgRaw>(m_backupSession->handle());
        live->exec(QStringLiteral("BEGIN READ WRITE")); // temporary tables, as the planner does
        backup->exec(QStringLiteral("BEGIN READ WRITE"));
        closure = std::make_unique<ClosureBuilder>(schemas.backup, *backup, m_request.relations);
        closure->createKeyTables();
        staging = std::make_unique<StagingArea>(schemas, *live, *backup);
        staging->createTables();
        edges = ClosureBuilder::edgesOf(schemas.live, m_request.relations);
    }
    ~Steps()
    {
        live->exec(QStringLiteral("ROLLBACK"));
        backup->exec(QStringLiteral("ROLLBACK"));
    }

    /// Closure, staging and (after it) a classifier for every staged table, in write order.
    void stage()
    {
        closure->expandFrom(m_request.roots, *live, nullptr);
        tables = staging->stageClosure(*closure, plan);
        order = std::make_unique<InsertOrder>(tables, edges);
        movedKeys = std::make_unique<MovedKeys>(*live, *backup, *closure, staging->staged(), staging->columns(), edges);
        classifier = std::make_unique<LiveClassifier>(
            schemas.live, *live, staging->staged(), staging->columns(), edges, movedKeys.get());
    }
    void classify(bool keepDeleted)
    {
        for (const Table *table : order->tables())
            classifier->classify(
                *table, m_request.collisionPolicy(*table, edges), keepDeleted, {}, {}, m_request.choosesPolicy(*table));
    }
    const Table &table(const QString &name) const { return *schemas.live.findTable(QStringLiteral("public"), name); }
    /// "action" or "action: reason" of the staged row of `table` with primary key `key`.
    QString action(const QString &table, const QString &key, bool withReason = false) const
    {
        const auto result = live->exec(
            QStringLiteral("SELECT coalesce(\"_salvage_action\", '(undecided)'), coalesce(\"_salvage_reason\", '') "
                           "FROM %1 WHERE id::text = $1")
                .arg(staging->staged().value(QStringLiteral("public.") + table)),
            { key });
        if (PgRaw::rows(result) == 0)
            return QStringLiteral("(not staged)");
        return withReason ? PgRaw::value(result, 0, 0) + QStringLiteral(": ") + PgRaw::value(result, 0, 1)
                          : PgRaw::value(result, 0, 0);
    }

    PlanSchemas schemas;
    std::unique_ptr<PgRaw> live;
    std::unique_ptr<PgRaw> backup;
    std::unique_ptr<ClosureBuilder> closure;
    std::unique_ptr<StagingArea> staging;
    QList<ClosureBuilder::Edge> edges;
    QList<const Table *> tables;
    std::unique_ptr<InsertOrder> order;
    std::unique_ptr<MovedKeys> movedKeys;
    std::unique_ptr<LiveClassifier> classifier;
    RestorePlan plan;

private:
    RestoreRequest m_request;
    std::unique_ptr<PgSession> m_liveSession;
    std::unique_ptr<PgSession> m_backupSession;
};

RestoreRequest request(const QString &root)
{
    RestoreRequest request;
    request.roots << RootSelection::parse(root);
    return request;
}

// Named so that the schema's order (alphabetical) is not the order of writing.
const char *kThread = R"SQL(
CREATE TABLE c_accounts (id bigserial PRIMARY KEY, username text NOT NULL UNIQUE);
CREATE TABLE b_statuses (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES c_accounts ON DELETE CASCADE,
                         body text);
CREATE TABLE a_replies (id bigint PRIMARY KEY, status_id bigint NOT NULL REFERENCES b_statuses ON DELETE CASCADE);
INSERT INTO c_accounts VALUES (1, 'alice'), (2, 'bob');
INSERT INTO b_statuses VALUES (10, 1, 'a'), (11, 1, 'b'), (12, 2, 'c');
INSERT INTO a_replies VALUES (100, 10), (101, 11), (102, 12);
SELECT setval('c_accounts_id_seq', 2);
)SQL";

/// A table without a primary key, told apart by a unique index.
const char *kTags = R"SQL(
CREATE TABLE tags (name text NOT NULL, account_id bigint REFERENCES c_accounts ON DELETE CASCADE);
CREATE UNIQUE INDEX tags_name ON tags (name);
INSERT INTO tags VALUES ('cats', 1), ('dogs', 2);
)SQL";

} // namespace

class TestRestorePlanSteps : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void identity()
    {
        // A table without a primary key is told apart by its unique index on NOT NULL columns; a
        // declared uniqueness becomes a unique key of LIVE's table.
        RestoreRequest declared = request(QStringLiteral("c_accounts:1"));
        declared.uniques << Declarations::parseUnique(QStringLiteral("b_statuses (account_id, lower(body))"));
        const QByteArray schema = QByteArray(kThread) + kTags;
        Steps steps(QStringLiteral("tst_steps"), schema.constData(), "", declared);
        QCOMPARE(steps.table(QStringLiteral("tags")).primaryKey, QStringList { QStringLiteral("name") });
        QCOMPARE(steps.schemas.backup.findTable(QStringLiteral("public"), QStringLiteral("tags"))->primaryKey,
            QStringList { QStringLiteral("name") });
        QVERIFY2(steps.schemas.identityNotes.value(QStringLiteral("public.tags")).contains(QStringLiteral("tags_name")),
            qPrintable(steps.schemas.identityNotes.value(QStringLiteral("public.tags"))));
        QStringList keys;
        for (const UniqueKey &key : steps.table(QStringLiteral("b_statuses")).uniqueKeys)
            keys << key.name;
        QVERIFY2(keys.contains(QStringLiteral("declared: (account_id, lower(body))")), qPrintable(keys.join(u'|')));
    }

    void closure()
    {
        // Downward from the root through every link: alice's statuses, their replies, her tags; not bob's.
        const QByteArray schema = QByteArray(kThread) + kTags;
        Steps steps(
            QStringLiteral("tst_steps_closure"), schema.constData(), "", request(QStringLiteral("c_accounts:1")));
        QCOMPARE(
            steps.closure->expandFrom({ RootSelection::parse(QStringLiteral("c_accounts:1")) }, *steps.live, nullptr),
            qint64(6));
        const Table &statuses = *steps.schemas.backup.findTable(QStringLiteral("public"), QStringLiteral("b_statuses"));
        const Table &replies = *steps.schemas.backup.findTable(QStringLiteral("public"), QStringLiteral("a_replies"));
        const Table &tags = *steps.schemas.backup.findTable(QStringLiteral("public"), QStringLiteral("tags"));
        QCOMPARE(steps.closure->rows(statuses), qint64(2));
        QCOMPARE(steps.closure->rows(replies), qint64(2));
        QCOMPARE(steps.closure->rows(tags), qint64(1)); // told apart by its unique index
        QCOMPARE(steps.closure->tables().size(), 4);
    }

    void compareWithLive()
    {
        // Status 10 and its reply are gone, status 11 was edited, the rest is as BACKUP had it.
        Steps steps(QStringLiteral("tst_steps"), kThread,
            "DELETE FROM b_statuses WHERE id = 10; UPDATE b_statuses SET body = 'B' WHERE id = 11;",
            request(QStringLiteral("c_accounts:1")));
        steps.stage();
        QCOMPARE(steps.plan.differing.value(QStringLiteral("public.c_accounts")), qint64(0));
        QCOMPARE(steps.plan.differing.value(QStringLiteral("public.b_statuses")), qint64(2));
        QCOMPARE(steps.plan.differing.value(QStringLiteral("public.a_replies")), qint64(1));
        const auto flags = steps.live->exec(
            QStringLiteral("SELECT string_agg(id || '=' || \"_salvage_differs\", ',' ORDER BY id) FROM %1")
                .arg(steps.staging->staged().value(QStringLiteral("public.b_statuses"))));
        QCOMPARE(PgRaw::value(flags, 0, 0), QStringLiteral("10=true,11=true"));
        QCOMPARE(steps.tables.size(), 3);
        QCOMPARE(steps.staging->wholeRowTableNames(), QStringList {});
    }

    void collisions_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("expected");
        QTest::newRow("default for a referenced table") << QString() << QStringLiteral("recreate");
        QTest::newRow("restore") << QStringLiteral("restore") << QStringLiteral("recreate");
        QTest::newRow("keep-live") << QStringLiteral("keep-live") << QStringLiteral("mapped");
        QTest::newRow("skip") << QStringLiteral("skip") << QStringLiteral("skipped");
    }
    void collisions()
    {
        // alice (1) was deleted and signed up again as 3: her backup row collides on the username.
        QFETCH(QString, policy);
        QFETCH(QString, expected);
        RestoreRequest chosen = request(QStringLiteral("c_accounts:1"));
        if (!policy.isEmpty()) {
            RestorePolicy value;
            QVERIFY(parseRestorePolicy(policy, &value));
            chosen.policies.insert(QStringLiteral("c_accounts"), value);
        }
        Steps steps(QStringLiteral("tst_steps"), kThread,
            "DELETE FROM c_accounts WHERE id = 1; INSERT INTO c_accounts VALUES (3, 'alice');", chosen);
        QCOMPARE(chosen.collisionPolicy(steps.table(QStringLiteral("a_replies")), steps.edges), RestorePolicy::Skip);
        QCOMPARE(chosen.choosesPolicy(steps.table(QStringLiteral("c_accounts"))), !policy.isEmpty());
        steps.stage();
        steps.classify(true);
        QCOMPARE(steps.action(QStringLiteral("c_accounts"), QStringLiteral("1")), expected);
        QCOMPARE(steps.action(QStringLiteral("c_accounts"), QStringLiteral("2")), QStringLiteral("(not staged)"));
        if (expected != QLatin1String("skipped")) // the live row's id, to give back or to map onto
            QCOMPARE(PgRaw::value(
                         steps.live->exec(QStringLiteral("SELECT \"_salvage_live\" FROM %1")
                                              .arg(steps.staging->staged().value(QStringLiteral("public.c_accounts")))),
                         0, 0),
                QStringLiteral("3"));
        // Her statuses went with her (ON DELETE CASCADE): they come back with her, or stay deleted
        // when she is not restored.
        QCOMPARE(steps.action(QStringLiteral("b_statuses"), QStringLiteral("10")),
            expected == QLatin1String("skipped") ? QStringLiteral("cascade") : QStringLiteral("insert"));
    }

    void onDelete_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("expected");
        QTest::newRow("cascade") << QStringLiteral("CASCADE") << QStringLiteral("cascade");
        QTest::newRow("set null") << QStringLiteral("SET NULL") << QStringLiteral("insert");
        QTest::newRow("no action") << QStringLiteral("NO ACTION") << QStringLiteral("unrestorable");
        QTest::newRow("restrict") << QStringLiteral("RESTRICT") << QStringLiteral("unrestorable");
    }
    void onDelete()
    {
        // A note whose author is gone from LIVE and not restored (the root is the note, not its
        // author): the key's ON DELETE rule decides.
        QFETCH(QString, rule);
        QFETCH(QString, expected);
        const QByteArray schema = QStringLiteral(
            "CREATE TABLE authors (id bigint PRIMARY KEY);"
            "CREATE TABLE notes (id bigint PRIMARY KEY, author_id bigint REFERENCES authors ON DELETE %1);"
            "INSERT INTO authors VALUES (1), (2); INSERT INTO notes VALUES (5, 1), (6, 2);")
                                      .arg(rule)
                                      .toUtf8();
        Steps steps(QStringLiteral("tst_steps"), schema.constData(),
            "DELETE FROM notes WHERE id = 5; DELETE FROM authors WHERE id = 1; DELETE FROM notes WHERE id = 6;",
            request(QStringLiteral("notes WHERE id IN (5, 6)")));
        steps.stage();
        steps.classify(false);
        const QString decided = steps.action(QStringLiteral("notes"), QStringLiteral("5"), true);
        QVERIFY2(decided.startsWith(expected + QStringLiteral(": ")), qPrintable(decided));
        QVERIFY2(decided.contains(QStringLiteral("parent public.authors (author_id) is gone from live")),
            qPrintable(decided));
        if (rule == QLatin1String("SET NULL"))
            QCOMPARE(
                PgRaw::value(steps.live->exec(QStringLiteral("SELECT coalesce(author_id::text, 'NULL') FROM %1 "
                                                             "WHERE id = 5")
                                                  .arg(steps.staging->staged().value(QStringLiteral("public.notes")))),
                    0, 0),
                QStringLiteral("NULL"));
        // Note 6's author is still in LIVE: restored as it was.
        QCOMPARE(steps.action(QStringLiteral("notes"), QStringLiteral("6")), QStringLiteral("insert"));
    }

    void provenance()
    {
        // Life deleted reply 100 (its status 10 is still in LIVE); the incident deleted status 11,
        // which took reply 101 along. The root's status comes back, and the reply that went with
        // it; reply 100 stays deleted.
        Steps steps(QStringLiteral("tst_steps"), kThread,
            "DELETE FROM a_replies WHERE id = 100; DELETE FROM b_statuses WHERE id = 11;",
            request(QStringLiteral("c_accounts:1")));
        steps.stage();
        for (const Table *table : steps.order->tables())
            if (table->name != QLatin1String("a_replies"))
                steps.classifier->classify(*table, RestorePolicy::Skip, true, {});
        QCOMPARE(steps.action(QStringLiteral("b_statuses"), QStringLiteral("11")), QStringLiteral("insert"));
        const Table &replies = steps.table(QStringLiteral("a_replies"));
        const QString s = sql::quoteIdent(steps.staging->staged().value(replies.qualifiedName()));
        ProvenanceRules rules(
            *steps.live, steps.staging->staged(), steps.staging->columns(), steps.edges, steps.movedKeys.get());
        QCOMPARE(rules.markWithDeletedParents(replies, s), qint64(0));
        QCOMPARE(rules.markByProvenance(replies, s, {}), qint64(1));
        const QString kept = steps.action(QStringLiteral("a_replies"), QStringLiteral("100"), true);
        QVERIFY2(kept.startsWith(QStringLiteral("deleted-since: deleted since the backup: no parent it had in the "
                                                "backup is a root or restored")),
            qPrintable(kept));
        QCOMPARE(steps.action(QStringLiteral("a_replies"), QStringLiteral("101")), QStringLiteral("(undecided)"));
        QCOMPARE(rules.wakeWaiting(replies, s), qint64(0));
    }

    void ordering()
    {
        // Everything of alice's is gone: checks first, then parents before children whatever the
        // schema's order, then the sequence advanced past the restored ids.
        Steps steps(QStringLiteral("tst_steps"), kThread,
            "DELETE FROM c_accounts WHERE id = 1; SELECT setval('c_accounts_id_seq', 1, false);",
            request(QStringLiteral("c_accounts:1")));
        steps.stage();
        steps.classify(true);
        for (const Table *table : steps.order->tables()) {
            const auto counted
                = steps.live->exec(QStringLiteral("SELECT count(*) FROM %1 WHERE \"_salvage_action\" = 'insert'")
                                       .arg(steps.staging->staged().value(table->qualifiedName())));
            steps.plan.counts[table->qualifiedName()][RowAction::Insert] = PgRaw::value(counted, 0, 0).toLongLong();
        }
        const QList<PlanStep> planned = PlanStatements(steps.schemas.live, *steps.live, *steps.staging, *steps.order,
            steps.edges, *steps.movedKeys, *steps.classifier)
                                            .build(steps.plan, steps.order->tables(), {});
        QStringList sequence;
        for (const PlanStep &step : planned)
            sequence << QStringLiteral("%1 %2 %3").arg(int(step.kind)).arg(step.table).arg(step.expectedRows);
        const auto kind = [](PlanStep::Kind value) { return QString::number(int(value)); };
        QCOMPARE(sequence,
            QStringList({ kind(PlanStep::Kind::CheckUnchanged) + QStringLiteral(" public.c_accounts -1"),
                kind(PlanStep::Kind::CheckUnchanged) + QStringLiteral(" public.b_statuses -1"),
                kind(PlanStep::Kind::CheckUnchanged) + QStringLiteral(" public.a_replies -1"),
                kind(PlanStep::Kind::Insert) + QStringLiteral(" public.c_accounts 1"),
                kind(PlanStep::Kind::Insert) + QStringLiteral(" public.b_statuses 2"),
                kind(PlanStep::Kind::Insert) + QStringLiteral(" public.a_replies 2"),
                kind(PlanStep::Kind::AdvanceSequence) + QStringLiteral(" public.c_accounts 1") }));
    }
};

QTEST_GUILESS_MAIN(TestRestorePlanSteps)
#include "tst_restore_plansteps.moc"
