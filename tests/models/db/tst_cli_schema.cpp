#include "clirun.h"
#include "testcluster.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <pqxx/version>

using salvage::test::TestCluster;

class TestCliSchema : public QObject
{
    Q_OBJECT
    using Run = salvage::test::CliRun;
    static Run cli(const QStringList &arguments) { return salvage::test::runCli(arguments); }

private Q_SLOTS:
    void version()
    {
        const Run run = cli({ QStringLiteral("--version") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.startsWith("salvage "));
        QVERIFY(run.out.contains("Qt 6."));
        QVERIFY(run.out.contains("libpqxx " PQXX_VERSION)); // the one it was built with
        QVERIFY(run.out.contains("libpq "));
    }

    void schemaJson()
    {
        const QString conninfo = TestCluster::instance().createDatabase(QStringLiteral("tst_cli_schema"));
        TestCluster::instance().execute(QStringLiteral("tst_cli_schema"),
            QStringLiteral(
                "CREATE TABLE parent (id bigint PRIMARY KEY, email text UNIQUE);"
                "CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent ON DELETE SET NULL)"));
        const Run run = cli({ QStringLiteral("schema"), QStringLiteral("--db"), conninfo, QStringLiteral("--format"),
            QStringLiteral("json") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonArray tables = QJsonDocument::fromJson(run.out).object().value(QStringLiteral("tables")).toArray();
        QCOMPARE(tables.size(), 2);
        const QJsonObject child = tables.at(0).toObject();
        QCOMPARE(child.value(QStringLiteral("name")).toString(), QStringLiteral("child"));
        const QJsonObject key = child.value(QStringLiteral("foreign_keys")).toArray().first().toObject();
        QCOMPARE(key.value(QStringLiteral("ref_table")).toString(), QStringLiteral("public.parent"));
        QCOMPARE(key.value(QStringLiteral("on_delete")).toString(), QStringLiteral("set null"));
        QCOMPARE(key.value(QStringLiteral("columns")).toArray().first().toString(), QStringLiteral("parent_id"));
        QCOMPARE(tables.at(1).toObject().value(QStringLiteral("unique")).toArray().first().toArray().first().toString(),
            QStringLiteral("email"));
        QCOMPARE(child.value(QStringLiteral("columns")).toArray().size(), 2);
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no db") << QStringList { QStringLiteral("schema") };
        QTest::newRow("unreachable") << QStringList { QStringLiteral("schema"), QStringLiteral("--db"),
            QStringLiteral("host=/nonexistent port=9 dbname=x") };
        QTest::newRow("bad format") << QStringList { QStringLiteral("schema"), QStringLiteral("--db"),
            QStringLiteral("dbname=x"), QStringLiteral("--format"), QStringLiteral("xml") };
        QTest::newRow("unknown command") << QStringList { QStringLiteral("frobnicate") };
        QTest::newRow("unknown option") << QStringList { QStringLiteral("schema"), QStringLiteral("--bogus") };
    }
    void badInputExitsTwoWithOneLine()
    {
        QFETCH(QStringList, arguments);
        const Run run = cli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY(run.err.startsWith("salvage-cli: "));
        QCOMPARE(run.err.trimmed().split('\n').first().isEmpty(), false);
    }
};

QTEST_GUILESS_MAIN(TestCliSchema)
#include "tst_cli_schema.moc"
