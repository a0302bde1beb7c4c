// Exclusion constraints (EXCLUDE USING gist): a backup row the plan would insert next to a live row
// the constraint forbids (a room booked again since the backup) is skipped with its reason, as life
// since the backup; the rest of the closure is restored and the run commits. Without the check the
// plan looked clean and the run failed at its COPY.
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "restore/restoreexecutor.h"
#include "restore/scriptrenderer.h"
#include "smallincident.h"

#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

namespace {

// Account 2 and everything it booked were deleted by the incident. Since then account 1 booked
// room 1 over booking 20's time, and cancelled a shift over shift 31's (a cancelled shift is
// outside the constraint's WHERE); its other shift overlaps shift 32.
const char *const kSchema = R"SQL(
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE "Bookings" (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  room int NOT NULL, during tstzrange NOT NULL,
  CONSTRAINT "one booking a room" EXCLUDE USING gist (room WITH =, during WITH &&));
CREATE TABLE attendees (booking_id bigint REFERENCES "Bookings" ON DELETE CASCADE, name text NOT NULL,
  PRIMARY KEY (booking_id, name));
CREATE TABLE shifts (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE,
  starts timestamptz NOT NULL, ends timestamptz NOT NULL, cancelled boolean NOT NULL DEFAULT false,
  EXCLUDE USING gist (tstzrange(starts, ends) WITH &&) WHERE (NOT cancelled));
INSERT INTO accounts VALUES (1, 'keeper'), (2, 'victim');
INSERT INTO "Bookings" VALUES
  (20, 2, 1, '[2026-03-01 10:00+00, 2026-03-01 11:00+00)'),
  (21, 2, 1, '[2026-03-01 12:00+00, 2026-03-01 13:00+00)'),
  (22, 2, 2, '[2026-03-01 10:00+00, 2026-03-01 11:00+00)');
INSERT INTO attendees VALUES (20, 'ann'), (21, 'bob');
INSERT INTO shifts VALUES (31, 2, '2026-03-02 08:00+00', '2026-03-02 16:00+00', false),
  (32, 2, '2026-03-03 08:00+00', '2026-03-03 16:00+00', false);
)SQL";

const char *const kIncident = R"SQL(
DELETE FROM accounts WHERE id = 2;
INSERT INTO "Bookings" VALUES (40, 1, 1, '[2026-03-01 10:30+00, 2026-03-01 11:30+00)');
INSERT INTO shifts VALUES (41, 1, '2026-03-02 12:00+00', '2026-03-02 20:00+00', true),
  (42, 1, '2026-03-03 15:00+00', '2026-03-03 18:00+00', false);
)SQL";

} // namespace

class TestRestoreExclusion : public QObject
{
    Q_OBJECT

    salvage::test::SmallIncident m_incident;
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_incident.build(QStringLiteral("exclusion"), kSchema, kIncident);
    }

    void constraintsAreIntrospected()
    {
        PgSession live(m_incident.live(), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const Schema schema = SchemaReader::read(live);
        const Table *bookings = schema.findTable(QStringLiteral("public.Bookings"));
        const Table *shifts = schema.findTable(QStringLiteral("public.shifts"));
        QVERIFY(bookings && shifts);
        QCOMPARE(bookings->exclusions.size(), 1);
        QCOMPARE(bookings->exclusions.first().name, QStringLiteral("one booking a room"));
        QCOMPARE(
            bookings->exclusions.first().elements, QStringList({ QStringLiteral("room"), QStringLiteral("during") }));
        QCOMPARE(bookings->exclusions.first().operators,
            QStringList({ QStringLiteral("OPERATOR(pg_catalog.=)"), QStringLiteral("OPERATOR(pg_catalog.&&)") }));
        QVERIFY(bookings->exclusions.first().predicate.isEmpty());
        QCOMPARE(shifts->exclusions.size(), 1);
        QCOMPARE(shifts->exclusions.first().elements, QStringList({ QStringLiteral("tstzrange(starts, ends)") }));
        QCOMPARE(shifts->exclusions.first().predicate, QStringLiteral("(NOT cancelled)"));
    }

    void conflictingRowsAreSkippedTheRestRestored()
    {
        const RestorePlan plan = m_incident.plan(QStringLiteral("accounts WHERE id = 2"));
        QStringList skipped;
        for (const PlanListing &listing : plan.collisions)
            if (listing.action == RowAction::Skipped)
                skipped << listing.table + QLatin1Char(' ') + listing.key + QStringLiteral(": ") + listing.reason;
        skipped.sort();
        QCOMPARE(skipped,
            QStringList({ QStringLiteral("public.Bookings 20: exclusion constraint one booking a room forbids it next "
                                         "to newer live row 40"),
                QStringLiteral("public.shifts 32: exclusion constraint shifts_tstzrange_excl forbids it next to newer "
                               "live row 42") }));
        QCOMPARE(plan.counts.value(QStringLiteral("public.Bookings")).value(RowAction::Insert), 2);
        QCOMPARE(plan.counts.value(QStringLiteral("public.shifts")).value(RowAction::Insert), 1);
        // Every differing row in exactly one bucket.
        for (auto table = plan.differing.constBegin(); table != plan.differing.constEnd(); ++table) {
            qint64 bucketed = 0;
            for (qint64 rows : plan.buckets.value(table.key()))
                bucketed += rows;
            QCOMPARE(bucketed, table.value());
        }

        PgSession session(m_incident.live(), PgSession::Options::writable(QStringLiteral("LIVE")));
        const ExecutionReport report
            = RestoreExecutor(session).run(ScriptRenderer::render(plan), m_dir.filePath(QStringLiteral("undo.sql")));
        QVERIFY2(report.committed, qPrintable(report.error));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM \"Bookings\"")),
            QStringLiteral("21,22,40"));
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(id::text, ',' ORDER BY id) FROM shifts")),
            QStringLiteral("31,41,42"));
        // Booking 20's attendee had nothing to come back to; booking 21's is back.
        QCOMPARE(m_incident.value(QStringLiteral("SELECT string_agg(name, ',' ORDER BY name) FROM attendees")),
            QStringLiteral("bob"));
    }
};

QTEST_GUILESS_MAIN(TestRestoreExclusion)
#include "tst_restore_exclusion.moc"
