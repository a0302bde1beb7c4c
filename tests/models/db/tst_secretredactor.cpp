#include "db/secretredactor.h"

#include <QTest>

using namespace salvage;

class TestSecretRedactor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redactsSecrets_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("secret");
        QTest::newRow("key/value") << QStringLiteral("bad conninfo \"host=db password=hunter2 bogus\"")
                                   << QStringLiteral("hunter2");
        QTest::newRow("spaces around =") << QStringLiteral("host=db password = hunter2") << QStringLiteral("hunter2");
        QTest::newRow("quoted") << QStringLiteral("host=db password='hun ter2' x") << QStringLiteral("ter2");
        QTest::newRow("quoted with escaped quote")
            << QStringLiteral("password='a\\'hunter2' x") << QStringLiteral("hunter2");
        QTest::newRow("unterminated quote")
            << QStringLiteral("password='hunter2 and more") << QStringLiteral("hunter2");
        // Found by fuzz_conninfo / by reading it: text glued after the closing quote, and an unterminated
        // value with a backslash or line break, were left in clear.
        QTest::newRow("text glued after the quote")
            << QStringLiteral("password='s3 cret's3cret2 x") << QStringLiteral("s3cret2");
        QTest::newRow("unterminated, ending in a backslash")
            << QStringLiteral("password='hunter2\\") << QStringLiteral("hunter2");
        QTest::newRow("quoted, escaped line break")
            << QStringLiteral("password='hun\\\nter2' x") << QStringLiteral("ter2");
        QTest::newRow("upper case") << QStringLiteral("PASSWORD=hunter2") << QStringLiteral("hunter2");
        QTest::newRow("sslpassword") << QStringLiteral("sslpassword=hunter2") << QStringLiteral("hunter2");
        QTest::newRow("postgresql URI") << QStringLiteral("in URI: \"postgresql://bob:hunter2@[bad\"")
                                        << QStringLiteral("hunter2");
        QTest::newRow("postgres URI") << QStringLiteral("postgres://bob:hun@ter2@db/x") << QStringLiteral("ter2");
        QTest::newRow("URI query") << QStringLiteral("postgres://bob@db/x?sslmode=require&password=hunter2&x")
                                   << QStringLiteral("hunter2");
    }

    void redactsSecrets()
    {
        QFETCH(QString, text);
        QFETCH(QString, secret);
        const QString redacted = redactSecrets(text);
        QVERIFY2(!redacted.contains(secret), qPrintable(redacted));
        QVERIFY2(redacted.contains(QStringLiteral("***")), qPrintable(redacted));
        QCOMPARE(redactSecrets(redacted), redacted); // twice changes nothing
    }

    void keepsWhatIsNoSecret()
    {
        const QString text
            = QStringLiteral("LIVE (bob@db:5432/prod): the server is not running (postgresql://bob@db/prod)");
        QCOMPARE(redactSecrets(text), text);
    }
};

QTEST_GUILESS_MAIN(TestSecretRedactor)
#include "tst_secretredactor.moc"
