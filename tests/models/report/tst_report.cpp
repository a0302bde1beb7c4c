// Postmortem exports against golden text: Markdown, HTML, CSV and Timesketch JSONL.
#include "report/compactjson.h"
#include "report/reportwriter.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QTimeZone>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestReport : public QObject
{
    Q_OBJECT

    static QList<ReportEntry> entries()
    {
        ReportEntry request;
        request.instantMs = 1735245054058;
        request.originalTime = u"2024-12-26T21:30:54.058125"_s;
        request.source = u"production.log"_s;
        request.level = LogLevel::Info;
        request.message = u"Started POST \"/inbox\" | for 203.0.113.9"_s;
        request.keys = { { u"request"_s, u"b2f7"_s }, { u"ip"_s, u"203.0.113.9"_s } };
        request.timestampDesc = u"Logged"_s;
        ReportEntry merge;
        merge.instantMs = 1735245654123;
        merge.source = u"sidekiq.log"_s;
        merge.level = LogLevel::Error;
        merge.message = u"AccountMergingWorker, <merged>"_s;
        merge.keys = { { u"job"_s, u"j1"_s }, { u"job"_s, u"j2"_s } };
        merge.timestampDesc = u"Logged"_s;
        merge.starred = true;
        merge.tags = { u"cause"_s };
        merge.comment = u"the clue"_s;
        ReportEntry note;
        note.instantMs = 1735235880000;
        note.source = u"note"_s;
        note.message = u"deploy, full downtime"_s;
        note.timestampDesc = u"Noted by the operator"_s;
        note.manual = true;
        note.starred = true;
        return { note, request, merge };
    }

    static QByteArray render(ReportWriter::Format format)
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ReportWriter writer(&buffer, format, u"Incident"_s);
        const QList<ReportEntry> all = entries();
        writer.begin({ all.at(0), all.at(2) }, { u"sidekiq.log: naive times read as UTC (default)"_s });
        for (const ReportEntry &e : all)
            writer.add(e);
        writer.finish();
        return buffer.data();
    }

private Q_SLOTS:
    void markdown()
    {
        const QByteArray expected
            = "# Incident\n\n- sidekiq.log: naive times read as UTC (default)\n\n"
              "## Key events (UTC)\n\n| Time (UTC) | Source | Level | Event | Keys | Notes | "
              "|\n|---|---|---|---|---|---|---|\n"
              "| 2024-12-26 17:58:00.000 | note | unknown | deploy, full downtime |  |  | note \xe2\x98\x85 |\n"
              "| 2024-12-26 20:40:54.123 | sidekiq.log | error | AccountMergingWorker, <merged> | job=j1 job=j2 | "
              "cause: the clue | \xe2\x98\x85 |\n"
              "\n## Timeline (UTC)\n\n| Time (UTC) | Source | Level | Event | Keys | Notes | "
              "|\n|---|---|---|---|---|---|---|\n"
              "| 2024-12-26 17:58:00.000 | note | unknown | deploy, full downtime |  |  | note \xe2\x98\x85 |\n"
              "| 2024-12-26 20:30:54.058 | production.log | info | Started POST \"/inbox\" \\| for 203.0.113.9 | "
              "request=b2f7 ip=203.0.113.9 |  |  |\n"
              "| 2024-12-26 20:40:54.123 | sidekiq.log | error | AccountMergingWorker, <merged> | job=j1 job=j2 | "
              "cause: the clue | \xe2\x98\x85 |\n";
        QCOMPARE(render(ReportWriter::Format::Markdown), expected);
    }

    void csv()
    {
        const QByteArray expected
            = "datetime,timestamp,timestamp_desc,message,source,level,keys,tag,comment,original_time\n"
              "2024-12-26T17:58:00.000+00:00,1735235880000000,Noted by the operator,\"deploy, full "
              "downtime\",note,unknown,,,,\n"
              "2024-12-26T20:30:54.058+00:00,1735245054058000,Logged,\"Started POST \"\"/inbox\"\" | for "
              "203.0.113.9 (request=b2f7)\",production.log,info,request=b2f7 "
              "ip=203.0.113.9,,,2024-12-26T21:30:54.058125\n"
              "2024-12-26T20:40:54.123+00:00,1735245654123000,Logged,\"AccountMergingWorker, "
              "<merged> (job=j1, job=j2)\",sidekiq.log,error,job=j1 job=j2,cause,the clue,\n";
        QCOMPARE(render(ReportWriter::Format::Csv), expected);
    }

    void jsonlInTimesketchShape()
    {
        const QList<QByteArray> lines = render(ReportWriter::Format::Jsonl).trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QJsonObject merge = QJsonDocument::fromJson(lines.at(2)).object();
        QCOMPARE(merge.value("datetime"_L1).toString(), u"2024-12-26T20:40:54.123+00:00"_s);
        QCOMPARE(merge.value("timestamp_desc"_L1).toString(), u"Logged"_s);
        // Timesketch lists the message alone: the keys it does not name come with it.
        QCOMPARE(merge.value("message"_L1).toString(), u"AccountMergingWorker, <merged> (job=j1, job=j2)"_s);
        QCOMPARE(merge.value("tag"_L1).toVariant().toStringList(), (QStringList { u"cause"_s, u"starred"_s }));
        QCOMPARE(merge.value("comment"_L1).toString(), u"the clue"_s);
        QCOMPARE(merge.value("keys"_L1).toObject().value("job"_L1).toVariant().toStringList(),
            (QStringList { u"j1"_s, u"j2"_s }));
        QCOMPARE(merge.value("level"_L1).toString(), u"error"_s);
        QCOMPARE(merge.value("source"_L1).toString(), u"sidekiq.log"_s);
        const QJsonObject note = QJsonDocument::fromJson(lines.at(0)).object();
        QVERIFY(note.value("manual"_L1).toBool());
        QCOMPARE(QDateTime::fromString(note.value("datetime"_L1).toString(), Qt::ISODateWithMs).toMSecsSinceEpoch(),
            qint64(1735235880000));
    }

    // The JSONL rows are written by hand (CompactJson), byte for byte what QJsonDocument writes:
    // every UTF-16 code unit alone (controls, quotes, lone surrogates), pairs, and whole rows.
    void compactJsonWritesWhatQJsonDocumentWrites()
    {
        QStringList texts { QString(), u"plain ascii"_s, u"\"quoted\" \\ back\u00e9 \u2028 \U0001F600"_s };
        for (char32_t unit = 0; unit <= 0xffff; ++unit)
            texts.append(QString(QChar(char16_t(unit))));
        texts.append(QString(QChar(0xd83d)) + QChar(0xde00) + QChar(0xdc00) + u'x' + QChar(0xd800));
        for (const QString &text : std::as_const(texts)) {
            QByteArray ours;
            CompactJson json(ours);
            json.beginObject().key(u"k").value(text).key(u"n").value(qint64(-1735245054058000)).endObject();
            const QByteArray theirs
                = QJsonDocument(QJsonObject { { u"k"_s, text }, { u"n"_s, qint64(-1735245054058000) } })
                      .toJson(QJsonDocument::Compact);
            QCOMPARE(ours, theirs);
        }
        QByteArray nested;
        CompactJson(nested)
            .beginObject()
            .key(u"a")
            .beginArray()
            .endArray()
            .key(u"b")
            .beginObject()
            .key(u"c")
            .null()
            .endObject()
            .key(u"d")
            .beginArray()
            .boolean(true)
            .beginObject()
            .endObject()
            .value(u"x")
            .endArray()
            .endObject();
        QCOMPARE(nested, QByteArray(R"({"a":[],"b":{"c":null},"d":[true,{},"x"]})"));
    }

    // Every row of the JSONL export, against the document the export built per row before.
    void jsonlRowsAsQJsonDocument()
    {
        QList<ReportEntry> all = entries();
        ReportEntry keyed = all.at(0);
        keyed.keys = { { u"path"_s, u"44"_s, u"accounts"_s }, { u"ip"_s, u"10.0.0.1"_s }, { u"parameter"_s, u"7"_s },
            { u"path"_s, u"45"_s, u"statuses"_s }, { u"ip"_s, u"10.0.0.2"_s } };
        keyed.inferred = true;
        keyed.inferredLinks = { { u"access.log"_s, 12, 1735245054000, u"same request"_s } };
        keyed.tags = { u"cause"_s };
        all.append(keyed);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ReportWriter writer(&buffer, ReportWriter::Format::Jsonl, u"Incident"_s);
        writer.begin({}, {});
        for (const ReportEntry &e : std::as_const(all))
            writer.add(e);
        writer.finish();
        const QList<QByteArray> lines = buffer.data().split('\n');
        QCOMPARE(lines.size(), all.size() + 1);
        for (qsizetype i = 0; i < all.size(); ++i) {
            const ReportEntry &e = all.at(i);
            QJsonObject keys;
            for (const LogKey &key : e.keys) {
                const QJsonValue existing = keys.value(key.kind);
                if (existing.isUndefined()) {
                    keys.insert(key.kind, key.value);
                } else {
                    QJsonArray values = existing.isArray() ? existing.toArray() : QJsonArray { existing };
                    values.append(key.value);
                    keys.insert(key.kind, values);
                }
            }
            QJsonArray rowKeys;
            for (const LogKey &key : e.keys)
                if (!key.table.isEmpty() || key.kind == "parameter"_L1 || key.kind == "path"_L1)
                    rowKeys.append(QJsonObject { { u"role"_s, key.kind }, { u"value"_s, key.value },
                        { u"table"_s, key.table.isEmpty() ? QJsonValue() : QJsonValue(key.table) } });
            QJsonArray tags = QJsonArray::fromStringList(e.tags);
            if (e.starred)
                tags.append(u"starred"_s);
            QJsonObject o { { u"message"_s, e.standaloneMessage() },
                { u"datetime"_s, ReportWriter::isoUtc(e.instantMs) }, { u"timestamp"_s, e.instantMs * 1000 },
                { u"timestamp_desc"_s, e.timestampDesc }, { u"source"_s, e.source }, { u"level"_s, levelName(e.level) },
                { u"keys"_s, keys }, { u"tag"_s, tags } };
            if (!rowKeys.isEmpty())
                o.insert(u"row_keys"_s, rowKeys);
            if (!e.originalTime.isEmpty())
                o.insert(u"original_time"_s, e.originalTime);
            if (!e.comment.isEmpty())
                o.insert(u"comment"_s, e.comment);
            if (e.manual)
                o.insert(u"manual"_s, true);
            if (e.inferred)
                o.insert(u"link"_s, u"inferred"_s);
            QJsonArray links;
            for (const ReportLink &link : e.inferredLinks)
                links.append(QJsonObject { { u"source"_s, link.source }, { u"line"_s, link.line },
                    { u"datetime"_s, ReportWriter::isoUtc(link.instantMs) }, { u"link"_s, u"inferred"_s },
                    { u"reason"_s, link.reason } });
            if (!links.isEmpty())
                o.insert(u"inferred_links"_s, links);
            QCOMPARE(lines.at(i), QJsonDocument(o).toJson(QJsonDocument::Compact));
        }
    }

    // The hand-made ISO time against QDateTime's, around the years, leap days and the edges.
    void isoUtcAsQDateTime()
    {
        QList<qint64> instants { 0, 1, 999, 86'399'999, 951'782'400'000, 951'868'799'999, 1735245054058,
            4'107'542'399'999, 253'402'300'799'999, 253'402'300'800'000, -1, -86'400'001 };
        quint64 seed = 1;
        for (int i = 0; i < 20000; ++i) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            instants.append(qint64(seed >> 16) % 253'402'300'800'000);
        }
        for (const qint64 ms : std::as_const(instants))
            QCOMPARE(ReportWriter::isoUtc(ms),
                QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s)
                    + u"+00:00"_s);
    }

    void htmlEscapes()
    {
        const QByteArray html = render(ReportWriter::Format::Html);
        QVERIFY(html.startsWith("<!DOCTYPE html>"));
        QVERIFY(html.contains("AccountMergingWorker, &lt;merged&gt;"));
        QVERIFY(!html.contains("<merged>"));
        QCOMPARE(html.count("<table>"), 2);
        QVERIFY(html.trimmed().endsWith("</html>"));
    }

    // Timesketch lists the message alone: a bare "done" must say what finished, and on what.
    void standaloneMessage_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<QStringList>("keys");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bare worker line")
            << u"done"_s << QStringList { u"class=AccountMergingWorker"_s, u"job=j1"_s, u"account=44"_s }
            << u"AccountMergingWorker done (job=j1, account=44)"_s;
        QTest::newRow("names its class") << u"AccountMergingWorker start"_s
                                         << QStringList { u"class=AccountMergingWorker"_s, u"job=j1"_s }
                                         << u"AccountMergingWorker start (job=j1)"_s;
        QTest::newRow("names every key") << u"GET /api/v1/accounts/44 from 203.0.113.9"_s
                                         << QStringList { u"account=44"_s, u"ip=203.0.113.9"_s }
                                         << u"GET /api/v1/accounts/44 from 203.0.113.9"_s;
        QTest::newRow("no message") << QString() << QStringList { u"request=b2f7"_s } << u"(request=b2f7)"_s;
        QTest::newRow("a key twice") << u"merged"_s << QStringList { u"job=j1"_s, u"job=j1"_s } << u"merged (job=j1)"_s;
    }
    void standaloneMessage()
    {
        QFETCH(QString, message);
        QFETCH(QStringList, keys);
        QFETCH(QString, expected);
        ReportEntry entry;
        entry.message = message;
        for (const QString &key : keys)
            entry.keys.append({ key.section(u'=', 0, 0), key.section(u'=', 1) });
        QCOMPARE(entry.standaloneMessage(), expected);
    }

    // The summary opens Markdown and HTML: its sections, the loss table, the figures written.
    void summaryOpensTheReport()
    {
        PostmortemSummary summary;
        summary.what << u"3 rows lost"_s;
        summary.when << u"First event touching a lost row: 20:40 UTC"_s;
        summary.restored << u"Nothing restored yet"_s;
        summary.losses.append({ u"public.accounts"_s, 3, 0, 0, 0 });
        summary.figures.append({ u"events"_s, u"Events per source"_s, "<svg/>", u"report-events.svg"_s });
        summary.figures.append({ u"moves"_s, u"Not written"_s, "<svg/>", QString() });
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ReportWriter writer(&buffer, ReportWriter::Format::Markdown, u"Incident"_s);
        writer.setSummary(summary);
        writer.begin({}, {});
        writer.finish();
        QCOMPARE(buffer.data(),
            QByteArray(
                "# Incident\n\n\n## Summary\n\n### What happened\n\n- 3 rows lost\n\n### When\n\n- First event "
                "touching a lost row: 20:40 UTC\n\n### What was restored\n\n- Nothing restored yet\n\n### Loss "
                "per table\n\n| Table | Lost | New | Changed | Moved |\n|---|---:|---:|---:|---:|\n| "
                "public.accounts | 3 | 0 | 0 | 0 |\n\n![Events per source](report-events.svg)\n\n## Timeline "
                "(UTC)\n\n| Time (UTC) | Source | Level | Event | Keys | Notes | |\n|---|---|---|---|---|---|---|\n"));
        // CSV and JSONL are event lists for other tools: no summary in them.
        QBuffer csv;
        csv.open(QIODevice::WriteOnly);
        ReportWriter csvWriter(&csv, ReportWriter::Format::Csv, u"Incident"_s);
        csvWriter.setSummary(summary);
        csvWriter.begin({}, {});
        csvWriter.finish();
        QVERIFY(!csv.data().isEmpty());
        QVERIFY(!csv.data().contains("rows lost"));
    }

    // With a second BACKUP compared (the demo's nightly and PITR ones), the summary says what each
    // recovers, per table and in all, in Markdown and HTML.
    void gainTableInTheSummary()
    {
        auto gain = std::make_shared<BackupGain>();
        gain->firstName = u"nightly"_s;
        gain->secondName = u"PITR | 1 s before"_s;
        gain->tables.append({ u"public.notifications"_s, 40, 75, 0, 35 });
        gain->tables.append({ u"public.statuses"_s, 12, 3, 10, 1 });
        PostmortemSummary summary;
        summary.gain = gain;
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ReportWriter writer(&buffer, ReportWriter::Format::Markdown, u"Incident"_s);
        writer.setSummary(summary);
        writer.begin({}, {});
        writer.finish(); // the writer buffers: what it wrote is whole after finish()
        QVERIFY2(
            buffer.data().contains(
                "### Recoverable from nightly vs PITR \\| 1 s before\n\n| Table | Lost, in nightly | Lost, in "
                "PITR \\| 1 s before | Only in PITR \\| 1 s before | Only in nightly |\n|---|---:|---:|---:|---:|\n"
                "| public.notifications | 40 | 75 | 35 | 0 |\n| public.statuses | 12 | 3 | 1 | 10 |\n"
                "| **all tables** | 52 | 78 | 36 | 10 |\n"),
            buffer.data().constData());
        QBuffer html;
        html.open(QIODevice::WriteOnly);
        ReportWriter htmlWriter(&html, ReportWriter::Format::Html, u"Incident"_s);
        htmlWriter.setSummary(summary);
        htmlWriter.begin({}, {});
        htmlWriter.finish();
        QVERIFY2(html.data().contains("<tr><td>public.notifications</td><td>40</td><td>75</td><td>35</td><td>0</td>"
                                      "</tr>"),
            html.data().constData());
        // No second BACKUP, no table.
        summary.gain.reset();
        QBuffer without;
        without.open(QIODevice::WriteOnly);
        ReportWriter plain(&without, ReportWriter::Format::Markdown, u"Incident"_s);
        plain.setSummary(summary);
        plain.begin({}, {});
        plain.finish();
        QVERIFY(without.data().contains("## Summary"));
        QVERIFY(!without.data().contains("Recoverable from"));
    }

    void formatNames()
    {
        QCOMPARE(ReportWriter::formatFromName(u"jsonl"_s), ReportWriter::Format::Jsonl);
        QVERIFY(!ReportWriter::formatFromName(u"xml"_s));
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
