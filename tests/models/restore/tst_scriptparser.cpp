// The psql-subset parser: statements, comments, quotes, dollar quotes and COPY blocks.
#include "core/error.h"
#include "restore/scriptparser.h"

#include <QTest>

using namespace salvage;

class TestScriptParser : public QObject
{
    Q_OBJECT

private slots:
    void statements_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<QStringList>("sql");
        QTest::addColumn<QStringList>("copyData");
        QTest::newRow("two") << QByteArray("BEGIN;\nSELECT 1;\n") << QStringList{QStringLiteral("BEGIN"), QStringLiteral("SELECT 1")} << QStringList{{}, {}};
        QTest::newRow("semicolon in string") << QByteArray("SELECT 'a;b';SELECT \"x;\"\"y\";")
                                             << QStringList{QStringLiteral("SELECT 'a;b'"), QStringLiteral("SELECT \"x;\"\"y\"")} << QStringList{{}, {}};
        QTest::newRow("comments") << QByteArray("-- a; comment\nSELECT /* ; */ 2;")
                                  << QStringList{QStringLiteral("SELECT   2")} << QStringList{QString()};
        QTest::newRow("dollar") << QByteArray("DO $f$ BEGIN PERFORM 1; END $f$;")
                                << QStringList{QStringLiteral("DO $f$ BEGIN PERFORM 1; END $f$")} << QStringList{QString()};
        QTest::newRow("copy") << QByteArray("COPY t (a) FROM STDIN;\n1\t\\N\nx;y\n\\.\nSELECT 3;\n")
                              << QStringList{QStringLiteral("COPY t (a) FROM STDIN"), QStringLiteral("SELECT 3")} << QStringList{QStringLiteral("1\t\\N\nx;y\n"), QString()};
    }
    void statements()
    {
        QFETCH(QByteArray, script);
        QFETCH(QStringList, sql);
        QFETCH(QStringList, copyData);
        const QList<ScriptItem> items = ScriptParser::parse(script);
        QCOMPARE(items.size(), sql.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            QCOMPARE(items.at(i).sql.simplified(), sql.at(i).simplified());
            QCOMPARE(QString::fromUtf8(items.at(i).copyData), copyData.at(i));
        }
    }

    void expectedRowsAndLines()
    {
        const QList<ScriptItem> items = ScriptParser::parse("BEGIN;\n-- insert\n-- expected rows: 42\nINSERT INTO t SELECT 1;\n");
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(1).expectedRows, 42);
        QCOMPARE(items.at(1).line, 4);
        QVERIFY(items.at(1).comment.contains(QStringLiteral("insert")));
    }

    void refusesBrokenScripts_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::newRow("meta-command") << QByteArray("\\set x 1\nSELECT 1;");
        QTest::newRow("open string") << QByteArray("SELECT 'abc;");
        QTest::newRow("copy without end") << QByteArray("COPY t FROM STDIN;\n1\n");
    }
    void refusesBrokenScripts()
    {
        QFETCH(QByteArray, script);
        QVERIFY_THROWS_EXCEPTION(Error, ScriptParser::parse(script));
    }
};

QTEST_GUILESS_MAIN(TestScriptParser)
#include "tst_scriptparser.moc"
