// salvage-cli timeline end to end: formats, zones, filters, sorting, exit codes.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include "clirun.h"
#include "logfixture.h"
#include "testfiles.h"

using namespace Qt::StringLiterals;
using salvage::test::CliRun;
using salvage::test::putFile;
using salvage::test::runCli;

class TestCliTimeline : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;
    QString m_access, m_rails, m_sidekiqGz;

private Q_SLOTS:
    void initTestCase()
    {
        m_access = m_files.write(u"access.log"_s,
            "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n"
            "198.51.100.7 - - [26/Dec/2024:21:31:02 +0100] \"GET /api/v1/accounts/9001 HTTP/2.0\" 502 157 \"-\" "
            "\"curl\"\n");
        m_rails = m_files.write(u"production.log"_s, salvage::test::LogFixture::railsLines());
        const QByteArray sidekiq
            = "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
              "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n";
        m_sidekiqGz = m_files.writeGzip(u"sidekiq.log.1.gz"_s, sidekiq);
    }

    void jsonlSortedWithZones()
    {
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--log"_s, m_rails, u"--log"_s, m_sidekiqGz,
            u"--source-tz"_s, u"production.log=Europe/Berlin"_s, u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 6);
        QString previous;
        for (const QByteArray &line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            for (const char *field : { "datetime", "timestamp_desc", "message", "source", "level", "keys" })
                QVERIFY2(o.contains(QLatin1String(field)), field);
            const QString datetime = o.value("datetime"_L1).toString();
            QVERIFY(datetime.endsWith(u"+00:00"_s));
            QVERIFY(previous <= datetime);
            previous = datetime;
        }
        const QJsonObject rails = QJsonDocument::fromJson(lines.at(1)).object();
        QCOMPARE(rails.value("datetime"_L1).toString(), u"2024-12-26T20:30:54.071+00:00"_s); // Berlin 21:30 = 20:30 UTC
        QCOMPARE(rails.value("keys"_L1).toObject().value("request"_L1).toString(), u"b2f7c3a1-4d5e"_s);
        // Not the bare "done": what ran and on which job, as Timesketch lists the message alone.
        QCOMPARE(QJsonDocument::fromJson(lines.last()).object().value("message"_L1).toString(),
            u"AccountMergingWorker done (job=j1)"_s);
        QCOMPARE(QJsonDocument::fromJson(lines.at(3)).object().value("level"_L1).toString(), u"error"_s); // the 502
    }

    // A workspace brings its log sources (relative to it) and the operator's marks into the export.
    void workspaceMarksSurviveTheExport()
    {
        QDir dir(QFileInfo(m_access).absolutePath());
        dir.mkpath(u"case"_s);
        const QString workspace = dir.filePath(u"case/incident.salvage"_s);
        // The event key is the resolved path and the entry's byte offset: the second access line.
        const QString secondLine = m_access + u"#"_s
            + QString::number(QByteArray("203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] "
                                         "\"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n")
                                  .size());
        const QJsonObject json { { u"salvage_workspace"_s, 1 },
            { u"logs"_s, QJsonArray { QJsonObject { { u"path"_s, u"../access.log"_s }, { u"label"_s, u"nginx"_s } } } },
            { u"sections"_s,
                QJsonObject { { u"annotations"_s,
                    QJsonObject { { u"marks"_s,
                                      QJsonArray { QJsonObject { { u"event"_s, secondLine }, { u"starred"_s, true },
                                          { u"comment"_s, u"the first 502"_s } } } },
                        { u"manual"_s,
                            QJsonArray { QJsonObject { { u"id"_s, u"manual-1"_s }, { u"instant_ms"_s, 1735245000000.0 },
                                { u"text"_s, u"deploy, full downtime"_s } } } } } } } } };
        QFile file(workspace);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(json).toJson());
        file.close();

        const CliRun run = runCli({ u"timeline"_s, u"--workspace"_s, workspace, u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3); // two requests and the note
        QVERIFY2(run.out.contains("deploy, full downtime"), run.out.constData());
        const QJsonObject marked = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(marked.value("comment"_L1).toString(), u"the first 502"_s);
        QVERIFY(marked.value("tag"_L1).toArray().contains(u"starred"_s));
        const CliRun missing = runCli({ u"timeline"_s, u"--workspace"_s, dir.filePath(u"nope.salvage"_s) });
        QCOMPARE(missing.exitCode, 2);
    }

    // nginx ↔ Rails links made by time, method, path and status are exported, marked inferred.
    void inferredLinksInExports()
    {
        CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--log"_s, m_rails, u"--source-tz"_s,
            u"production.log=Europe/Berlin"_s, u"--key"_s, u"b2f7c3a1-4d5e"_s, u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        const QJsonObject nginx = QJsonDocument::fromJson(lines.at(0)).object();
        QCOMPARE(nginx.value("source"_L1).toString(), u"access.log"_s);
        QCOMPARE(nginx.value("link"_L1).toString(), u"inferred"_s);
        const QJsonObject link = nginx.value("inferred_links"_L1).toArray().at(0).toObject();
        QCOMPARE(link.value("source"_L1).toString(), u"production.log"_s);
        QCOMPARE(link.value("link"_L1).toString(), u"inferred"_s);
        QCOMPARE(link.value("datetime"_L1).toString(), u"2024-12-26T20:30:54.071+00:00"_s);
        const QJsonObject rails = QJsonDocument::fromJson(lines.at(1)).object();
        QVERIFY(!rails.contains("link"_L1)); // carries the key itself
        QCOMPARE(
            rails.value("inferred_links"_L1).toArray().at(0).toObject().value("source"_L1).toString(), u"access.log"_s);

        run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--log"_s, m_rails, u"--source-tz"_s,
            u"production.log=Europe/Berlin"_s, u"--format"_s, u"markdown"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("| POST /inbox 202 http.rb | ip=203.0.113.9 ↔ production.log:1 (inferred) |"),
            run.out.constData());
    }

    void sidekiqJsonMessageNamesTheWorker()
    {
        const QString log = m_files.write(u"sidekiq.json"_s,
            "{\"ts\":\"2024-12-26T20:40:54.123Z\",\"pid\":1,\"tid\":\"a\",\"lvl\":\"INFO\",\"msg\":\"start\",\"ctx\":{"
            "\"class\":\"AccountMergingWorker\",\"jid\":\"j1\"}}\n");
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, log, u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(run.out.trimmed()).object();
        QCOMPARE(o.value("message"_L1).toString(), u"AccountMergingWorker start (job=j1)"_s);
        QCOMPARE(o.value("keys"_L1).toObject().value("class"_L1).toString(), u"AccountMergingWorker"_s);
    }

    void sourceTzMatchesPathAsGiven()
    {
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_rails, u"--source-tz"_s,
            m_rails + u"=America/New_York"_s, u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.contains("\"datetime\":\"2024-12-27T02:30:54.071+00:00\""));
    }

    void keyAndTimeFilters()
    {
        CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--log"_s, m_rails, u"--source-tz"_s,
            u"production.log=Europe/Berlin"_s, u"--key"_s, u"b2f7c3a1-4d5e"_s, u"--format"_s, u"csv"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out.trimmed().split('\n').size(), 3); // header, the Rails line, the inferred nginx line
        run = runCli({ u"timeline"_s, u"--log"_s, m_access, m_sidekiqGz, u"--from"_s, u"2024-12-26T20:31:00Z"_s,
            u"--to"_s, u"2024-12-26 21:40:55+01:00"_s, u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out.trimmed().split('\n').size(), 2); // the 502 and the job start
    }

    // A row id in a path is a key with its role and table: --key VALUE finds it in any role,
    // --table (or TABLE:VALUE) only as an id of that table; the summary and the JSON say which.
    void rowIdWithRoleAndTable()
    {
        CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--key"_s, u"9001"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY2(run.out.contains("key 9001: 1 events (path of accounts 1)\n"), run.out.constData());
        run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--key"_s, u"9001"_s, u"--table"_s, u"accounts"_s,
            u"--format"_s, u"jsonl"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QCOMPARE(run.out.trimmed().count('\n'), 0);
        const QJsonArray rowKeys = QJsonDocument::fromJson(run.out).object().value("row_keys"_L1).toArray();
        QCOMPARE(rowKeys.size(), 1);
        QCOMPARE(rowKeys.at(0).toObject(),
            (QJsonObject { { u"role"_s, u"path"_s }, { u"value"_s, u"9001"_s }, { u"table"_s, u"accounts"_s } }));
        run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--key"_s, u"statuses:9001"_s });
        QVERIFY2(run.out.contains("key statuses:9001: 0 events\n"), run.out.constData());
    }

    void summaryAndOutputFile()
    {
        const QString out = m_files.path(u"summary.txt"_s);
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--log"_s, m_sidekiqGz, u"--format"_s,
            u"summary"_s, u"-o"_s, out });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("access.log: 2 events"));
        QVERIFY(text.contains("format sidekiq_log"));
        QVERIFY(text.contains("format access_log, times carry their offset (+00:00)"));
        QVERIFY(text.contains("total: 4 events, 2024-12-26 20:30:54.000 UTC .. 2024-12-26 20:40:58.623 UTC"));
    }

    void markdownReport()
    {
        const CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_rails, u"--format"_s, u"markdown"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.startsWith("# Incident timeline"));
        QVERIFY(run.out.contains("| 2024-12-26 21:31:00.000 | production.log | error | boom |"));
    }

    // A timestamp that carries its offset is not naive: nginx's "+0100" says so itself.
    void offsetTimesAreNotCalledNaive()
    {
        CliRun run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--log"_s, m_rails, u"--log"_s, m_sidekiqGz,
            u"--source-tz"_s, u"production.log=Europe/Berlin"_s, u"--format"_s, u"markdown"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.split('\n');
        const auto noteOf = [&lines](const QByteArray &file) {
            for (const QByteArray &line : lines)
                if (line.startsWith("- ") && line.contains(file))
                    return line;
            return QByteArray();
        };
        QVERIFY2(noteOf("access.log").endsWith("times carry their offset (+00:00)"), noteOf("access.log").constData());
        QVERIFY(!noteOf("access.log").contains("naive"));
        QVERIFY2(noteOf("sidekiq.log.1.gz").contains("times carry their offset (+00:00)"), run.out.constData());
        QVERIFY2(noteOf("production.log").endsWith("naive times read as Europe/Berlin"), run.out.constData());
        run = runCli({ u"timeline"_s, u"--log"_s, m_access, u"--format"_s, u"summary"_s });
        QVERIFY2(run.out.contains("format access_log, times carry their offset (+00:00)"), run.out.constData());
        // Another offset is named as the log wrote it.
        const QString mixed = m_files.write(u"mixed-access.log"_s,
            "203.0.113.9 - - [26/Dec/2024:20:30:54 +0200] \"GET / HTTP/1.1\" 200 1 \"-\" \"curl\"\n");
        run = runCli({ u"timeline"_s, u"--log"_s, mixed, u"--format"_s, u"summary"_s });
        QVERIFY2(run.out.contains("times carry their offset (+02:00)"), run.out.constData());
    }

    // Every marked event is a key event, whatever the filter selects for the timeline below it.
    void keyEventsHoldMarksTheFilterHides()
    {
        QDir dir(QFileInfo(m_access).absolutePath());
        const QString workspace = dir.filePath(u"marks.salvage"_s);
        const qint64 secondLine = QByteArray("203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] "
                                             "\"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n")
                                      .size();
        const QJsonObject starred { { u"event"_s, QString(m_access + u"#"_s + QString::number(secondLine)) },
            { u"starred"_s, true }, { u"comment"_s, u"the first 502"_s } };
        // Tagged only, no star: still a finding.
        const QJsonObject tagged { { u"event"_s, QString(m_sidekiqGz + u"#0"_s) },
            { u"tags"_s, QJsonArray { u"merge"_s } } };
        const QJsonObject annotations { { u"marks"_s, QJsonArray { starred, tagged } } };
        const QJsonObject json { { u"salvage_workspace"_s, 1 },
            { u"logs"_s, QJsonArray { QJsonObject { { u"path"_s, u"access.log"_s } } } },
            { u"sections"_s, QJsonObject { { u"annotations"_s, annotations } } } };
        QFile file(workspace);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(json).toJson());
        file.close();
        const CliRun run = runCli({ u"timeline"_s, u"--workspace"_s, workspace, u"--log"_s, m_rails, u"--log"_s,
            m_sidekiqGz, u"--source-tz"_s, u"production.log=Europe/Berlin"_s, u"--key"_s, u"b2f7c3a1-4d5e"_s,
            u"--format"_s, u"markdown"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QByteArray keyEvents = run.out.mid(
            run.out.indexOf("## Key events"), run.out.indexOf("## Timeline") - run.out.indexOf("## Key events"));
        const QByteArray timeline = run.out.mid(run.out.indexOf("## Timeline"));
        QVERIFY2(keyEvents.contains("GET /api/v1/accounts/9001") && keyEvents.contains("the first 502"),
            run.out.constData());
        QVERIFY2(keyEvents.contains("| merge |"), run.out.constData());
        QVERIFY(!timeline.contains("GET /api/v1/accounts/9001")); // the key filter hides it there
        QVERIFY(timeline.contains("POST /inbox"));
    }

    // -o FILE: the summary opens the report and the figures land beside it, through SafeFileWriter.
    void fileExportWritesSummaryAndFigures()
    {
        QDir dir(QFileInfo(m_access).absolutePath());
        dir.mkpath(u"restored"_s);
        const QString workspace = dir.filePath(u"restored/case.salvage"_s);
        const QJsonObject json { { u"salvage_workspace"_s, 1 },
            { u"logs"_s, QJsonArray { QJsonObject { { u"path"_s, m_access } } } },
            { u"sections"_s,
                QJsonObject { { u"annotations"_s,
                    QJsonObject { { u"manual"_s,
                        QJsonArray { QJsonObject { { u"id"_s, u"manual-1"_s }, { u"instant_ms"_s, 1735245100000.0 },
                            { u"text"_s, u"Restore run committed on LIVE: 12 rows in 2 table(s)"_s },
                            { u"tags"_s, QJsonArray { u"restore"_s } } } } } } } } } };
        QFile file(workspace);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(json).toJson());
        file.close();
        QFile undo(dir.filePath(u"restored/undo-20241226-204500.sql"_s));
        QVERIFY(undo.open(QIODevice::WriteOnly));
        undo.write("BEGIN;\nCOMMIT;\n");
        undo.close();

        const QString html = dir.filePath(u"restored/postmortem.html"_s);
        CliRun run = runCli({ u"timeline"_s, u"--workspace"_s, workspace, u"--log"_s, m_sidekiqGz, u"--format"_s,
            u"html"_s, u"-o"_s, html });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(run.out.isEmpty());
        const QByteArray page = salvage::test::fileContents(html);
        QVERIFY(page.indexOf("<h2>Summary</h2>") < page.indexOf("<h2>Timeline</h2>"));
        QVERIFY2(page.contains("<h3>What was restored</h3>"), page.constData());
        QVERIFY(page.contains("Restore run committed on LIVE: 12 rows in 2 table(s)"));
        QVERIFY(page.contains("Undo script undo-20241226-204500.sql (15 bytes"));
        QVERIFY(page.contains("No database comparison was given"));
        QVERIFY(
            page.contains("The exported events run from 2024-12-26 20:30:54.000 UTC to 2024-12-26 20:40:58.623 UTC"));
        QVERIFY2(page.contains("<img src=\"postmortem-events.svg\""), page.constData());
        const QByteArray svg = salvage::test::fileContents(dir.filePath(u"restored/postmortem-events.svg"_s));
        QVERIFY(svg.startsWith("<svg"));
        QVERIFY(svg.contains(">access.log</text>") && svg.contains(">sidekiq.log.1.gz</text>"));
        // 20:30:54 and 20:31:02 share the first ten-second bar, the two job lines the last; two legend keys.
        QVERIFY2(svg.contains("<title>access.log: 2</title>") && svg.contains("<title>sidekiq.log.1.gz: 2</title>"),
            svg.constData());
        QCOMPARE(svg.count("<rect x="), 2 + 2);
        // Nothing is replaced unasked: the report and its figure stay as they were.
        putFile(html, "kept");
        run = runCli({ u"timeline"_s, u"--workspace"_s, workspace, u"--format"_s, u"html"_s, u"-o"_s, html });
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("already exists"), run.err.constData());
        QCOMPARE(salvage::test::fileContents(html), QByteArray("kept"));
        run = runCli({ u"timeline"_s, u"--workspace"_s, workspace, u"--format"_s, u"markdown"_s, u"-o"_s,
            dir.filePath(u"restored/notes.md"_s) });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QByteArray markdown = salvage::test::fileContents(dir.filePath(u"restored/notes.md"_s));
        QVERIFY2(markdown.contains("\n## Summary\n") && markdown.contains("![Events per source](notes-events.svg)"),
            markdown.constData());
        QVERIFY(QFileInfo::exists(dir.filePath(u"restored/notes-events.svg"_s)));
        run = runCli(
            { u"timeline"_s, u"--workspace"_s, workspace, u"--format"_s, u"html"_s, u"-o"_s, html, u"--force"_s });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(salvage::test::fileContents(html).startsWith("<!DOCTYPE html>"));
    }

    void badInputExitsTwoWithOneLine_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no log") << QStringList { u"timeline"_s };
        QTest::newRow("missing file") << QStringList { u"timeline"_s, u"--log"_s, u"/nonexistent/x.log"_s };
        QTest::newRow("directory") << QStringList { u"timeline"_s, u"--log"_s, u"/"_s };
        QTest::newRow("bad format") << QStringList { u"timeline"_s, u"--log"_s, u"/dev/null"_s, u"--format"_s,
            u"xml"_s };
        QTest::newRow("bad zone") << QStringList { u"timeline"_s, u"--log"_s, u"/dev/null"_s, u"--source-tz"_s,
            u"null=Mars/Base"_s };
        QTest::newRow("tz for unknown file")
            << QStringList { u"timeline"_s, u"--log"_s, u"/dev/null"_s, u"--source-tz"_s, u"x.log=UTC"_s };
        QTest::newRow("table without key")
            << QStringList { u"timeline"_s, u"--log"_s, u"/dev/null"_s, u"--table"_s, u"accounts"_s };
        QTest::newRow("live without backup")
            << QStringList { u"timeline"_s, u"--log"_s, u"/dev/null"_s, u"--live"_s, u"dbname=x"_s };
        QTest::newRow("bad time") << QStringList { u"timeline"_s, u"--log"_s, u"/dev/null"_s, u"--from"_s,
            u"yesterday"_s };
    }
    void badInputExitsTwoWithOneLine()
    {
        QFETCH(QStringList, arguments);
        const CliRun run = runCli(arguments);
        QCOMPARE(run.exitCode, 2);
        QVERIFY(run.out.isEmpty());
        QVERIFY(run.err.startsWith("salvage-cli: "));
        QCOMPARE(run.err.trimmed().count('\n'), 0);
    }
};

QTEST_GUILESS_MAIN(TestCliTimeline)
#include "tst_cli_timeline.moc"
