#include "db/connectionprofile.h"
#include "db/recentconnections.h"

#include <QJsonDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestConnectionProfile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void summaryOfConninfo()
    {
        const ConnectionProfile profile { {}, QStringLiteral("host=db1 port=5433 user=mastodon dbname=prod") };
        QVERIFY(profile.validationError().isEmpty());
        QCOMPARE(profile.summary(), QStringLiteral("mastodon@db1:5433/prod"));
        QCOMPARE(profile.displayName(), profile.summary());
    }
    void summaryOfUri()
    {
        const ConnectionProfile profile { QStringLiteral("prod"),
            QStringLiteral("postgresql://app@db2:6432/main?sslmode=require") };
        QVERIFY(profile.validationError().isEmpty());
        QCOMPARE(profile.summary(), QStringLiteral("app@db2:6432/main"));
        QCOMPARE(profile.displayName(), QStringLiteral("prod"));
    }
    void service()
    {
        const ConnectionProfile profile { {}, QStringLiteral("service=backup") };
        QVERIFY(profile.summary().startsWith(QStringLiteral("service backup")));
    }
    void invalid()
    {
        const ConnectionProfile profile { {}, QStringLiteral("host=db1 bogus_option=1") };
        QVERIFY(!profile.validationError().isEmpty());
        QVERIFY(profile.validationError().contains(QStringLiteral("bogus_option")));
    }
    void passwordIsNeverKept()
    {
        const ConnectionProfile profile { {}, QStringLiteral("host=db1 user=u password='s3 cret' dbname=d") };
        QVERIFY(profile.embedsPassword());
        QVERIFY(!profile.conninfoWithoutPassword().contains(QStringLiteral("s3 cret")));
        QVERIFY(!profile.summary().contains(QStringLiteral("s3")));
        QVERIFY(!QString::fromUtf8(QJsonDocument(profile.toJson()).toJson()).contains(QStringLiteral("s3 cret")));

        QTemporaryDir dir;
        QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
        RecentConnections recent(settings);
        recent.remember(Side::Live, profile);
        recent.remember(Side::Live, ConnectionProfile { {}, QStringLiteral("host=db2") });
        recent.remember(Side::Live, profile);
        const QList<ConnectionProfile> list = recent.list(Side::Live);
        QCOMPARE(list.size(), 2);
        QVERIFY(!list.first().embedsPassword());
        QCOMPARE(list.first().summary(), profile.summary());
        QVERIFY(recent.list(Side::Backup).isEmpty());
        settings.sync();
        QFile raw(settings.fileName());
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("s3 cret"));
    }

    // A conninfo libpq rejects: the error says so without quoting a secret, and what is saved of it
    // holds no part of a secret, nor a placeholder libpq would send as a password (`password=***`).
    void malformedConninfoKeepsNoSecret_data()
    {
        QTest::addColumn<QString>("conninfo");
        QTest::addColumn<QString>("saved"); // conninfoWithoutPassword(), in libpq's order of keywords
        QTest::addColumn<bool>("rejected"); // what is saved is still a conninfo libpq rejects
        QTest::newRow("unterminated password")
            << u"host=db1 user=u password='s3cret"_s << u"user=u host=db1"_s << false;
        QTest::newRow("only an unterminated password") << u"password='s3cret"_s << QString() << false;
        QTest::newRow("final backslash") << u"host=db1 password='s3cret\\"_s << u"host=db1"_s << false;
        QTest::newRow("unterminated host swallows the password")
            << u"host='db1 password=s3cret"_s << u"host='db1 password=***"_s << true;
        QTest::newRow("bad escape in a URI password")
            << u"postgresql://u:s3%zzcret@db1/d"_s << u"user=u dbname=d host=db1"_s << false;
    }
    void malformedConninfoKeepsNoSecret()
    {
        QFETCH(QString, conninfo);
        QFETCH(QString, saved);
        QFETCH(bool, rejected);
        const ConnectionProfile profile { {}, conninfo };
        const QString error = profile.validationError();
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains(u"cret"_s), qPrintable(error));
        const QString stripped = profile.conninfoWithoutPassword();
        QCOMPARE(stripped, saved);
        const ConnectionProfile reloaded { {}, stripped };
        QVERIFY2(!reloaded.embedsPassword(), qPrintable(stripped));
        QCOMPARE(reloaded.validationError().isEmpty(), !rejected);
        QCOMPARE(reloaded.conninfoWithoutPassword(), stripped); // saving again changes nothing
        QVERIFY(!QJsonDocument(profile.toJson()).toJson().contains("cret"));
        QVERIFY(!profile.summary().contains(u"cret"_s));
    }
};

QTEST_GUILESS_MAIN(TestConnectionProfile)
#include "tst_connectionprofile.moc"
