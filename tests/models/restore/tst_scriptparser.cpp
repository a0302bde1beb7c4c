// The restore script reader: statements split by PostgreSQL's grammar, COPY blocks, and the
// refusals (transaction control, meta-commands, what cannot run in a transaction block).
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
        QTest::newRow("envelope") << QByteArray("BEGIN;\nSELECT 1;\nCOMMIT;\n")
                                  << QStringList { QStringLiteral("SELECT 1") } << QStringList { {} };
        QTest::newRow("no envelope") << QByteArray("SELECT 1;\nSELECT 2")
                                     << QStringList { QStringLiteral("SELECT 1"), QStringLiteral("SELECT 2") }
                                     << QStringList { {}, {} };
        QTest::newRow("semicolon in string")
            << QByteArray("SELECT 'a;b';SELECT \"x;\"\"y\";")
            << QStringList { QStringLiteral("SELECT 'a;b'"), QStringLiteral("SELECT \"x;\"\"y\"") }
            << QStringList { {}, {} };
        QTest::newRow("comments") << QByteArray("-- a; comment\nSELECT /* ; */ 2;")
                                  << QStringList { QStringLiteral("SELECT /* ; */ 2") } << QStringList { QString() };
        QTest::newRow("nested comment") << QByteArray("SELECT /* a /* b */ ; */ 1;\nSELECT 2;")
                                        << QStringList { QStringLiteral("SELECT /* a /* b */ ; */ 1"),
                                               QStringLiteral("SELECT 2") }
                                        << QStringList { {}, {} };
        QTest::newRow("line comment inside")
            << QByteArray("SELECT 1 -- it's; here\n, 2;\nSELECT 3;")
            << QStringList { QStringLiteral("SELECT 1 -- it's; here\n, 2"), QStringLiteral("SELECT 3") }
            << QStringList { {}, {} };
        QTest::newRow("ESCAPE without space")
            << QByteArray("SELECT 'a' LIKE 'b' ESCAPE'\\';SELECT 2;")
            << QStringList { QStringLiteral("SELECT 'a' LIKE 'b' ESCAPE'\\'"), QStringLiteral("SELECT 2") }
            << QStringList { {}, {} };
        QTest::newRow("E string") << QByteArray("SELECT E'it\\'s;', e'\\\\';SELECT 2;")
                                  << QStringList { QStringLiteral("SELECT E'it\\'s;', e'\\\\'"),
                                         QStringLiteral("SELECT 2") }
                                  << QStringList { {}, {} };
        QTest::newRow("dollar") << QByteArray("DO $f$ BEGIN PERFORM 1; END $f$;")
                                << QStringList { QStringLiteral("DO $f$ BEGIN PERFORM 1; END $f$") }
                                << QStringList { QString() };
        QTest::newRow("tagged dollar") << QByteArray("SELECT $a$ $b$ ; $b$ ' $$ $a$;SELECT $$;$$;")
                                       << QStringList { QStringLiteral("SELECT $a$ $b$ ; $b$ ' $$ $a$"),
                                              QStringLiteral("SELECT $$;$$") }
                                       << QStringList { {}, {} };
        QTest::newRow("multi-line string")
            << QByteArray("SELECT 'a\n;\nb';\nSELECT 2;")
            << QStringList { QStringLiteral("SELECT 'a\n;\nb'"), QStringLiteral("SELECT 2") } << QStringList { {}, {} };
        QTest::newRow("atomic body") << QByteArray(
            "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;\nSELECT 2;")
                                     << QStringList { QStringLiteral("CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE "
                                                                     "sql\nBEGIN ATOMIC\n  SELECT 1;\nEND"),
                                            QStringLiteral("SELECT 2") }
                                     << QStringList { {}, {} };
        QTest::newRow("copy") << QByteArray("COPY t (a) FROM STDIN;\n1\t\\N\nx;y\n'\n\\.\nSELECT 3;\n")
                              << QStringList { QStringLiteral("COPY t (a) FROM STDIN"), QStringLiteral("SELECT 3") }
                              << QStringList { QStringLiteral("1\t\\N\nx;y\n'\n"), QString() };
        QTest::newRow("copy with comment after")
            << QByteArray("COPY t FROM STDIN; -- data\n1\n\\.\r\n")
            << QStringList { QStringLiteral("COPY t FROM STDIN") } << QStringList { QStringLiteral("1\n") };
    }
    void statements()
    {
        QFETCH(QByteArray, script);
        QFETCH(QStringList, sql);
        QFETCH(QStringList, copyData);
        const QList<ScriptItem> items = ScriptParser::parse(script);
        QCOMPARE(items.size(), sql.size());
        for (qsizetype i = 0; i < items.size(); ++i) {
            QCOMPARE(items.at(i).sql, sql.at(i));
            QCOMPARE(QString::fromUtf8(items.at(i).copyData), copyData.at(i));
        }
    }

    /// COPY data is a view into the script it was read from, not a copy (a million rows are tens of
    /// megabytes), and stays valid when the caller's script changes or goes.
    void copyDataSharesTheScript()
    {
        QList<ScriptItem> items;
        {
            QByteArray script("COPY t FROM STDIN;\n1\n2\n\\.\nSELECT 1;\n");
            items = ScriptParser::parse(script);
            QCOMPARE(items.size(), 2);
            const char *data = items.at(0).copyData.constData();
            QVERIFY(data >= script.constData() && data < script.constData() + script.size());
            script.fill('x');
        }
        QCOMPARE(items.at(0).copyData, QByteArray("1\n2\n"));
        QVERIFY(items.at(1).copyData.isEmpty());
    }

    void expectedRowsAndLines()
    {
        const QList<ScriptItem> items
            = ScriptParser::parse("BEGIN;\n-- insert\n-- expected rows: 42\nINSERT INTO t SELECT 1;\n"
                                  "COPY t FROM STDIN;\n1\n2\n\\.\nSELECT 'a\nb';  SELECT\n  3;\nCOMMIT;\n");
        QCOMPARE(items.size(), 4);
        QCOMPARE(items.at(0).expectedRows, 42);
        QCOMPARE(items.at(0).line, 4);
        QCOMPARE(items.at(0).type, QStringLiteral("InsertStmt"));
        QVERIFY(items.at(0).comment.contains(QStringLiteral("insert")));
        QCOMPARE(items.at(1).line, 5);
        QVERIFY(items.at(1).isCopy);
        QCOMPARE(items.at(2).line, 9);
        QCOMPARE(items.at(3).line, 10);
        QCOMPARE(items.at(3).expectedRows, -1);
    }

    /// Each script is refused, naming the right line (never line 0).
    void refusals_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("says");
        const QByteArray head = "BEGIN;\nSELECT 1;\n"; // the refused statement is on line 3
        QTest::newRow("COMMIT inside") << head + "COMMIT;\nINSERT INTO t VALUES (1);\nCOMMIT;\n"
                                       << 3 << QStringLiteral("COMMIT");
        QTest::newRow("END inside") << head + "end;\nSELECT 2;\nCOMMIT;\n"
                                    << 3 << QStringLiteral("transaction control");
        QTest::newRow("BEGIN again") << head + "BEGIN;\nSELECT 2;\nCOMMIT;\n"
                                     << 3 << QStringLiteral("transaction control");
        QTest::newRow("START TRANSACTION") << head + "START TRANSACTION;\nCOMMIT;\n"
                                           << 3 << QStringLiteral("transaction control");
        QTest::newRow("ROLLBACK") << head + "ROLLBACK;\nSELECT 2;\nCOMMIT;\n"
                                  << 3 << QStringLiteral("transaction control");
        QTest::newRow("ABORT last") << head + "ABORT;\n" << 3 << QStringLiteral("transaction control");
        QTest::newRow("SAVEPOINT") << head + "SAVEPOINT a;\nCOMMIT;\n" << 3 << QStringLiteral("SAVEPOINT");
        QTest::newRow("ROLLBACK TO") << head + "ROLLBACK TO SAVEPOINT a;\nCOMMIT;\n"
                                     << 3 << QStringLiteral("ROLLBACK TO");
        QTest::newRow("RELEASE") << head + "RELEASE a;\nCOMMIT;\n" << 3 << QStringLiteral("RELEASE");
        QTest::newRow("PREPARE TRANSACTION") << head + "PREPARE TRANSACTION 'x';\nCOMMIT;\n"
                                             << 3 << QStringLiteral("PREPARE");
        QTest::newRow("COMMIT PREPARED") << head + "COMMIT PREPARED 'x';\nCOMMIT;\n" << 3 << QStringLiteral("PREPARED");
        QTest::newRow("COMMIT AND CHAIN last") << head + "COMMIT AND CHAIN;\n" << 3 << QStringLiteral("CHAIN");
        QTest::newRow("BEGIN with options")
            << QByteArray("\n\nBEGIN ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;\nCOMMIT;\n") << 3
            << QStringLiteral("ISOLATION");
        QTest::newRow("BEGIN without COMMIT")
            << QByteArray("\n\nBEGIN;\nSELECT 1;\n") << 3 << QStringLiteral("does not end with COMMIT");
        QTest::newRow("COMMIT without BEGIN")
            << QByteArray("SELECT 1;\n\nCOMMIT;\n") << 3 << QStringLiteral("does not open with BEGIN");
        QTest::newRow("ESCAPE hides COMMIT") << head + "COMMIT; SELECT 'a' LIKE 'b' ESCAPE'\\';\nCOMMIT;\n"
                                             << 3 << QStringLiteral("COMMIT");
        QTest::newRow("merged after ESCAPE")
            << QByteArray("BEGIN;\nSELECT 'a' LIKE 'b' ESCAPE'\\';\nCOMMIT;\nDELETE FROM t;\nCOMMIT;\n") << 3
            << QStringLiteral("COMMIT");
        QTest::newRow("two statements on a line") << head + "SELECT 2; COMMIT; SELECT 3;\nCOMMIT;\n"
                                                  << 3 << QStringLiteral("COMMIT");
        QTest::newRow("VACUUM") << head + "VACUUM t;\nCOMMIT;\n" << 3 << QStringLiteral("transaction block");
        QTest::newRow("index concurrently") << head + "CREATE INDEX CONCURRENTLY ON t (a);\nCOMMIT;\n"
                                            << 3 << QStringLiteral("transaction block");
        QTest::newRow("drop database") << head + "DROP DATABASE x;\nCOMMIT;\n"
                                       << 3 << QStringLiteral("transaction block");
        QTest::newRow("DISCARD ALL") << head + "DISCARD ALL;\nCOMMIT;\n" << 3 << QStringLiteral("transaction block");
        QTest::newRow("ALTER SYSTEM") << head + "ALTER SYSTEM SET work_mem = '1GB';\nCOMMIT;\n"
                                      << 3 << QStringLiteral("transaction block");
        QTest::newRow("COPY TO STDOUT") << head + "COPY t TO STDOUT;\nCOMMIT;\n" << 3 << QStringLiteral("FROM STDIN");
        QTest::newRow("COPY FROM PROGRAM") << head + "COPY t FROM PROGRAM 'rm -rf /';\nCOMMIT;\n"
                                           << 3 << QStringLiteral("program");
        QTest::newRow("COPY FROM file") << head + "COPY t FROM '/etc/passwd';\nCOMMIT;\n"
                                        << 3 << QStringLiteral("file");
        QTest::newRow("meta-command") << head + "\\set x 1\nSELECT 1;" << 3 << QStringLiteral("meta-command");
        QTest::newRow("meta-command inside")
            << QByteArray("SELECT 1\n,\n\\! echo hi\n;") << 3 << QStringLiteral("meta-command");
        QTest::newRow("backslash dot outside COPY") << head + "\\.\nCOMMIT;\n" << 3 << QStringLiteral("meta-command");
        QTest::newRow("open string") << head + "SELECT 'abc;\nCOMMIT;\n" << 3 << QStringLiteral("not complete");
        QTest::newRow("open comment") << head + "SELECT /* abc;\nCOMMIT;\n" << 3 << QStringLiteral("not complete");
        QTest::newRow("open parenthesis") << head + "SELECT (1;\nCOMMIT;\n" << 3 << QStringLiteral("syntax error");
        QTest::newRow("syntax error") << head + "SELEKT 1;\nCOMMIT;\n" << 3 << QStringLiteral("syntax error");
        QTest::newRow("copy without end") << head + "COPY t FROM STDIN;\n1\n" << 3 << QStringLiteral("not ended");
        QTest::newRow("statement after COPY") << head + "COPY t FROM STDIN; SELECT 2;\n1\n\\.\n"
                                              << 3 << QStringLiteral("must end its line");
        QTest::newRow("NUL byte") << head + QByteArray("SELECT '\0';\n", 12) << 3 << QStringLiteral("NUL");
    }
    void refusals()
    {
        QFETCH(QByteArray, script);
        QFETCH(int, line);
        QFETCH(QString, says);
        try {
            ScriptParser::parse(script);
            QFAIL("the script was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().startsWith(QStringLiteral("Line %1: ").arg(line)), qPrintable(error.message()));
            QVERIFY2(error.message().contains(says, Qt::CaseInsensitive), qPrintable(error.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestScriptParser)
#include "tst_scriptparser.moc"
