// The application's own triggers fire when a run writes: the plan names them, and they run as the
// application wrote them — with unqualified names, through the database's search path — so a run
// neither fails on them nor hides what they did from the undo.
#include "db/pgsession.h"
#include "livesnapshot.h"
#include "restore/restoreexecutor.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using salvage::test::readFile;

namespace {

// The triggers name their tables and functions unqualified, as most applications write them.
const char *const kSchema = R"SQL(
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  body text NOT NULL, words int);
CREATE TABLE journal (account_id bigint, what text NOT NULL);
CREATE FUNCTION word_count(t text) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT array_length(regexp_split_to_array(t, '' ''), 1)';
CREATE FUNCTION posts_words() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN NEW.words := word_count(NEW.body); RETURN NEW; END$$;
CREATE TRIGGER posts_words BEFORE INSERT OR UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION posts_words();
CREATE FUNCTION journal_account() RETURNS trigger LANGUAGE plpgsql AS
  $$BEGIN INSERT INTO journal VALUES (NEW.id, 'account ' || NEW.name); RETURN NULL; END$$;
CREATE TRIGGER accounts_journal AFTER INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION journal_account();
INSERT INTO accounts VALUES (1, 'keeper'), (2, 'victim');
INSERT INTO posts VALUES (10, 2, 'three little words'), (11, 2, 'two words'), (12, 1, 'kept');
)SQL";

const char *const kIncident = "DELETE FROM accounts WHERE id = 2;";

} // namespace

class TestRestoreAppTriggers : public QObject
{
    Q_OBJECT

    salvage::test::SmallIncident m_incident;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_incident.build(QStringLiteral("apptriggers"), kSchema, kIncident);
    }

    void triggersAreNamedRunAndUndone()
    {
        const RestorePlan plan = m_incident.plan(QStringLiteral("accounts WHERE id = 2"));
        const QString warnings = plan.warnings.join(QLatin1Char('\n'));
        QVERIFY2(warnings.contains(QLatin1String("public.accounts has triggers of its own that the run's writes fire: "
                                                 "accounts_journal (AFTER INSERT, each row)")),
            qPrintable(warnings));
        QVERIFY2(
            warnings.contains(QLatin1String("posts_words (BEFORE INSERT OR UPDATE, each row)")), qPrintable(warnings));

        const auto before = salvage::test::tableDigests(m_incident.live());
        const QString undo = m_dir.filePath(QStringLiteral("undo.sql"));
        {
            PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
            const ExecutionReport report = RestoreExecutor(session).run(ScriptRenderer::render(plan), undo);
            QVERIFY2(report.committed, qPrintable(report.error));
        }
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id || ':' || words, ',' ORDER BY id) FROM posts")),
            QStringLiteral("10:3,11:2,12:1"));
        // Its AFTER trigger journaled the account again (the schema's own inserts did it once).
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM journal WHERE what = 'account victim'")),
            QStringLiteral("2"));

        // The journal row the trigger wrote goes with the undo, run by Salvage.
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport undone
            = RestoreExecutor(session).run(readFile(undo), m_dir.filePath(QStringLiteral("redo.sql")));
        QVERIFY2(undone.committed, qPrintable(undone.error));
        QCOMPARE(salvage::test::tableDigests(m_incident.live()), before);
    }
};

QTEST_GUILESS_MAIN(TestRestoreAppTriggers)
#include "tst_restore_apptriggers.moc"
