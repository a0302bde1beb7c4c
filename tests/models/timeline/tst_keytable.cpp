// The table a log key's kind names, for "Show in graph / compare" on a timeline row.
#include "timeline/keytable.h"

#include <QTest>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestKeyTable : public QObject
{
    Q_OBJECT

    static Schema schema(const QStringList &qualifiedNames)
    {
        Schema schema;
        for (const QString &name : qualifiedNames) {
            Table table;
            table.schema = name.section(u'.', 0, 0);
            table.name = name.section(u'.', 1);
            schema.tables.append(table);
        }
        return schema;
    }

private Q_SLOTS:
    void kindNamesItsTable_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("table");
        QTest::newRow("plural") << u"account"_s << u"public.accounts"_s;
        QTest::newRow("es plural") << u"status"_s << u"public.statuses"_s;
        QTest::newRow("ies plural") << u"identity"_s << u"public.identities"_s;
        QTest::newRow("as written") << u"user"_s << u"public.user"_s;
        QTest::newRow("no table") << u"request"_s << QString();
        QTest::newRow("empty") << QString() << QString();
    }
    void kindNamesItsTable()
    {
        QFETCH(QString, kind);
        QFETCH(QString, table);
        const Schema tables = schema({ u"public.accounts"_s, u"public.statuses"_s, u"public.identities"_s,
            u"public.user"_s, u"public.users"_s });
        QCOMPARE(KeyTable::forKind(kind, tables), table);
    }

    // Two schemas with the table: no guess (the operator qualifies it).
    void ambiguousTableIsNotGuessed()
    {
        QCOMPARE(KeyTable::forKind(u"account"_s, schema({ u"a.accounts"_s, u"b.accounts"_s })), QString());
    }
};

QTEST_GUILESS_MAIN(TestKeyTable)
#include "tst_keytable.moc"
