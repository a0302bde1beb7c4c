#include "db/sqlident.h"

#include <QTest>

using namespace salvage;

class TestSqlIdent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void quoteIdent_data()
    {
        QTest::addColumn<QString>("identifier");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << QStringLiteral("accounts") << QStringLiteral("\"accounts\"");
        QTest::newRow("upper") << QStringLiteral("Accounts") << QStringLiteral("\"Accounts\"");
        QTest::newRow("quote") << QStringLiteral("we\"ird") << QStringLiteral("\"we\"\"ird\"");
        QTest::newRow("space") << QStringLiteral("web settings") << QStringLiteral("\"web settings\"");
        QTest::newRow("unicode") << QStringLiteral("comptes_été") << QStringLiteral("\"comptes_été\"");
    }
    void quoteIdent()
    {
        QFETCH(QString, identifier);
        QFETCH(QString, quoted);
        QCOMPARE(sql::quoteIdent(identifier), quoted);
    }
    void qualified()
    {
        QCOMPARE(sql::qualified(QStringLiteral("a b"), QStringLiteral("c")), QStringLiteral("\"a b\".\"c\""));
    }
    void literal() { QCOMPARE(sql::quoteLiteral(QStringLiteral("it's")), QStringLiteral("'it''s'")); }
    void splitQualifiedName_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("parts");
        QTest::newRow("bare") << QStringLiteral("accounts") << QStringList { QStringLiteral("accounts") };
        QTest::newRow("qualified") << QStringLiteral("public.accounts")
                                   << QStringList { QStringLiteral("public"), QStringLiteral("accounts") };
        QTest::newRow("quoted with space") << QStringLiteral("\"App Data\".\"User\"")
                                           << QStringList { QStringLiteral("App Data"), QStringLiteral("User") };
        QTest::newRow("doubled quote") << QStringLiteral("\"issue\"\"s\"")
                                       << QStringList { QStringLiteral("issue\"s") };
        QTest::newRow("dot inside quotes")
            << QStringLiteral("s.\"a.b\"") << QStringList { QStringLiteral("s"), QStringLiteral("a.b") };
        QTest::newRow("bare with space") << QStringLiteral("App Data.User") << QStringList {};
        QTest::newRow("unclosed") << QStringLiteral("\"App") << QStringList {};
        QTest::newRow("text after quote") << QStringLiteral("\"a\"b") << QStringList {};
        QTest::newRow("empty part") << QStringLiteral("a..b") << QStringList {};
    }
    void splitQualifiedName()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, parts);
        QCOMPARE(sql::splitQualifiedName(text), parts);
    }
    void conninfoValue()
    {
        QCOMPARE(sql::quoteConninfoValue(QStringLiteral("db1")), QStringLiteral("db1"));
        QCOMPARE(sql::quoteConninfoValue(QStringLiteral("a b'c")), QStringLiteral("'a b\\'c'"));
        QCOMPARE(sql::quoteConninfoValue(QString()), QStringLiteral("''"));
    }
};

QTEST_GUILESS_MAIN(TestSqlIdent)
#include "tst_sqlident.moc"
