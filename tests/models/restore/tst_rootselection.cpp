#include "core/error.h"
#include "restore/rootselection.h"

#include <QTest>

using namespace salvage;

/// How an operator's root text is read: the table part may be typed the SQL way.
class TestRootSelection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("rest");
        QTest::newRow("predicate") << QStringLiteral("accounts WHERE id BETWEEN 101 AND 298")
                                   << int(RootSelection::Kind::Predicate) << QStringLiteral("accounts")
                                   << QStringLiteral("id BETWEEN 101 AND 298");
        QTest::newRow("quoted, with spaces")
            << QStringLiteral("\"App Data\".\"User\" where \"user name\" = 'a b'")
            << int(RootSelection::Kind::Predicate) << QStringLiteral("\"App Data\".\"User\"")
            << QStringLiteral("\"user name\" = 'a b'");
        QTest::newRow("keys") << QStringLiteral("public.accounts:101, 102") << int(RootSelection::Kind::Keys)
                              << QStringLiteral("public.accounts") << QStringLiteral("101|102");
        QTest::newRow("quoted keys") << QStringLiteral("\"we:ird\":a") << int(RootSelection::Kind::Keys)
                                     << QStringLiteral("\"we:ird\"") << QStringLiteral("a");
        QTest::newRow("missing") << QStringLiteral("  \"issue\"\"s\" MISSING ")
                                 << int(RootSelection::Kind::OnlyInBackup) << QStringLiteral("\"issue\"\"s\"")
                                 << QString();
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(QString, table);
        QFETCH(QString, rest);
        const RootSelection root = RootSelection::parse(text);
        QCOMPARE(int(root.kind), kind);
        QCOMPARE(root.table, table);
        QCOMPARE(root.kind == RootSelection::Kind::Keys ? root.keys.join(QLatin1Char('|')) : root.predicate, rest);
    }
    void unreadableRootsAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, RootSelection::parse(QStringLiteral("App Data.User WHERE true")));
        QVERIFY_THROWS_EXCEPTION(Error, RootSelection::parse(QStringLiteral("accounts")));
    }
};

QTEST_GUILESS_MAIN(TestRootSelection)
#include "tst_rootselection.moc"
