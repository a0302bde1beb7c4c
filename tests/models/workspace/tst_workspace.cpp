#include "core/error.h"
#include "workspace/workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

class TestWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        Workspace workspace;
        workspace.live = { QStringLiteral("prod"), QStringLiteral("host=db1 dbname=mastodon password=secret") };
        workspace.backup = { QString(), QStringLiteral("postgresql://restore@db2/mastodon_backup") };
        workspace.logs.append({ QStringLiteral("logs/nginx.log"), QStringLiteral("web"), QString(),
            QStringLiteral("Europe/Berlin"), 1500 });
        workspace.setSection(QStringLiteral("annotations"), { { QStringLiteral("count"), 2 } });
        const QString path = dir.filePath(QStringLiteral("incident.salvage"));
        workspace.save(path);

        QFile raw(path);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        QVERIFY(!raw.readAll().contains("secret"));

        const Workspace loaded = Workspace::load(path);
        QCOMPARE(loaded.live.name, QStringLiteral("prod"));
        QVERIFY(!loaded.live.embedsPassword());
        QCOMPARE(loaded.backup, workspace.backup);
        QCOMPARE(loaded.logs, workspace.logs);
        QCOMPARE(loaded.section(QStringLiteral("annotations")).value(QStringLiteral("count")).toInt(), 2);
        QCOMPARE(
            Workspace::resolve(path, QStringLiteral("logs/nginx.log")), dir.filePath(QStringLiteral("logs/nginx.log")));
        // One spelling per file: marks are keyed by the resolved path.
        QCOMPARE(Workspace::resolve(path, QStringLiteral("logs/../logs/./nginx.log")),
            dir.filePath(QStringLiteral("logs/nginx.log")));
        // The sources as the GUI and the CLI open them: paths resolved, the rest as saved.
        const QList<LogSource> resolved = loaded.resolvedLogs(path);
        QCOMPARE(resolved.size(), 1);
        QCOMPARE(resolved.first().path, dir.filePath(QStringLiteral("logs/nginx.log")));
        QCOMPARE(resolved.first().timeZone, QStringLiteral("Europe/Berlin"));
        QCOMPARE(resolved.first().clockOffsetMs, qint64(1500));
    }

    // A second BACKUP (the demo's PITR one) is kept with its name, without a password; one that
    // libpq rejects is refused like the main ones.
    void otherBackupsRoundTrip()
    {
        QTemporaryDir dir;
        Workspace workspace;
        workspace.backup = { QStringLiteral("nightly"), QStringLiteral("host=db2 dbname=backup") };
        workspace.otherBackups.append(
            { QStringLiteral("as of 1 s before"), QStringLiteral("host=/tmp/p port=5 dbname=live password=secret") });
        const QString path = dir.filePath(QStringLiteral("two.salvage"));
        workspace.save(path);
        const Workspace loaded = Workspace::load(path);
        QCOMPARE(loaded.otherBackups.size(), 1);
        QCOMPARE(loaded.otherBackups[0].name, QStringLiteral("as of 1 s before"));
        QVERIFY(loaded.otherBackups[0].conninfo.contains(QStringLiteral("dbname=live")));
        QVERIFY(!loaded.otherBackups[0].embedsPassword());
        // Without any, the file has no such key (older readers see nothing new).
        workspace.otherBackups.clear();
        QVERIFY(!workspace.toJson().contains(QStringLiteral("other_backups")));

        QJsonObject bad = loaded.toJson();
        bad.insert(QStringLiteral("other_backups"),
            QJsonArray { QJsonObject { { QStringLiteral("conninfo"), QStringLiteral("host='unterminated") } } });
        QFile file(dir.filePath(QStringLiteral("bad.salvage")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(bad).toJson());
        file.close();
        QVERIFY_THROWS_EXCEPTION(Error, Workspace::load(file.fileName()));
    }

    // Found by fuzz_workspace: a clock offset beyond qint64 (hand-edited) was an undefined conversion.
    void anOffsetBeyondRangeIsNone()
    {
        const QJsonObject log { { QStringLiteral("path"), QStringLiteral("a.log") },
            { QStringLiteral("clock_offset_ms"), 1e300 } };
        const QJsonObject negative { { QStringLiteral("path"), QStringLiteral("b.log") },
            { QStringLiteral("clock_offset_ms"), -1e19 } };
        const Workspace workspace = Workspace::fromJson({ { QStringLiteral("logs"), QJsonArray { log, negative } } });
        QCOMPARE(workspace.logs.size(), 2);
        QCOMPARE(workspace.logs.at(0).clockOffsetMs, 0);
        QCOMPARE(workspace.logs.at(1).clockOffsetMs, 0);
    }

    void badFiles()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(Error, Workspace::load(dir.filePath(QStringLiteral("missing.salvage"))));
        QFile junk(dir.filePath(QStringLiteral("junk.salvage")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("{\"not\": \"a workspace\"}");
        junk.close();
        QVERIFY_THROWS_EXCEPTION(Error, Workspace::load(junk.fileName()));
        // A FIFO would block the reader: refused before it is opened.
        QVERIFY(QProcess::execute(QStringLiteral("mkfifo"), { dir.filePath(QStringLiteral("fifo.salvage")) }) == 0);
        try {
            Workspace::load(dir.filePath(QStringLiteral("fifo.salvage")));
            QFAIL("a FIFO is no workspace");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("FIFO")), qPrintable(error.message()));
        }
    }

    // A hand-edited conninfo libpq rejects is refused when the workspace is opened, with a message
    // that names the side and quotes no secret (saving it could not tell where its password ends).
    void aMalformedConninfoIsRefused()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("bad.salvage")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QJsonObject document { { QStringLiteral("salvage_workspace"), 1 },
            { QStringLiteral("live"), QJsonObject { { QStringLiteral("conninfo"), QStringLiteral("host=db1") } } },
            { QStringLiteral("backup"),
                QJsonObject { { QStringLiteral("conninfo"), QStringLiteral("host=db2 password='s3cret") } } } };
        file.write(QJsonDocument(document).toJson());
        file.close();
        try {
            Workspace::load(file.fileName());
            QFAIL("a malformed conninfo was accepted");
        } catch (const Error &error) {
            QVERIFY2(error.message().contains(QStringLiteral("BACKUP connection string is not valid")),
                qPrintable(error.message()));
            QVERIFY2(!error.message().contains(QStringLiteral("cret")), qPrintable(error.message()));
        }
    }

    void anExistingFileIsReplacedOnlyWhenAsked()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("case.salvage"));
        Workspace first;
        first.live = { QStringLiteral("first"), QStringLiteral("host=db1") };
        first.save(path);
        Workspace second;
        second.live = { QStringLiteral("second"), QStringLiteral("host=db2") };
        QVERIFY_THROWS_EXCEPTION(Error, second.save(path));
        QCOMPARE(Workspace::load(path).live.name, QStringLiteral("first"));
        second.save(path, SafeFileWriter::Existing::Replace);
        QCOMPARE(Workspace::load(path).live.name, QStringLiteral("second"));
        QCOMPARE(
            QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("case.salvage") });
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
