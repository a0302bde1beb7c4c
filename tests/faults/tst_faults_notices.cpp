// A chatty server never reaches salvage-cli's stdout (issue #12, case 11). Every command that talks
// to a database runs twice on the harness's real cluster: once quietly, once with the server sending
// a DEBUG message for every statement (PGOPTIONS client_min_messages=debug5, which also reaches
// psql and pg_restore children) and a NOTICE and a WARNING for every row the tables' triggers see.
// stdout must carry only the command's output: the same bytes as the quiet run where the output is
// deterministic, JSON that parses where JSON was asked for, and never a server message.
#include "clirun.h"
#include "livesnapshot.h"
#include "testcluster.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using salvage::test::CliRun;
using salvage::test::TestCluster;

namespace {

constexpr const char *kSchema = R"SQL(
CREATE TABLE accounts (id bigint PRIMARY KEY, username text NOT NULL);
CREATE TABLE statuses (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts ON DELETE CASCADE, body text NOT NULL);
CREATE FUNCTION chatty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'chatty server: % on %', TG_OP, TG_TABLE_NAME;
  RAISE WARNING 'chatty server warns: % on %', TG_OP, TG_TABLE_NAME;
  RETURN NULL;
END $$;
CREATE TRIGGER chatty AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION chatty();
CREATE TRIGGER chatty AFTER INSERT OR UPDATE OR DELETE ON statuses FOR EACH ROW EXECUTE FUNCTION chatty();
INSERT INTO accounts SELECT g, 'user' || g FROM generate_series(1, 3) g;
INSERT INTO statuses SELECT g, 1 + g % 3, 'status ' || g FROM generate_series(1, 30) g;
)SQL";

/// Every statement answered with DEBUG messages (transaction start and commit, parse, bind, execute).
const QByteArray kChatty = "-c client_min_messages=debug5";

/// What a server message looks like wherever it may end up.
const QList<QByteArray> kServerMarkers
    = { "chatty server", "DEBUG:", "NOTICE:", "WARNING:", "StartTransaction", "CommitTransaction" };

CliRun runCli(const QStringList &arguments, const QByteArray &pgoptions)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    if (pgoptions.isEmpty())
        environment.remove(QStringLiteral("PGOPTIONS"));
    else
        environment.insert(QStringLiteral("PGOPTIONS"), QString::fromLatin1(pgoptions));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(SALVAGE_CLI), arguments);
    process.waitForFinished(120000);
    return { process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError() };
}

QByteArray firstMarkerIn(const QByteArray &out)
{
    for (const QByteArray &marker : kServerMarkers)
        if (out.contains(marker))
            return marker;
    return {};
}

qsizetype firstDifference(const QByteArray &a, const QByteArray &b)
{
    qsizetype at = 0;
    while (at < a.size() && at < b.size() && a[at] == b[at])
        ++at;
    return at;
}

} // namespace

class TestFaultsNotices : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_live;
    QString m_backup;
    QString m_log;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QStringList substituted(QStringList arguments) const
    {
        for (QString &argument : arguments)
            argument.replace(QStringLiteral("$LIVE"), m_live)
                .replace(QStringLiteral("$BACKUP"), m_backup)
                .replace(QStringLiteral("$LOG"), m_log)
                .replace(QStringLiteral("$DIR"), m_dir.path());
        return arguments;
    }
    void putFile(const QString &name, const QByteArray &contents)
    {
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(file.write(contents), contents.size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        TestCluster &cluster = TestCluster::instance();
        m_backup = cluster.createDatabase(QStringLiteral("faults_notices_backup"));
        m_live = cluster.createDatabase(QStringLiteral("faults_notices_live"));
        cluster.execute(QStringLiteral("faults_notices_backup"), QString::fromUtf8(kSchema));
        cluster.execute(QStringLiteral("faults_notices_live"),
            QString::fromUtf8(kSchema) + QStringLiteral("DELETE FROM accounts WHERE id = 2;"));
        QByteArray log;
        for (int i = 0; i < 20; ++i)
            log += QStringLiteral("2024-12-26 20:00:%1 host app[1]: deleted account_id=2 status_id=%2\n")
                       .arg(i, 2, 10, QLatin1Char('0'))
                       .arg(3 * i + 2)
                       .toUtf8();
        m_log = path(QStringLiteral("app.log"));
        putFile(QStringLiteral("app.log"), log);
        putFile(QStringLiteral("dump.sql"),
            "-- PostgreSQL database dump\nDROP TABLE IF EXISTS not_there;\nCREATE TABLE t (id int);\n"
            "DO $$ BEGIN RAISE NOTICE 'chatty server in a dump'; RAISE WARNING 'chatty server warns'; END $$;\n"
            "COPY t (id) FROM stdin;\n1\n2\n\\.\n-- PostgreSQL database dump complete\n");
    }

    void theServerIsChatty()
    {
        // The premise: with these options the server does send messages (psql prints them on stderr).
        QProcess psql;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("PGOPTIONS"), QString::fromLatin1(kChatty));
        psql.setProcessEnvironment(environment);
        psql.start(salvage::test::psql(),
            { QStringLiteral("-X"), QStringLiteral("-d"), m_live, QStringLiteral("-c"),
                QStringLiteral("UPDATE statuses SET body = body WHERE id = 3") });
        QVERIFY(psql.waitForFinished(60000));
        const QByteArray err = psql.readAllStandardError();
        QVERIFY2(err.contains("DEBUG:") && err.contains("chatty server"), err.constData());
    }

    void stdoutCarriesOnlyTheOutput_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("json"); ///< stdout is one JSON document
        QTest::addColumn<bool>("jsonLines"); ///< stdout is one JSON document a line
        QTest::addColumn<bool>("deterministic"); ///< the quiet run prints the same bytes
        const QString format = QStringLiteral("--format");
        QTest::newRow("schema") << QStringList { QStringLiteral("schema"), QStringLiteral("--db"),
            QStringLiteral("$LIVE"), format, QStringLiteral("json") }
                                << true << false << true;
        QTest::newRow("diff") << QStringList { QStringLiteral("diff"), QStringLiteral("--live"),
            QStringLiteral("$LIVE"), QStringLiteral("--backup"), QStringLiteral("$BACKUP"), format,
            QStringLiteral("json") }
                              << true << false << true;
        QTest::newRow("diff --rows") << QStringList { QStringLiteral("diff"), QStringLiteral("--live"),
            QStringLiteral("$LIVE"), QStringLiteral("--backup"), QStringLiteral("$BACKUP"), QStringLiteral("--rows"),
            format, QStringLiteral("json") }
                                     << true << false << true;
        QTest::newRow("graph") << QStringList { QStringLiteral("graph"), QStringLiteral("--db"),
            QStringLiteral("$LIVE"), QStringLiteral("--compare"), QStringLiteral("$BACKUP"), QStringLiteral("--root"),
            QStringLiteral("accounts:1"), QStringLiteral("--depth"), QStringLiteral("2") }
                               << true << false << true;
        QTest::newRow("restore candidates") << QStringList { QStringLiteral("restore"), QStringLiteral("candidates"),
            QStringLiteral("--backup"), QStringLiteral("$BACKUP"), format, QStringLiteral("json") }
                                            << true << false << true;
        QTest::newRow("restore plan") << QStringList { QStringLiteral("restore"), QStringLiteral("plan"),
            QStringLiteral("--live"), QStringLiteral("$LIVE"), QStringLiteral("--backup"), QStringLiteral("$BACKUP"),
            QStringLiteral("--root"), QStringLiteral("accounts WHERE id = 2") }
                                      << false << false << true;
        QTest::newRow("timeline --db") << QStringList { QStringLiteral("timeline"), QStringLiteral("--log"),
            QStringLiteral("$LOG"), QStringLiteral("--db"), QStringLiteral("$LIVE"), format, QStringLiteral("jsonl") }
                                       << false << true << true;
        QTest::newRow("timeline --live --backup") << QStringList { QStringLiteral("timeline"), QStringLiteral("--log"),
            QStringLiteral("$LOG"), QStringLiteral("--live"), QStringLiteral("$LIVE"), QStringLiteral("--backup"),
            QStringLiteral("$BACKUP"), format, QStringLiteral("markdown") }
                                                  << false << false << false;
        QTest::newRow("load-dump") << QStringList { QStringLiteral("load-dump"), QStringLiteral("--dump"),
            QStringLiteral("$DIR/dump.sql"), QStringLiteral("--dir"), QStringLiteral("$DIR/cluster") }
                                   << false << false << true;
    }

    void stdoutCarriesOnlyTheOutput()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, json);
        QFETCH(bool, jsonLines);
        QFETCH(bool, deterministic);
        arguments = substituted(arguments);
        const CliRun quiet = runCli(arguments, {});
        QVERIFY2(quiet.exitCode == 0, quiet.err.constData());
        const CliRun chatty = runCli(arguments, kChatty);
        QVERIFY2(chatty.exitCode == 0, chatty.err.constData());
        QVERIFY(!chatty.out.isEmpty());
        const QByteArray marker = firstMarkerIn(chatty.out);
        QVERIFY2(marker.isEmpty(),
            qPrintable(QStringLiteral("a server message (%1) on stdout:\n%2")
                           .arg(QString::fromUtf8(marker), QString::fromUtf8(chatty.out.left(2000)))));
        if (deterministic && chatty.out != quiet.out)
            QFAIL(qPrintable(
                QStringLiteral("stdout differs from the quiet run's at byte %1:\n%2\n--- quiet:\n%3")
                    .arg(firstDifference(chatty.out, quiet.out))
                    .arg(QString::fromUtf8(chatty.out.mid(qMax(0, firstDifference(chatty.out, quiet.out) - 200), 600)),
                        QString::fromUtf8(quiet.out.mid(qMax(0, firstDifference(chatty.out, quiet.out) - 200), 600)))));
        QJsonParseError error {};
        if (json) {
            QJsonDocument::fromJson(chatty.out, &error);
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        }
        if (jsonLines) {
            const QList<QByteArray> lines = chatty.out.trimmed().split('\n');
            for (const QByteArray &line : lines) {
                QJsonDocument::fromJson(line, &error);
                QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            }
        }
    }

    void previewRunAndUndoCarryOnlyTheirReports()
    {
        // The plan's script, previewed and run with every row it writes answered by a NOTICE and a
        // WARNING from the application's trigger, then undone the same way.
        const CliRun plan
            = runCli(substituted({ QStringLiteral("restore"), QStringLiteral("plan"), QStringLiteral("--live"),
                         QStringLiteral("$LIVE"), QStringLiteral("--backup"), QStringLiteral("$BACKUP"),
                         QStringLiteral("--root"), QStringLiteral("accounts WHERE id = 2") }),
                {});
        QVERIFY2(plan.exitCode == 0, plan.err.constData());
        putFile(QStringLiteral("plan.sql"), plan.out);
        const QMap<QString, QString> before = salvage::test::tableDigests(m_live);
        const QList<QStringList> steps = {
            { QStringLiteral("restore"), QStringLiteral("preview"), QStringLiteral("--live"), m_live,
                QStringLiteral("--script"), path(QStringLiteral("plan.sql")) },
            { QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"), m_live,
                QStringLiteral("--script"), path(QStringLiteral("plan.sql")), QStringLiteral("--undo"),
                path(QStringLiteral("undo.sql")) },
            { QStringLiteral("restore"), QStringLiteral("run"), QStringLiteral("--live"), m_live,
                QStringLiteral("--script"), path(QStringLiteral("undo.sql")), QStringLiteral("--undo"),
                path(QStringLiteral("redo.sql")) },
        };
        for (const QStringList &step : steps) {
            const CliRun run = runCli(step, kChatty);
            QVERIFY2(run.exitCode == 0, run.err.constData());
            QVERIFY(!run.out.isEmpty());
            const QByteArray marker = firstMarkerIn(run.out);
            QVERIFY2(marker.isEmpty(),
                qPrintable(QStringLiteral("%1: a server message (%2) on stdout:\n%3")
                               .arg(step.mid(0, 2).join(QLatin1Char(' ')), QString::fromUtf8(marker),
                                   QString::fromUtf8(run.out.left(2000)))));
        }
        QCOMPARE(salvage::test::tableDigests(m_live), before); // run and undone: LIVE as it was
    }

    void cleanupTestCase()
    {
        salvage::PgCluster(path(QStringLiteral("cluster"))).destroy(); // the scratch cluster load-dump started
    }
};

QTEST_GUILESS_MAIN(TestFaultsNotices)
#include "tst_faults_notices.moc"
