// salvage-cli timeline --live --backup: the postmortem's loss table, moves graph and incident
// window from a real comparison, with the same export the Timeline view runs.
#include <QFileInfo>
#include <QTest>

#include "clirun.h"
#include "logfixture.h"
#include "testcluster.h"
#include "testfiles.h"

using namespace Qt::StringLiterals;
using salvage::test::CliRun;
using salvage::test::fileContents;
using salvage::test::runCli;
using salvage::test::TestCluster;

class TestCliPostmortem : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;
    QString m_backup, m_live, m_log, m_schema;

private Q_SLOTS:
    void initTestCase()
    {
        // Accounts 5, 6 and 7 merged into 900: their statuses re-pointed, the accounts deleted.
        const QString schema
            = u"CREATE TABLE accounts (id bigint PRIMARY KEY, username text);"
              "CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts, text text);"
              "INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 20) g;"
              "INSERT INTO accounts VALUES (900, 'remote');"
              "INSERT INTO statuses SELECT g, 1 + g % 20, 'hello ' || g FROM generate_series(1, 400) g;"_s;
        m_schema = schema;
        auto &cluster = TestCluster::instance();
        m_backup = cluster.createDatabase(u"tst_cli_postmortem_b"_s);
        m_live = cluster.createDatabase(u"tst_cli_postmortem_l"_s);
        cluster.execute(u"tst_cli_postmortem_b"_s, schema);
        cluster.execute(u"tst_cli_postmortem_l"_s,
            schema
                + u"UPDATE statuses SET account_id = 900 WHERE account_id IN (5, 6, 7);"
                  "DELETE FROM accounts WHERE id IN (5, 6, 7);"
                  "INSERT INTO statuses VALUES (1000, 900, 'new')"_s);
        // The worker names the accounts it merged; account 3's job is life, not the incident.
        m_log = m_files.write(u"sidekiq.log"_s,
            "2024-12-26T20:30:00.000Z pid=1 tid=a class=ProfileWorker jid=p1 account_id=3 INFO: start\n"
            "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 account_id=5 INFO: start\n"
            "2024-12-26T20:40:55.000Z pid=1 tid=a class=AccountMergingWorker jid=j2 account_id=6 INFO: start\n"
            "2024-12-26T20:40:56.500Z pid=1 tid=a class=AccountMergingWorker jid=j3 account_id=7 INFO: start\n"
            "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j3 elapsed=4.5 INFO: done\n"
            "2024-12-26T20:50:00.000Z pid=1 tid=a class=ProfileWorker jid=p2 account_id=4 INFO: start\n");
    }

    void summaryLossTableAndFigures()
    {
        const QString html = m_files.path(u"incident.html"_s);
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_log, u"--live"_s, m_live, u"--backup"_s, m_backup,
                                      u"--format"_s, u"html"_s, u"-o"_s, html },
            120000);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QByteArray page = fileContents(html);
        QVERIFY2(page.contains("<li>3 rows lost, 1 new and 60 changed (60 of them re-pointed) across 2 of 2 tables "
                               "(BACKUP → LIVE).</li>"),
            page.constData());
        QVERIFY2(
            page.contains("Largest fan-in: 60 rows of public.statuses re-pointed from 3 accounts to accounts 900."),
            page.constData());
        // When: the first and last event naming a lost account, not account 3's or 4's jobs.
        QVERIFY2(page.contains("First event touching a lost row: 2024-12-26 20:40:54.123 UTC; last: 2024-12-26 "
                               "20:40:56.500 UTC."),
            page.constData());
        QVERIFY(page.contains("3 log events touch a lost row, in sidekiq.log (3)."));
        QVERIFY(page.contains("<tr><td>public.accounts</td><td>3</td><td>0</td><td>0</td><td>0</td></tr>"));
        QVERIFY(page.contains("<tr><td>public.statuses</td><td>0</td><td>1</td><td>60</td><td>60</td></tr>"));
        for (const char *figure : { "events", "losses", "moves" })
            QVERIFY2(page.contains(QByteArray("<img src=\"incident-" + QByteArray(figure) + ".svg\"")), figure);
        const QByteArray moves = fileContents(m_files.path(u"incident-moves.svg"_s));
        QVERIFY2(
            moves.contains("<svg") && moves.contains(">900</text>") && moves.contains("moved ×20"), moves.constData());
        const QByteArray losses = fileContents(m_files.path(u"incident-losses.svg"_s));
        QVERIFY(losses.contains(">public.accounts</text>") && losses.contains("<title>3 lost</title>"));
        const QByteArray events = fileContents(m_files.path(u"incident-events.svg"_s));
        QVERIFY(events.contains(">first lost-row event</text>"));
    }

    // A second BACKUP, as of just before the merge: it also holds account 21 and its status, made
    // during the day and merged away; the report says what each BACKUP recovers.
    void otherBackupAddsWhatEachRecovers()
    {
        auto &cluster = TestCluster::instance();
        const QString pitr = cluster.createDatabase(u"tst_cli_postmortem_p"_s);
        cluster.execute(u"tst_cli_postmortem_p"_s,
            m_schema
                + u"INSERT INTO accounts VALUES (21, 'new today'); INSERT INTO statuses VALUES (1001, 21, 'hi')"_s);
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_log, u"--live"_s, m_live, u"--backup"_s, m_backup,
                                      u"--other-backup"_s, pitr, u"--format"_s, u"markdown"_s },
            120000);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("### Recoverable from --backup vs --other-backup\n\n| Table | Lost, in --backup | "
                                  "Lost, in --other-backup | Only in --other-backup | Only in --backup |\n"
                                  "|---|---:|---:|---:|---:|\n| public.accounts | 3 | 4 | 1 | 0 |\n"
                                  "| public.statuses | 0 | 1 | 1 | 0 |\n| **all tables** | 3 | 5 | 2 | 0 |\n"),
            run.out.constData());
        const CliRun alone = runCli({ u"timeline"_s, u"--log"_s, m_log, u"--other-backup"_s, pitr });
        QCOMPARE(alone.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliPostmortem)
#include "tst_cli_postmortem.moc"
