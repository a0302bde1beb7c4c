// A run's undo script carries the rows the run left behind (their after-image), to refuse an undo
// over later changes. Rows a COPY of the script put in are carried as the script's own data instead
// of being read back from LIVE — but only when that data is exactly the rows in the table: a trigger
// that changes or adds rows, a column LIVE filled with its default, a COPY read under other
// settings or a time spelled as the moment it is read ('now') make the run read them back, so that
// the undo neither refuses over nothing nor misses a change made since.
#include "db/pgsession.h"
#include "livesnapshot.h"
#include "previewrunundo.h"
#include "restore/restoreexecutor.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using salvage::test::readFile;
using salvage::test::TestCluster;

namespace {

// Unlike the demo: a composite key holding a foreign key, an enum, and values whose text is easy
// to get subtly wrong (microseconds, floats, intervals, numeric scale, jsonb, arrays, bytea, a tab).
const char *const kSchema = R"SQL(
CREATE TYPE mood AS ENUM ('calm', 'tense');
CREATE TABLE owners (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE readings (owner_id bigint NOT NULL REFERENCES owners ON DELETE CASCADE, seq int NOT NULL,
  taken_at timestamptz NOT NULL, local_at timestamp, span interval, amount numeric(12,3), ratio double precision,
  blob bytea, doc jsonb, tags text[], feeling mood, note text DEFAULT 'none', PRIMARY KEY (owner_id, seq));
INSERT INTO owners VALUES (1, 'keeper'), (2, 'victim');
INSERT INTO readings VALUES
  (2, 1, '2026-01-02 03:04:05.123456+00', '2026-01-02 03:04:05', '1 day 2 hours', 12.3, 0.1, '\xdeadbeef',
   '{"b": 1, "a": [1, 2.50]}', '{x,"y z"}', 'tense', E'tab\there'),
  (2, 2, '2026-01-03 00:00:00+00', NULL, NULL, NULL, 1e-300, NULL, NULL, NULL, NULL, NULL),
  (1, 1, '2026-01-04 00:00:00+00', NULL, '-1 mons', 0, -0.0, '\x', '[]', '{}', 'calm', 'kept');
)SQL";

const char *const kIncident = "DELETE FROM owners WHERE id = 2;";

const QRegularExpression kCarried(QStringLiteral("COPY pg_temp\\.\"_salvage_undo_a(\\d+)\" \\(\""));
const QRegularExpression kReadBack(QStringLiteral("COPY pg_temp\\.\"_salvage_undo_a(\\d+)\" FROM STDIN"));

} // namespace

class TestRestoreAfterImages : public QObject
{
    Q_OBJECT

    salvage::test::SmallIncident m_incident;
    QTemporaryDir m_dir;
    int m_runs = 0;

    void onLive(const QString &sql) { TestCluster::instance().execute(QStringLiteral("afterimages_live"), sql); }
    QMap<QString, QString> digests() const { return salvage::test::tableDigests(m_incident.live()); }

    QByteArray script() const { return ScriptRenderer::render(m_incident.plan(QStringLiteral("owners WHERE id = 2"))); }

    /// Runs `script` on LIVE; returns its undo script's text.
    QByteArray run(const QByteArray &script)
    {
        const QString undo = m_dir.filePath(QStringLiteral("undo-%1.sql").arg(++m_runs));
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport report = RestoreExecutor(session).run(script, undo);
        if (!report.committed)
            qFatal("restore run failed: %s", qPrintable(report.error));
        return readFile(undo);
    }

    /// Undoes through Salvage (which checks the guard first, as psql does).
    ExecutionReport undo(const QByteArray &undoScript)
    {
        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        return RestoreExecutor(session).run(undoScript, m_dir.filePath(QStringLiteral("redo-%1.sql").arg(++m_runs)));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void init() { m_incident.build(QStringLiteral("afterimages"), kSchema, kIncident); }

    void copiedRowsAreCarriedFromTheScript()
    {
        const QByteArray restore = script();
        QVERIFY2(restore.contains("COPY \"public\".\"readings\" ("), restore.constData());
        const auto before = digests();
        const QByteArray undoScript = run(restore);
        // Both tables' rows came in by COPY and nothing changed them: none is read back.
        QCOMPARE(QString::fromUtf8(undoScript).count(kCarried), 2);
        QVERIFY2(!kReadBack.match(QString::fromUtf8(undoScript)).hasMatch(), undoScript.constData());

        // psql, as an operator runs it: LIVE as before the run, to the byte of every value.
        const QString path = m_dir.filePath(QStringLiteral("undo-by-psql.sql"));
        salvage::test::runScriptWithPsql(m_incident.live(), undoScript, path);
        QCOMPARE(digests(), before);
    }

    void changesSinceAreStillRefused_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("listed");
        QTest::newRow("a microsecond") << QStringLiteral("UPDATE readings SET taken_at = taken_at + interval '1 us' "
                                                         "WHERE owner_id = 2 AND seq = 1")
                                       << QStringLiteral("changed since the run: taken_at");
        QTest::newRow("a float's last digit")
            << QStringLiteral("UPDATE readings SET ratio = 1e-300 * 1.0000000000001 WHERE owner_id = 2 AND seq = 2")
            << QStringLiteral("changed since the run: ratio");
        QTest::newRow("a thousandth") << QStringLiteral(
            "UPDATE readings SET amount = 12.301 WHERE owner_id = 2 AND seq = 1")
                                      << QStringLiteral("changed since the run: amount");
        QTest::newRow("jsonb number") << QStringLiteral(
            "UPDATE readings SET doc = '{\"a\": [1, 2.5], \"b\": 1}' WHERE owner_id = 2 AND seq = 1")
                                      << QStringLiteral("changed since the run: doc");
        QTest::newRow("interval spelled otherwise")
            << QStringLiteral("UPDATE readings SET span = interval '26 hours' WHERE owner_id = 2 AND seq = 1")
            << QStringLiteral("changed since the run: span");
        QTest::newRow("deleted") << QStringLiteral("DELETE FROM readings WHERE owner_id = 2 AND seq = 2")
                                 << QStringLiteral("deleted since the run");
    }

    void changesSinceAreStillRefused()
    {
        QFETCH(QString, change);
        QFETCH(QString, listed);
        const QByteArray undoScript = run(script());
        QCOMPARE(QString::fromUtf8(undoScript).count(kCarried), 2);
        onLive(change);
        const auto changed = digests();
        const ExecutionReport refused = undo(undoScript);
        QVERIFY(!refused.committed);
        QVERIFY2(refused.error.contains(listed), qPrintable(refused.error));
        QCOMPARE(digests(), changed);
    }

    void sameValuesWrittenAgainAreNoChange()
    {
        const auto before = digests();
        const QByteArray undoScript = run(script());
        onLive(QStringLiteral("UPDATE readings SET note = note, amount = amount + 0, doc = doc || '{}', "
                              "span = span + interval '0' WHERE owner_id = 2"));
        const ExecutionReport undone = undo(undoScript);
        QVERIFY2(undone.committed, qPrintable(undone.error));
        QCOMPARE(digests(), before);
    }

    void readBackWhenTheDataIsNotTheRows_data()
    {
        QTest::addColumn<QString>("onLive");
        QTest::addColumn<QByteArray>("from");
        QTest::addColumn<QByteArray>("to");
        QTest::addColumn<int>("carried"); // the owners' rows, which none of this concerns
        QTest::newRow("a BEFORE trigger changes them")
            << QStringLiteral("CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$BEGIN NEW.note := upper(NEW.note); RETURN NEW; END$$; "
                              "CREATE TRIGGER shout BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION shout();")
            << QByteArray() << QByteArray() << 1;
        QTest::newRow("a trigger adds rows to the table")
            << QStringLiteral("CREATE FUNCTION echo() RETURNS trigger LANGUAGE plpgsql AS "
                              "$$BEGIN INSERT INTO readings (owner_id, seq, taken_at) "
                              "VALUES (NEW.owner_id, NEW.seq + 100, NEW.taken_at); RETURN NULL; END$$; "
                              "CREATE TRIGGER echo AFTER INSERT ON readings FOR EACH ROW WHEN (NEW.seq < 100) "
                              "EXECUTE FUNCTION echo();")
            << QByteArray() << QByteArray() << 1;
        // LIVE gained a column since the backup: the COPY leaves it to its default.
        QTest::newRow("a column left to its default")
            << QStringLiteral("ALTER TABLE readings ADD COLUMN added text DEFAULT 'since the backup'") << QByteArray()
            << QByteArray() << 1;
        // An edited script reads a time without offset in another zone than the undo script does
        // (every COPY after its SET, the owners' too).
        QTest::newRow("read in another time zone") << QString() << QByteArray("2026-01-02 03:04:05.123456+00")
                                                   << QByteArray("2026-01-02 03:04:05.123456") << 0;
        // An edited script adds a column before its COPY, which leaves it to its default.
        QTest::newRow("a column the script itself added")
            << QString() << QByteArray("COPY \"public\".\"readings\" (")
            << QByteArray("ALTER TABLE \"public\".\"readings\" ADD COLUMN later text DEFAULT 'x';\n"
                          "COPY \"public\".\"readings\" (")
            << 1;
        // An edited script's time read as the moment it is read: the undo would read another one.
        QTest::newRow("a time spelled as the moment")
            << QString() << QByteArray("2026-01-03 00:00:00+00") << QByteArray("now") << 1;
    }

    void readBackWhenTheDataIsNotTheRows()
    {
        QFETCH(QString, onLive);
        QFETCH(QByteArray, from);
        QFETCH(QByteArray, to);
        QFETCH(int, carried);
        if (!onLive.isEmpty())
            this->onLive(onLive);
        QByteArray restore = script();
        QVERIFY2(restore.contains("COPY \"public\".\"readings\" ("), restore.constData());
        if (!from.isEmpty()) {
            QVERIFY(restore.contains(from));
            restore.replace(from, to);
            if (QByteArray(QTest::currentDataTag()) == "read in another time zone")
                restore.replace("SET LOCAL TimeZone = 'UTC';", "SET LOCAL TimeZone = 'Pacific/Auckland';");
        }
        const auto before = digests();
        const QByteArray undoScript = run(restore);
        // The undo applies: nothing changed since the run, so nothing is refused.
        const ExecutionReport undone = undo(undoScript);
        QVERIFY2(undone.committed, qPrintable(undone.error));
        if (to.startsWith("ALTER TABLE"))
            this->onLive(QStringLiteral("ALTER TABLE readings DROP COLUMN later")); // no undo takes DDL back
        QCOMPARE(digests(), before);
        // The readings were read back from LIVE.
        const QString text = QString::fromUtf8(undoScript);
        QCOMPARE(text.count(kReadBack), 2 - carried);
        QCOMPARE(text.count(kCarried), carried);
        if (carried)
            QVERIFY(kCarried.match(text).captured(1) != kReadBack.match(text).captured(1));
    }
};

QTEST_GUILESS_MAIN(TestRestoreAfterImages)
#include "tst_restore_afterimages.moc"
