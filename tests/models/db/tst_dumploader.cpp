#include "core/error.h"
#include "db/dumploader.h"
#include "db/pgcluster.h"
#include "db/pgsession.h"
#include "jobs/jobcontrol.h"
#include "testcluster.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using salvage::test::TestCluster;

class TestDumpLoader : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_source;

    QString dump(const QStringList &arguments, const QString &name)
    {
        const QString path = m_dir.filePath(name);
        QProcess process;
        process.start(PgCluster::findBinDir() + QStringLiteral("/pg_dump"),
            QStringList { QStringLiteral("-d"), m_source, QStringLiteral("-f"), path } + arguments);
        process.waitForFinished(60000);
        if (process.exitCode() != 0)
            qWarning("%s", process.readAllStandardError().constData());
        return path;
    }

    static QString checksum(const QString &conninfo)
    {
        PgSession session(conninfo, PgSession::Options {});
        const pqxx::result result
            = session.exec(QStringLiteral("SELECT (SELECT count(*) FROM accounts) || ':' || (SELECT "
                                          "md5(string_agg(s::text, ',' ORDER BY id)) FROM statuses s)"));
        return QString::fromStdString(result[0][0].c_str());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_source = TestCluster::instance().createDatabase(QStringLiteral("tst_dumploader_src"));
        TestCluster::instance().execute(QStringLiteral("tst_dumploader_src"),
            QStringLiteral("CREATE TABLE accounts (id bigint PRIMARY KEY, username text NOT NULL);"
                           "CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts ON "
                           "DELETE CASCADE, text text);"
                           "INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 200) g;"
                           "INSERT INTO statuses SELECT g, 1 + g % 200, CASE WHEN g % 7 = 0 THEN NULL ELSE 'it''s ' || "
                           "g || ' 🌍' END FROM generate_series(1, 5000) g;"));
    }

    void loadsEveryFormat_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("format");
        QTest::newRow("custom") << QStringList { QStringLiteral("-Fc") } << QStringLiteral("db.dump")
                                << int(DumpLoader::Format::Custom);
        QTest::newRow("directory") << QStringList { QStringLiteral("-Fd") } << QStringLiteral("db.dir")
                                   << int(DumpLoader::Format::Directory);
        QTest::newRow("tar") << QStringList { QStringLiteral("-Ft") } << QStringLiteral("db.tar")
                             << int(DumpLoader::Format::Tar);
        QTest::newRow("plain") << QStringList { QStringLiteral("-Fp") } << QStringLiteral("db.sql")
                               << int(DumpLoader::Format::PlainSql);
        QTest::newRow("gzip") << QStringList { QStringLiteral("-Fp"), QStringLiteral("-Z"), QStringLiteral("6") }
                              << QStringLiteral("db.sql.gz") << int(DumpLoader::Format::GzipSql);
    }

    void loadsEveryFormat()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, name);
        QFETCH(int, format);
        const QString path = dump(arguments, name);
        QCOMPARE(int(DumpLoader::detect(path)), format);
        qint64 lastDone = -1;
        JobControl control([&lastDone](qint64 done, qint64, const QString &) { lastDone = done; });
        const QString database = DumpLoader::databaseNameFor(path);
        const DumpLoader::Result result
            = DumpLoader::load(path, m_dir.filePath(QStringLiteral("cluster")), database, control);
        QVERIFY(lastDone > 0);
        QCOMPARE(checksum(result.conninfo), checksum(m_source));
    }

    void refusesWhatIsNotADump()
    {
        QFile junk(m_dir.filePath(QStringLiteral("photo.jpg")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray("\xff\xd8\xff\xe0 not a dump", 15));
        junk.close();
        QCOMPARE(DumpLoader::detect(junk.fileName()), DumpLoader::Format::Unknown);
        JobControl control;
        QVERIFY_THROWS_EXCEPTION(Error,
            DumpLoader::load(junk.fileName(), m_dir.filePath(QStringLiteral("cluster")), QStringLiteral("x"), control));
    }

    void aTruncatedArchiveFailsAndLeavesNothingHalfLoaded()
    {
        const QString path = dump({ QStringLiteral("-Fc"), QStringLiteral("-Z0") }, QStringLiteral("whole.dump"));
        QFile whole(path);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        QFile cut(m_dir.filePath(QStringLiteral("cut.dump")));
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(bytes.left(bytes.size() * 2 / 3));
        cut.close();
        JobControl control;
        const QString clusterDir = m_dir.filePath(QStringLiteral("cluster"));
        try {
            DumpLoader::load(cut.fileName(), clusterDir, QStringLiteral("backup_cut"), control);
            QFAIL("a truncated archive must not load");
        } catch (const Error &error) {
            QVERIFY2(!error.message().isEmpty(), "the failure says why");
        }
        PgSession session(PgCluster(clusterDir).conninfo(QStringLiteral("backup_cut")), PgSession::Options {});
        QCOMPARE(
            session.exec(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))[0][0].as<int>(),
            0);
    }

    QByteArray plainDump()
    {
        QFile file(dump({ QStringLiteral("-Fp") }, QStringLiteral("plain-source.sql")));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(bytes);
        return file.fileName();
    }

    static QByteArray gzipped(const QByteArray &plain)
    {
        QProcess gzip;
        gzip.start(QStringLiteral("gzip"), { QStringLiteral("-c") });
        gzip.write(plain);
        gzip.closeWriteChannel();
        gzip.waitForFinished(30000);
        return gzip.readAllStandardOutput();
    }

    /// Loads `path`; the load must fail, say `expected`, and leave an empty database.
    void failsAndLeavesNothing(const QString &path, const QString &database, const QString &expected)
    {
        JobControl control;
        const QString clusterDir = m_dir.filePath(QStringLiteral("cluster"));
        try {
            DumpLoader::load(path, clusterDir, database, control);
            QFAIL("a damaged dump must not load");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(expected), qPrintable(error.message()));
            QVERIFY2(!error.message().contains(QStringLiteral("line 0")), qPrintable(error.message()));
        }
        PgSession session(PgCluster(clusterDir).conninfo(database), PgSession::Options {});
        QCOMPARE(
            session.exec(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))[0][0].as<int>(),
            0);
    }

    void aTruncatedPlainDumpFailsAndLeavesNothing_data()
    {
        QTest::addColumn<double>("share");
        QTest::newRow("in the COPY data, at a line end") << 0.5;
        QTest::newRow("near the end, after the data") << 0.97;
    }

    void aTruncatedPlainDumpFailsAndLeavesNothing()
    {
        QFETCH(double, share);
        const QByteArray whole = plainDump();
        QVERIFY(whole.contains("-- PostgreSQL database dump complete"));
        qsizetype cut = qsizetype(double(whole.size()) * share);
        cut = whole.indexOf('\n', cut) + 1; // a clean line end: psql alone would not notice
        failsAndLeavesNothing(write(QStringLiteral("cut.sql"), whole.left(cut)), QStringLiteral("backup_cut_sql"),
            QStringLiteral("cut short"));
    }

    void aTruncatedGzipDumpFailsAndLeavesNothing()
    {
        const QByteArray compressed = gzipped(plainDump());
        QVERIFY(compressed.size() > 1000);
        failsAndLeavesNothing(write(QStringLiteral("cut.sql.gz"), compressed.left(compressed.size() * 2 / 3)),
            QStringLiteral("backup_cut_gz"), QStringLiteral("unexpected end of file"));
    }

    void aCorruptGzipDumpFailsAndLeavesNothing()
    {
        QByteArray compressed = gzipped(plainDump());
        for (qsizetype i = compressed.size() / 2; i < compressed.size() / 2 + 64; ++i)
            compressed[i] = char(compressed[i] ^ 0x5a);
        failsAndLeavesNothing(write(QStringLiteral("corrupt.sql.gz"), compressed), QStringLiteral("backup_corrupt_gz"),
            QStringLiteral("damaged"));
    }

    void theFirstErrorIsNamedWithItsLine()
    {
        QByteArray script = plainDump();
        const qsizetype at = script.indexOf("CREATE TABLE public.statuses");
        QVERIFY(at > 0);
        const int line = int(script.left(at).count('\n')) + 1;
        script.insert(at, "SELEC broken;\n");
        failsAndLeavesNothing(write(QStringLiteral("error.sql"), script), QStringLiteral("backup_error_sql"),
            QStringLiteral("line %1: syntax error").arg(line));
    }

    void ownershipOfRolesThatDoNotExistIsSkipped()
    {
        // As pg_restore --no-owner --no-privileges: a production dump names roles the scratch cluster lacks.
        QByteArray script = plainDump();
        script.replace("-- PostgreSQL database dump complete",
            "ALTER TABLE public.accounts OWNER TO no_such_role;\nGRANT SELECT ON TABLE public.accounts TO "
            "no_such_role;\n"
            "-- PostgreSQL database dump complete");
        JobControl control;
        const DumpLoader::Result result = DumpLoader::load(write(QStringLiteral("owned.sql"), script),
            m_dir.filePath(QStringLiteral("cluster")), QStringLiteral("backup_owned"), control);
        QCOMPARE(checksum(result.conninfo), checksum(m_source));
    }

    void aMissingDumpSaysItDoesNotExist()
    {
        JobControl control;
        try {
            DumpLoader::load(m_dir.filePath(QStringLiteral("nope.dump")), m_dir.filePath(QStringLiteral("cluster")),
                QStringLiteral("x"), control);
            QFAIL("a missing dump must not load");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("does not exist")), qPrintable(error.message()));
        }
    }

    void cleanupTestCase() { PgCluster(m_dir.filePath(QStringLiteral("cluster"))).destroy(); }
};

QTEST_GUILESS_MAIN(TestDumpLoader)
#include "tst_dumploader.moc"
