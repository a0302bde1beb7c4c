#include "clirun.h"
#include "core/error.h"
#include "diff/diffformat.h"
#include "diffcopy.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using salvage::test::TestCluster;

class TestCliDiff : public QObject
{
    Q_OBJECT
    using Run = salvage::test::CliRun;
    static Run cli(const QStringList &arguments) { return salvage::test::runCli(arguments, 120000); }

    QString m_backup;
    QString m_live;

private Q_SLOTS:
    void initTestCase()
    {
        auto &cluster = TestCluster::instance();
        m_backup = cluster.createDatabase(QStringLiteral("tst_cli_diff_b"));
        cluster.execute(QStringLiteral("tst_cli_diff_b"),
            QStringLiteral(
                "CREATE TABLE accounts (id bigint PRIMARY KEY, username text);"
                "CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts, text text);"
                "INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 20) g;"
                "INSERT INTO accounts VALUES (900, 'remote');"
                "INSERT INTO statuses SELECT g, 1 + g % 20, 'hello ' || g FROM generate_series(1, 400) g"));
        m_live = salvage::test::copyDatabase(QStringLiteral("tst_cli_diff_b"), QStringLiteral("tst_cli_diff_l"));
        cluster.execute(QStringLiteral("tst_cli_diff_l"),
            QStringLiteral("UPDATE statuses SET account_id = 900 WHERE account_id IN (5, 6);"
                           "DELETE FROM accounts WHERE id IN (5, 6);"
                           "UPDATE statuses SET text = NULL WHERE id = 1;"
                           "INSERT INTO statuses VALUES (1000, 900, 'new')"));
    }

    void jsonReportsTablesAndMoves()
    {
        const Run run = cli({ QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"),
            m_backup, QStringLiteral("--format"), QStringLiteral("json") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject root = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(
            root.keys(), (QStringList { QStringLiteral("fan_in"), QStringLiteral("moves"), QStringLiteral("tables") }));
        const QJsonArray tables = root.value(QStringLiteral("tables")).toArray();
        QCOMPARE(tables.size(), 2);
        const QJsonObject accounts = tables.at(0).toObject();
        QCOMPARE(accounts.keys(),
            (QStringList { QStringLiteral("backup_rows"), QStringLiteral("changed"), QStringLiteral("key"),
                QStringLiteral("live_rows"), QStringLiteral("only_in_backup"), QStringLiteral("only_in_live"),
                QStringLiteral("table") }));
        QCOMPARE(accounts.value(QStringLiteral("table")).toString(), QStringLiteral("public.accounts"));
        QCOMPARE(accounts.value(QStringLiteral("key")).toString(), QStringLiteral("id"));
        QCOMPARE(accounts.value(QStringLiteral("backup_rows")).toInt(), 21);
        QCOMPARE(accounts.value(QStringLiteral("live_rows")).toInt(), 19);
        QCOMPARE(accounts.value(QStringLiteral("only_in_backup")).toInt(), 2);
        const QJsonObject statuses = tables.at(1).toObject();
        QCOMPARE(statuses.value(QStringLiteral("changed")).toInt(), 41); // 40 moved + one text set to NULL
        QCOMPARE(statuses.value(QStringLiteral("only_in_live")).toInt(), 1);
        const QJsonArray moves = root.value(QStringLiteral("moves")).toArray();
        QCOMPARE(moves.size(), 2);
        for (const QJsonValue &value : moves) {
            const QJsonObject move = value.toObject();
            QCOMPARE(move.value(QStringLiteral("table")).toString(), QStringLiteral("public.statuses"));
            QCOMPARE(move.value(QStringLiteral("column")).toString(), QStringLiteral("account_id"));
            QCOMPARE(move.value(QStringLiteral("to")).toString(), QStringLiteral("900"));
            QCOMPARE(move.value(QStringLiteral("rows")).toInt(), 20);
            QCOMPARE(move.value(QStringLiteral("target")).toString(), QStringLiteral("public.accounts"));
            QCOMPARE(move.value(QStringLiteral("fan_in")).toInt(), 2);
            QVERIFY(move.value(QStringLiteral("incident")).toBool()); // two sources, but 40 rows
            QVERIFY(move.value(QStringLiteral("from")).toString() == QLatin1String("5")
                || move.value(QStringLiteral("from")).toString() == QLatin1String("6"));
        }
    }

    void rowsListEachDifference()
    {
        const Run run = cli({ QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"),
            m_backup, QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--rows"),
            QStringLiteral("--table"), QStringLiteral("statuses") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray tables = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("tables")).toArray();
        QCOMPARE(tables.size(), 1);
        const QJsonArray rows = tables.at(0).toObject().value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), 42);
        bool sawNullText = false;
        for (const QJsonValue &value : rows) {
            const QJsonObject row = value.toObject();
            const QString id = row.value(QStringLiteral("key")).toObject().value(QStringLiteral("id")).toString();
            if (id == QLatin1String("1")) {
                QCOMPARE(row.value(QStringLiteral("status")).toString(), QStringLiteral("changed"));
                QCOMPARE(row.value(QStringLiteral("columns")).toArray(), QJsonArray { QStringLiteral("text") });
                sawNullText = true;
            } else if (id == QLatin1String("1000")) {
                QCOMPARE(row.value(QStringLiteral("status")).toString(), QStringLiteral("only_in_live"));
            }
        }
        QVERIFY(sawNullText);
    }

    void fanInSummarisesEachTarget()
    {
        const Run run = cli({ QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"),
            m_backup, QStringLiteral("--format"), QStringLiteral("json") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray fanIn = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("fan_in")).toArray();
        QCOMPARE(fanIn.size(), 1);
        const QJsonObject target = fanIn.first().toObject();
        QCOMPARE(target.value(QStringLiteral("table")).toString(), QStringLiteral("public.accounts"));
        QCOMPARE(target.value(QStringLiteral("target")).toString(), QStringLiteral("900"));
        QCOMPARE(target.value(QStringLiteral("sources")).toInt(), 2);
        QCOMPARE(target.value(QStringLiteral("rows")).toInt(), 40);
        QCOMPARE(target.value(QStringLiteral("tables")).toArray(), QJsonArray { QStringLiteral("public.statuses") });
        QVERIFY(target.value(QStringLiteral("incident")).toBool());
    }

    void textSummarySaysWhatMoved()
    {
        const Run run
            = cli({ QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"), m_backup });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("40 rows of public.statuses.account_id moved from 5, 6 to 900"), run.out.constData());
        QVERIFY2(run.out.contains("2 sources → public.accounts 900 across 1 table (40 rows)"), run.out.constData());
        QVERIFY(run.out.contains("public.accounts"));
    }

    void textListingIsTheSameToAFileAsToStandardOutput()
    {
        // The listing is written a block at a time as it is formatted (never held whole).
        const QStringList diff { QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"),
            m_backup, QStringLiteral("--rows"), QStringLiteral("--format"), QStringLiteral("text") };
        const Run toStdout = cli(diff);
        QVERIFY2(toStdout.exitCode == 0, toStdout.err.constData());
        QCOMPARE(toStdout.out.count("\n  public.statuses ("), 42);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("diff.txt"));
        const Run toFile = cli(diff + QStringList { QStringLiteral("-o"), path });
        QVERIFY2(toFile.exitCode == 0, toFile.err.constData());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), toStdout.out);
    }

    void textListingStopsAtAFailedWrite()
    {
        QBuffer readOnly;
        readOnly.open(QIODevice::ReadOnly);
        QVERIFY_THROWS_EXCEPTION(salvage::Error, salvage::writeDiffText(salvage::DiffResult {}, true, readOnly));
    }

    void exitCodes_data()
    {
        QTest::addColumn<QString>("liveDb");
        QTest::addColumn<bool>("exitCodeOption");
        QTest::addColumn<int>("expected");
        QTest::newRow("differences, --exit-code") << QStringLiteral("tst_cli_diff_l") << true << 1;
        QTest::newRow("differences") << QStringLiteral("tst_cli_diff_l") << false << 0;
        QTest::newRow("identical, --exit-code") << QStringLiteral("tst_cli_diff_b") << true << 0;
    }
    void exitCodes()
    {
        QFETCH(QString, liveDb);
        QFETCH(bool, exitCodeOption);
        QFETCH(int, expected);
        QStringList arguments { QStringLiteral("diff"), QStringLiteral("--live"),
            TestCluster::instance().conninfo(liveDb), QStringLiteral("--backup"), m_backup, QStringLiteral("--format"),
            QStringLiteral("json") };
        if (exitCodeOption)
            arguments << QStringLiteral("--exit-code");
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, expected);
        QVERIFY(QJsonDocument::fromJson(run.out).isObject());
    }

    void errorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no live") << QStringList { QStringLiteral("diff"), QStringLiteral("--backup"),
            QStringLiteral("dbname=x") };
        QTest::newRow("bad format") << QStringList { QStringLiteral("diff"), QStringLiteral("--live"),
            QStringLiteral("dbname=x"), QStringLiteral("--backup"), QStringLiteral("dbname=x"),
            QStringLiteral("--format"), QStringLiteral("xml") };
        QTest::newRow("unreachable") << QStringList { QStringLiteral("diff"), QStringLiteral("--live"),
            QStringLiteral("host=/nonexistent port=9 dbname=x"), QStringLiteral("--backup"),
            QStringLiteral("host=/nonexistent port=9 dbname=x") };
    }
    void errorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY(run.err.startsWith("salvage-cli: "));
    }

    void unknownTableExitsTwo()
    {
        const Run run = cli({ QStringLiteral("diff"), QStringLiteral("--live"), m_live, QStringLiteral("--backup"),
            m_backup, QStringLiteral("--table"), QStringLiteral("nosuch") });
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.err.contains("nosuch"));
    }
};

QTEST_GUILESS_MAIN(TestCliDiff)
#include "tst_cli_diff.moc"
