// What the demo's BACKUP as of 1 s before the merge recovers beyond the nightly one: BackupGain
// against the same sets taken directly from the three databases.
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "demo/demoparameters.h"
#include "demo/demorunner.h"
#include "diff/backupgain.h"
#include "diff/diffrunner.h"
#include "jobs/jobcontrol.h"

#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

class TestBackupGain : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    DemoRunner::Result m_demo;

    /// Every key of `diff`'s table on `conninfo`, as the row of its key columns in text.
    static QSet<QString> keys(const QString &conninfo, const TableDiff &diff)
    {
        QStringList columns;
        for (const QString &column : diff.keyColumns)
            columns.append(QLatin1Char('"') + column + QLatin1Char('"')); // plain names in the demo
        PgSession session(conninfo, PgSession::Options {});
        QSet<QString> values;
        for (const auto &row :
            session.exec(QStringLiteral("SELECT ROW(%1)::text FROM %2").arg(columns.join(u','), diff.sqlName)))
            values.insert(QString::fromUtf8(row[0].c_str()));
        return values;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        DemoParameters parameters;
        parameters.seed = 11;
        parameters.scale = 1;
        m_demo = DemoRunner(m_dir.path()).run(parameters);
        QVERIFY(!m_demo.pitrBackupConninfo.isEmpty());
    }

    void cleanupTestCase()
    {
        DemoRunner(m_dir.path()).stop();
        PgCluster(m_dir.path()).destroy();
    }

    void gainEqualsTheDirectSetDifference()
    {
        PgSession nightly(m_demo.backupConninfo, PgSession::Options {});
        PgSession pitr(m_demo.pitrBackupConninfo, PgSession::Options {});
        PgSession live(m_demo.liveConninfo, PgSession::Options {});
        JobControl control;
        const DiffResult nightlyDiff = DiffRunner::run(nightly, live, control);
        const BackupGain gain = BackupGain::compute(nightlyDiff, nightly, pitr, live, control);

        qint64 expectedTotal = 0;
        int tablesWithGain = 0;
        for (const TableDiff &table : nightlyDiff.tables) {
            if (!table.hasPrimaryKey())
                continue;
            const QSet<QString> inNightly = keys(m_demo.backupConninfo, table);
            const QSet<QString> inPitr = keys(m_demo.pitrBackupConninfo, table);
            const QSet<QString> inLive = keys(m_demo.liveConninfo, table);
            const QSet<QString> lostFromPitr = QSet<QString>(inPitr).subtract(inLive);
            const QSet<QString> lostFromNightly = QSet<QString>(inNightly).subtract(inLive);
            const qint64 onlyFromPitr = QSet<QString>(lostFromPitr).subtract(inNightly).size();
            const qint64 onlyFromNightly = QSet<QString>(lostFromNightly).subtract(inPitr).size();
            const auto found = std::find_if(gain.tables.begin(), gain.tables.end(),
                [&](const BackupGain::Table &t) { return t.table == table.table; });
            if (lostFromPitr.isEmpty() && lostFromNightly.isEmpty()) {
                QVERIFY2(found == gain.tables.end(), qPrintable(table.table));
                continue;
            }
            QVERIFY2(found != gain.tables.end(), qPrintable(table.table));
            QCOMPARE(found->lostFromSecond, qint64(lostFromPitr.size()));
            QCOMPARE(found->lostFromFirst, qint64(lostFromNightly.size()));
            QCOMPARE(found->onlyFromSecond, onlyFromPitr);
            QCOMPARE(found->onlyFromFirst, onlyFromNightly);
            expectedTotal += onlyFromPitr;
            tablesWithGain += onlyFromPitr > 0 ? 1 : 0;
        }
        for (const BackupGain::Table &t : gain.tables)
            qInfo("%s: lost %lld in nightly, %lld in PITR; only in PITR %lld, only in nightly %lld",
                qPrintable(t.table), t.lostFromFirst, t.lostFromSecond, t.onlyFromSecond, t.onlyFromFirst);
        QCOMPARE(gain.total(&BackupGain::Table::onlyFromSecond), expectedTotal);
        // The day's writes the merge took with the victims (their notifications of the day, at least)
        // are only in the PITR BACKUP; the statuses their authors deleted on purpose during the day
        // look lost against the nightly one but not against the PITR one.
        const auto find = [&gain](const char *name) {
            return std::find_if(gain.tables.begin(), gain.tables.end(),
                [name](const BackupGain::Table &t) { return t.table == QLatin1String(name); });
        };
        QVERIFY(tablesWithGain >= 2);
        QVERIFY(find("public.notifications") != gain.tables.end());
        QVERIFY(find("public.notifications")->onlyFromSecond > 0);
        QVERIFY(find("public.statuses") != gain.tables.end());
        QCOMPARE(find("public.statuses")->lostFromSecond, 0);
        QVERIFY(find("public.statuses")->onlyFromFirst > 0);
    }
};

QTEST_GUILESS_MAIN(TestBackupGain)
#include "tst_backupgain.moc"
