// The undo script checks what it undoes: rows changed, deleted or re-created since the run, and
// newer rows that reference a row it deletes, stop it with a list and leave LIVE as it is, unless
// forced. A run refuses what undo could not put back (TRUNCATE); rows of a table without a key are
// logged whole, so that Salvage's own undo and its redo take them back.
#include "clirun.h"
#include "core/error.h"
#include "db/pgsession.h"
#include "livesnapshot.h"
#include "restore/restoreexecutor.h"
#include "restore/scriptrenderer.h"
#include "restore/undoguard.h"
#include "smallincident.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using salvage::test::readFile;
using salvage::test::TestCluster;

namespace {

// Account 2 and its statuses were deleted by the incident; notes have no key at all.
const char *const kSchema = R"SQL(
CREATE TABLE accounts (id bigint PRIMARY KEY, username text NOT NULL);
CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE, body text,
  edited_at timestamptz, score double precision);
CREATE TABLE notes (account_id bigint REFERENCES accounts ON DELETE CASCADE, note text);
INSERT INTO accounts VALUES (1, 'keeper'), (2, 'victim');
INSERT INTO statuses VALUES (10, 2, 'first', '2026-01-02 03:04:05.123456+00', 0.1), (11, 2, 'second', NULL, 1e-300),
  (12, 1, 'kept', NULL, NULL);
INSERT INTO notes VALUES (1, 'a note');
)SQL";

const char *const kIncident = "DELETE FROM accounts WHERE id = 2;";

} // namespace

class TestRestoreUndoChecks : public QObject
{
    Q_OBJECT

    salvage::test::SmallIncident m_incident;
    QTemporaryDir m_dir;
    QMap<QString, QString> m_beforeRun;

    void change(const QString &sql) { TestCluster::instance().execute(QStringLiteral("undochecks_live"), sql); }
    QMap<QString, QString> digests() const { return salvage::test::tableDigests(m_incident.live()); }

    /// Plans account 2 back, runs it and returns the undo script's path.
    QString runRestore()
    {
        const QByteArray script = ScriptRenderer::render(m_incident.plan(QStringLiteral("accounts WHERE id = 2")));
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const QString undo
            = m_dir.filePath(QStringLiteral("undo-%1.sql").arg(QString::fromUtf8(QTest::currentDataTag())));
        QFile::remove(undo);
        const ExecutionReport report = RestoreExecutor(session).run(script, undo);
        if (!report.committed)
            qFatal("restore run failed: %s", qPrintable(report.error));
        if (m_incident.value(QStringLiteral("SELECT count(*) FROM statuses WHERE account_id = 2"))
            != QLatin1String("2"))
            qFatal("the restore did not bring the statuses back");
        return undo;
    }

    ExecutionReport runUndo(const QString &undo, bool force)
    {
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        executor.setForceUndo(force);
        const QString redo = undo + QStringLiteral(".redo.sql");
        QFile::remove(redo);
        return executor.run(readFile(undo), redo);
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init()
    {
        m_incident.build(QStringLiteral("undochecks"), kSchema, kIncident);
        m_beforeRun = digests();
    }

    void cleanUndoApplies()
    {
        // Nothing changed since the run: Salvage's own undo (and psql's, see tst_restore) gives LIVE back.
        const QString undo = runRestore();
        const ExecutionReport undone = runUndo(undo, false);
        QVERIFY2(undone.committed, qPrintable(undone.error));
        QCOMPARE(digests(), m_beforeRun);
    }

    void changedSinceRefused_data()
    {
        QTest::addColumn<QString>("statement");
        QTest::addColumn<QString>("listed");
        QTest::addColumn<bool>("forcible");
        QTest::newRow("updated") << QStringLiteral("UPDATE statuses SET body = 'edited since' WHERE id = 10")
                                 << QStringLiteral("public.statuses (id)=(10) changed since the run: body") << true;
        QTest::newRow("timestamp and float") << QStringLiteral(
            "UPDATE statuses SET edited_at = edited_at + interval '1 microsecond', score = 1e-300 * 1.0000000000001 "
            "WHERE id IN (10, 11)") << QStringLiteral("public.statuses (id)=(11) changed since the run: score")
                                             << true;
        QTest::newRow("deleted") << QStringLiteral("DELETE FROM statuses WHERE id = 11")
                                 << QStringLiteral("public.statuses (id)=(11) deleted since the run") << true;
        // A child added since to a restored parent: the undo's DELETE would cascade to it.
        QTest::newRow("cascade") << QStringLiteral(
            "INSERT INTO statuses VALUES (99, 2, 'written after the run', NULL, NULL)")
                                 << QStringLiteral("public.statuses (id)=(99) added or re-pointed since the run; "
                                                   "references public.accounts (id)")
                                 << true;
        QTest::newRow("re-pointed") << QStringLiteral("UPDATE statuses SET account_id = 2 WHERE id = 12")
                                    << QStringLiteral("public.statuses (id)=(12) added or re-pointed since the run")
                                    << true;
        QTest::newRow("keyless child") << QStringLiteral("INSERT INTO notes VALUES (2, 'about the victim')")
                                       << QStringLiteral(
                                              "public.notes (row)=((2,\"about the victim\")) added or re-pointed")
                                       << true;
    }

    void changedSinceRefused()
    {
        QFETCH(QString, statement);
        QFETCH(QString, listed);
        QFETCH(bool, forcible);
        const QString undo = runRestore();
        change(statement);
        const auto changed = digests();

        // Salvage's own undo: refused, the row named, LIVE as it was, no redo script left.
        const ExecutionReport refused = runUndo(undo, false);
        QVERIFY(!refused.committed);
        QVERIFY2(refused.error.contains(QLatin1String("Undo refused, nothing was changed")), qPrintable(refused.error));
        QVERIFY2(refused.error.contains(listed), qPrintable(refused.error));
        // As the GUI lists them (UndoGuard::refusalIn): one entry per row, whole.
        const std::optional<UndoGuard::Refusal> refusal = UndoGuard::refusalIn(refused.error);
        QVERIFY(refusal);
        QCOMPARE(refusal->rows.size(), refusal->count);
        QVERIFY2(std::any_of(refusal->rows.cbegin(), refusal->rows.cend(),
                     [&listed](const QString &row) { return row.startsWith(listed); }),
            qPrintable(refusal->rows.join(u'|')));
        QCOMPARE(digests(), changed);
        QVERIFY(!QFile::exists(undo + QStringLiteral(".redo.sql")));

        // psql, as an operator would run it: the same.
        const ProcessResult psql = salvage::test::runWithPsql(m_incident.live(), undo);
        QVERIFY(psql.exitCode != 0);
        QVERIFY2(psql.output.contains(listed), qPrintable(psql.output));
        QCOMPARE(digests(), changed);

        // The CLI names the rows and exits 2; --force-undo applies it.
        const QStringList arguments { QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"),
            m_incident.live(), QStringLiteral("--script"), undo, QStringLiteral("--undo"),
            undo + QStringLiteral(".cli-redo.sql") };
        const salvage::test::CliRun cli = salvage::test::runCli(arguments);
        QCOMPARE(cli.exitCode, 2);
        QVERIFY2(QString::fromUtf8(cli.err).contains(listed), cli.err.constData());
        QCOMPARE(digests(), changed);
        QVERIFY(!QFile::exists(undo + QStringLiteral(".cli-redo.sql")));

        const salvage::test::CliRun forced
            = salvage::test::runCli(arguments + QStringList { QStringLiteral("--force-undo") });
        if (!forcible) {
            QCOMPARE(forced.exitCode, 2);
            QVERIFY2(forced.err.contains("Salvage refuses to change or delete rows of public.notes"),
                forced.err.constData());
            QCOMPARE(digests(), changed);
            return;
        }
        QVERIFY2(forced.exitCode == 0, forced.err.constData());
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM accounts WHERE id = 2")), QStringLiteral("0"));
        QCOMPARE(m_incident.value(
                     QStringLiteral("SELECT count(*) FROM statuses WHERE account_id = 2 OR id IN (10, 11, 99)")),
            QStringLiteral("0"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM accounts WHERE id = 1")), QStringLiteral("1"));
    }

    void forcedByPsqlSetting()
    {
        const QString undo = runRestore();
        change(QStringLiteral("UPDATE statuses SET body = 'edited since' WHERE id = 10"));
        ProcessResult forced = runProcess({ salvage::test::psql(),
            { QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"),
                QStringLiteral("-d"), m_incident.live() + QStringLiteral(" options='-c salvage.force_undo=on'"),
                QStringLiteral("-f"), undo } });
        QVERIFY2(forced.exitCode == 0, qPrintable(forced.output));
        QVERIFY2(forced.output.contains(QLatin1String("Undo forced over 1 row(s)")), qPrintable(forced.output));
        QCOMPARE(digests(), m_beforeRun);
    }

    void emptiedKeyTaken_data()
    {
        // The undo derives the keys a run touched from its logs: those of rows it deleted or
        // re-keyed come from their pre-images. A key the run emptied and someone took since stops it.
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QString>("since");
        const QString retaken
            = QStringLiteral("INSERT INTO statuses VALUES (12, 1, 'written after the run', NULL, NULL)");
        QTest::newRow("deleted, clean") << QByteArray("DELETE FROM statuses WHERE id = 12;\n") << QString();
        QTest::newRow("deleted, key taken") << QByteArray("DELETE FROM statuses WHERE id = 12;\n") << retaken;
        QTest::newRow("re-keyed, clean") << QByteArray("UPDATE statuses SET id = 13 WHERE id = 12;\n") << QString();
        QTest::newRow("re-keyed, key taken") << QByteArray("UPDATE statuses SET id = 13 WHERE id = 12;\n") << retaken;
    }

    void emptiedKeyTaken()
    {
        QFETCH(QByteArray, script);
        QFETCH(QString, since);
        const QString undo
            = m_dir.filePath(QStringLiteral("undo-emptied-%1.sql").arg(QString::fromUtf8(QTest::currentDataTag())));
        QFile::remove(undo);
        {
            PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
            const ExecutionReport report = RestoreExecutor(session).run(script, undo);
            QVERIFY2(report.committed, qPrintable(report.error));
        }
        QCOMPARE(m_incident.value(QStringLiteral("SELECT count(*) FROM statuses WHERE id = 12")), QStringLiteral("0"));
        if (since.isEmpty()) {
            const ProcessResult undone = salvage::test::runWithPsql(m_incident.live(), undo);
            QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
            QCOMPARE(digests(), m_beforeRun);
            return;
        }
        change(since);
        const auto changed = digests();
        const ProcessResult refused = salvage::test::runWithPsql(m_incident.live(), undo);
        QVERIFY(refused.exitCode != 0);
        QVERIFY2(refused.output.contains(QLatin1String("public.statuses (id)=(12) added since the run under a key the "
                                                       "run emptied")),
            qPrintable(refused.output));
        QCOMPARE(digests(), changed);
        const ExecutionReport salvageRefused = runUndo(undo, false);
        QVERIFY(!salvageRefused.committed);
        QVERIFY2(salvageRefused.error.contains(QLatin1String("(id)=(12) added since the run under a key")),
            qPrintable(salvageRefused.error));
        QCOMPARE(digests(), changed);
    }

    void truncateRefused_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<bool>("inPreview");
        QTest::newRow("statement") << QByteArray("DELETE FROM statuses WHERE id = 12;\nTRUNCATE statuses CASCADE;\n")
                                   << true;
        QTest::newRow("inside a DO block") << QByteArray("DO $$ BEGIN TRUNCATE notes; END $$;\n") << false;
    }

    void truncateRefused()
    {
        QFETCH(QByteArray, script);
        QFETCH(bool, inPreview);
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        RestoreExecutor executor(session);
        const QString undo = m_dir.filePath(QStringLiteral("undo-truncate.sql"));
        if (inPreview) {
            // Refused before LIVE is touched, with the line, by preview and run alike.
            try {
                executor.preview(script);
                QFAIL("preview accepted a TRUNCATE");
            } catch (const Error &error) {
                QVERIFY2(error.message().startsWith(QLatin1String("Line 2: a restore script may not TRUNCATE")),
                    qPrintable(error.message()));
            }
        }
        ExecutionReport report;
        try {
            report = executor.run(script, undo);
        } catch (const Error &error) {
            report.error = error.message();
        }
        QVERIFY(!report.committed);
        QVERIFY2(report.error.contains(QLatin1String("TRUNCATE")), qPrintable(report.error));
        QCOMPARE(digests(), m_beforeRun);
        QVERIFY(!QFile::exists(undo));
    }

    void keylessDeleteIsUndoneWhole()
    {
        // The incident's own kind of change: a delete that cascades into the table without a key.
        // Its rows are logged whole, so Salvage's own undo puts them back, and that undo's redo
        // takes them away again.
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const QString undo = m_dir.filePath(QStringLiteral("undo-keyless.sql"));
        const ExecutionReport report
            = RestoreExecutor(session).run(QByteArray("DELETE FROM accounts WHERE id = 1;\n"), undo);
        QVERIFY2(report.committed, qPrintable(report.error));
        const auto afterRun = digests();
        QVERIFY(afterRun.value(QStringLiteral("public.notes")) != m_beforeRun.value(QStringLiteral("public.notes")));
        const ExecutionReport undone = runUndo(undo, false);
        QVERIFY2(undone.committed, qPrintable(undone.error));
        QCOMPARE(digests(), m_beforeRun);
        const ExecutionReport redone = runUndo(undo + QStringLiteral(".redo.sql"), false);
        QVERIFY2(redone.committed, qPrintable(redone.error));
        QCOMPARE(digests(), afterRun);
    }

    void keylessInsertIsUndoneWhole()
    {
        // Rows inserted into a table without a key are logged whole; the undo deletes as many equal
        // rows as the run inserted, and leaves an identical row that was there before.
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        {
            PgSession writer(m_incident.live(), PgSession::Options::writable(QStringLiteral("writer")));
            writer.exec(QStringLiteral("INSERT INTO notes VALUES (1, 'twice')"));
        }
        const auto before = digests();
        const QString undo = m_dir.filePath(QStringLiteral("undo-keyless-insert.sql"));
        const ExecutionReport report = RestoreExecutor(session).run(
            QByteArray("INSERT INTO notes VALUES (1, 'twice'), (1, 'twice'), (1, 'once');\n"), undo);
        QVERIFY2(report.committed, qPrintable(report.error));
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT count(*) FROM notes WHERE note = 'twice'")), QStringLiteral("3"));
        // By Salvage, as the GUI and `restore run` take an undo back, and by psql.
        const ExecutionReport undone = runUndo(undo, false);
        QVERIFY2(undone.committed, qPrintable(undone.error));
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT count(*) FROM notes WHERE note = 'twice'")), QStringLiteral("1"));
        QCOMPARE(digests(), before);
        const ExecutionReport redone = runUndo(undo + QStringLiteral(".redo.sql"), false);
        QVERIFY2(redone.committed, qPrintable(redone.error));
        QCOMPARE(
            m_incident.value(QStringLiteral("SELECT count(*) FROM notes WHERE note = 'twice'")), QStringLiteral("3"));
        const ProcessResult undoneByPsql
            = salvage::test::runWithPsql(m_incident.live(), undo + QStringLiteral(".redo.sql.redo.sql"));
        QVERIFY2(undoneByPsql.exitCode == 0, qPrintable(undoneByPsql.output));
        QCOMPARE(digests(), before);
    }
};

QTEST_GUILESS_MAIN(TestRestoreUndoChecks)
#include "tst_restore_undochecks.moc"
