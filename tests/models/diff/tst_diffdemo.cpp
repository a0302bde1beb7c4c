#include "diffcopy.h"

#include "demo/demoparameters.h"
#include "demo/demorunner.h"
#include "diff/diffresult.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using namespace salvage::test;

// The diff on the demo incident: the lost accounts are exactly the merge's victims, and the
// victims' statuses show up as moves into the one remote account.
class TestDiffDemo : public QObject
{
    Q_OBJECT
    QTemporaryDir m_logs;
    DemoParameters m_parameters;
    DiffResult m_result;

    static QSet<QString> column(const QString &database, const QString &query)
    {
        PgSession session(TestCluster::instance().conninfo(database), PgSession::Options {});
        QSet<QString> values;
        for (const auto &row : session.exec(query))
            values.insert(QString::fromUtf8(row[0].c_str()));
        return values;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_parameters.seed = 7;
        m_parameters.scale = 1;
        DemoRunner::build(TestCluster::instance().cluster(), QStringLiteral("tst_diffdemo_backup"),
            QStringLiteral("tst_diffdemo_live"), m_logs.path(), m_parameters);
        m_result = runDiff(QStringLiteral("tst_diffdemo_backup"), QStringLiteral("tst_diffdemo_live"));
        QVERIFY(m_result.complete);
    }

    void lostAccountsAreTheVictims()
    {
        const QSet<QString> victims = column(QStringLiteral("tst_diffdemo_backup"),
            QStringLiteral("SELECT id FROM accounts WHERE domain IS NULL AND uri = ''"));
        QCOMPARE(victims.size(), int(m_parameters.victims()));
        const TableDiff *accounts = findTable(m_result, QStringLiteral("public.accounts"));
        QVERIFY(accounts);
        QSet<QString> lost;
        for (const DiffRow &row : accounts->rows) {
            if (row.status == DiffRow::Status::OnlyInBackup)
                lost.insert(row.key.first());
        }
        QCOMPARE(lost, victims);
        QCOMPARE(accounts->onlyInBackup, qint64(victims.size()));
        // Every account only in live signed up after the backup.
        QVERIFY(accounts->onlyInLive > 0);
        QCOMPARE(accounts->newSinceBackup, accounts->onlyInLive);
    }

    void statusesMovedIntoTheRemoteAccount()
    {
        const QSet<QString> victims = column(QStringLiteral("tst_diffdemo_backup"),
            QStringLiteral("SELECT id FROM accounts WHERE domain IS NULL AND uri = ''"));
        const QString remote = *column(QStringLiteral("tst_diffdemo_backup"),
            QStringLiteral("SELECT min(id) FROM accounts WHERE domain = 'fedi.example.org'"))
                                    .cbegin();
        // Statuses that belonged to a victim at the backup and belong to the remote account now.
        const QSet<QString> before = column(QStringLiteral("tst_diffdemo_backup"),
            QStringLiteral("SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE a.domain IS NULL "
                           "AND a.uri = ''"));
        const QSet<QString> after = column(QStringLiteral("tst_diffdemo_live"),
            QStringLiteral("SELECT id FROM statuses WHERE account_id = %1").arg(remote));
        const qint64 expected = (QSet<QString>(before) &= after).size();
        QVERIFY(expected > 0);

        qint64 moved = 0;
        for (const DiffMove &move : m_result.moves()) {
            if (move.table != QLatin1String("public.statuses") || move.column != QLatin1String("account_id"))
                continue;
            QCOMPARE(*move.to, remote);
            QVERIFY2(victims.contains(*move.from), qPrintable(*move.from));
            moved += move.rows;
        }
        QCOMPARE(moved, expected);
    }

    void backupTimeIsDetected()
    {
        QVERIFY(m_result.backupTime);
        const double t0 = double(DemoParameters::backupMs()) / 1000.0;
        QVERIFY2(*m_result.backupTime <= t0 && *m_result.backupTime > t0 - 86400,
            qPrintable(QString::number(*m_result.backupTime)));
    }
};

QTEST_GUILESS_MAIN(TestDiffDemo)
#include "tst_diffdemo.moc"
