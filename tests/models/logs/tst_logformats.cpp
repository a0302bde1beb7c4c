// Every built-in format is tested by its own sample lines; broken definitions fail clearly.
#include "core/error.h"
#include "logs/eventparser.h"
#include "logs/formatdetector.h"
#include "logs/formatregistry.h"
#include "logs/linescanner.h"

#include <QDateTime>
#include <QFile>
#include <QTest>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestLogFormats : public QObject
{
    Q_OBJECT
    FormatRegistry m_registry = FormatRegistry::standard();

    // The first of `lines` parsed with the envelope and payload formats detected for them all.
    LogEvent firstInEnvelope(const QStringList &lines) const
    {
        const FormatDetector::Result r = FormatDetector(m_registry).detectLines(lines);
        if (r.format < 0 || !m_registry.formats().at(r.format).envelope || r.payload < 0)
            return {};
        return EventParser(&m_registry.formats().at(r.format), &m_registry.formats().at(r.payload))
            .parse(lines.first().toUtf8());
    }

private Q_SLOTS:
    void builtInsLoad()
    {
        QVERIFY2(m_registry.errors().isEmpty(), qPrintable(m_registry.errors().join(u'\n')));
        for (const char *id : { "access_log", "rails_log", "sidekiq_log", "sidekiq8_log", "sidekiq_json",
                 "postgresql_log", "postgresql_csvlog", "postgresql_jsonlog", "docker_json", "journald_json",
                 "syslog_log", "synapse_log", "nginx_error_log" })
            QVERIFY2(m_registry.indexOf(QString::fromLatin1(id)) >= 0, id);
        // The ids the demo workspace writes.
        QCOMPARE(m_registry.indexOf(u"nginx-combined"_s), m_registry.indexOf(u"access_log"_s));
        QCOMPARE(m_registry.indexOf(u"rails-lograge"_s), m_registry.indexOf(u"rails_log"_s));
        QCOMPARE(m_registry.indexOf(u"sidekiq"_s), m_registry.indexOf(u"sidekiq_log"_s));
        QCOMPARE(m_registry.indexOf(u"postgresql-stderr"_s), m_registry.indexOf(u"postgresql_log"_s));
        QCOMPARE(m_registry.indexOf(u"no-such-format"_s), -1);
    }

    void samples_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("sample");
        for (int f = 0; f < m_registry.formats().size(); ++f) {
            const LogFormat &format = m_registry.formats().at(f);
            QVERIFY2(!format.samples.isEmpty(), qPrintable(format.id));
            for (int s = 0; s < format.samples.size(); ++s)
                QTest::addRow("%s #%d", qPrintable(format.id), s) << f << s;
        }
    }
    void samples()
    {
        QFETCH(int, format);
        QFETCH(int, sample);
        const LogFormat &f = m_registry.formats().at(format);
        const LogFormat::Sample &s = f.samples.at(sample);
        QVERIFY2(EventParser::matches(f, s.line), qPrintable(s.line));
        const LogEvent event = EventParser(&f, nullptr).parse(s.line.toUtf8());
        QVERIFY(!(event.flags & LogEvent::Unparsed));
        QVERIFY(!event.message.isEmpty());
        if (s.level != LogLevel::Unknown)
            QCOMPARE(levelName(event.level), levelName(s.level));
        if (f.payloadOnly) {
            // No time of its own: never detected on a bare line, only inside an envelope.
            QCOMPARE(FormatDetector(m_registry).detectLines({ s.line }).format == format, false);
            QCOMPARE(FormatDetector(m_registry).detectPayload({ s.line }), format);
            return;
        }
        QVERIFY2(!event.originalTime.isEmpty(), "the timestamp is kept as written");
        // The index's byte scanner finds the same line's instant.
        LineScanner scanner(&f, nullptr, {}, SourceClock());
        const QByteArray bytes = s.line.toUtf8();
        const LineScanner::Result r = scanner.scan(bytes.constData(), bytes.constData() + bytes.size());
        QVERIFY(r.hasTime);
        QVERIFY(!r.joinsPrevious);
        QVERIFY(r.instant > 946684800000LL); // after 2000-01-01
        // Detection picks this format for its own samples.
        const FormatDetector::Result detected = FormatDetector(m_registry).detectLines({ s.line });
        QCOMPARE(m_registry.formats().at(detected.format).id, f.id);
    }

    void envelopePayloads()
    {
        // docker carrying Sidekiq, journald carrying Sidekiq, syslog carrying Sidekiq.
        const QString sidekiq
            = u"2024-12-26T20:40:54.123Z pid=7 tid=gsq2r class=AccountMergingWorker jid=0b5a7c1d2e3f405162738495 INFO: start"_s;
        const QStringList docker = {
            u"{\"log\":\"%1\\n\",\"stream\":\"stdout\",\"time\":\"2024-12-26T20:40:54.123456789Z\"}"_s.arg(sidekiq)
        };
        const QStringList syslog = { u"Dec 26 20:40:54 web1 sidekiq[1514]: "_s + sidekiq };
        for (const QStringList &lines : { docker, syslog }) {
            const LogEvent e = firstInEnvelope(lines);
            QCOMPARE(e.format, u"sidekiq_log"_s);
            QCOMPARE(e.message, u"start"_s);
            QVERIFY(e.keys.contains(LogKey { u"job"_s, u"0b5a7c1d2e3f405162738495"_s }));
            QCOMPARE(e.lane, u"AccountMergingWorker"_s);
        }
    }

    void lograge()
    {
        const LogFormat &rails = m_registry.formats().at(m_registry.indexOf(u"rails_log"_s));
        const LogEvent e = EventParser(&rails, nullptr).parse(rails.samples.at(1).line.toUtf8());
        QVERIFY(e.keys.contains(LogKey { u"request"_s, u"b2f7c3a1-4d5e-4f60-9a7b-8c9d0e1f2a3b"_s }));
        QVERIFY(e.keys.contains(LogKey { u"actor"_s, u"https://remote.example/users/alice#main-key"_s }));
        QCOMPARE(e.fields.value(u"status"_s), u"202"_s);
        QCOMPARE(e.fields.value(u"controller"_s), u"ActivityPub::InboxesController"_s);
    }

    // Rails under systemd or docker (Mastodon's own units): bare lograge lines on stdout, the
    // time given by the envelope; keys, level (from the status) and request shape still found.
    void logragePayloads()
    {
        const QString line = u"[b2f7c3a1-4d5e-4f60-8a7b-1c2d3e4f5a6b] method=POST path=/inbox format=*/* "
                             "controller=ActivityPub::InboxesController action=create status=502 duration=12.84 "
                             "key=https://remote.example/users/alice#main-key"_s;
        const QStringList syslog = { u"Dec 26 20:30:54 mastodon bundle[1514]: "_s + line,
            u"Dec 26 20:30:55 mastodon bundle[1514]: method=GET path=/health format=html status=200 duration=0.5"_s };
        const QStringList docker
            = { u"{\"log\":\"%1\\n\",\"stream\":\"stdout\",\"time\":\"2024-12-26T20:30:54.071002Z\"}"_s.arg(line) };
        for (const QStringList &lines : { syslog, docker }) {
            const LogEvent e = firstInEnvelope(lines);
            QCOMPARE(e.format, u"lograge_payload"_s);
            QVERIFY(e.keys.contains(LogKey { u"request"_s, u"b2f7c3a1-4d5e-4f60-8a7b-1c2d3e4f5a6b"_s }));
            QVERIFY(e.keys.contains(LogKey { u"actor"_s, u"https://remote.example/users/alice#main-key"_s }));
            QCOMPARE(levelName(e.level), levelName(LogLevel::Error));
            QCOMPARE(e.fields.value(u"path"_s), u"/inbox"_s);
        }
        // Chosen by hand for a file of its own, it has no instants to give: refused with a reason.
        QVERIFY(m_registry.formats().at(m_registry.indexOf(u"lograge"_s)).payloadOnly);
    }

    void synapse()
    {
        // The Matrix homeserver: request context, user and IP from the access line; room ids anywhere.
        const LogFormat &synapse = m_registry.formats().at(m_registry.indexOf(u"synapse"_s));
        const LogEvent access = EventParser(&synapse, nullptr).parse(synapse.samples.at(0).line.toUtf8());
        QVERIFY(access.keys.contains(LogKey { u"request"_s, u"GET-1234"_s }));
        QVERIFY(
            access.keys.contains(LogKey { u"user"_s, u"@alice:example.org"_s, u"user"_s })); // user_id: a row of users
        QVERIFY(access.keys.contains(LogKey { u"ip"_s, u"203.0.113.7"_s }));
        QCOMPARE(access.fields.value(u"status"_s), u"200"_s);
        QCOMPARE(access.fields.value(u"path"_s), u"/_matrix/client/v3/sync"_s);
        QCOMPARE(access.lane, u"synapse.access.http.8008"_s);
        const LogEvent rejected = EventParser(&synapse, nullptr).parse(synapse.samples.at(2).line.toUtf8());
        QVERIFY(rejected.keys.contains(LogKey { u"room"_s, u"!hTyzDqZkAbcd:example.org"_s, u"room"_s }));
        // Contexts that are not requests (main, sentinel, background processes) are no correlation key.
        const LogEvent startup = EventParser(&synapse, nullptr).parse(synapse.samples.at(1).line.toUtf8());
        QVERIFY(startup.keys.isEmpty());
        // A Python traceback continues the entry before it.
        LineScanner scanner(&synapse, nullptr, {}, SourceClock());
        const QByteArray traceback = "Traceback (most recent call last):";
        QVERIFY(scanner.scan(traceback.constData(), traceback.constData() + traceback.size()).joinsPrevious);
    }

    void nginxErrorLog()
    {
        const LogFormat &nginx = m_registry.formats().at(m_registry.indexOf(u"nginx-error"_s));
        const LogEvent e = EventParser(&nginx, nullptr).parse(nginx.samples.at(0).line.toUtf8());
        QVERIFY(e.keys.contains(LogKey { u"ip"_s, u"198.51.100.7"_s }));
        QCOMPARE(e.fields.value(u"path"_s), u"/api/v1/timelines/home"_s);
        QCOMPARE(e.fields.value(u"upstream"_s), u"http://127.0.0.1:3000/api/v1/timelines/home"_s);
        // An access log line is not taken for an error log line, nor the reverse.
        const FormatDetector detector(m_registry);
        QCOMPARE(m_registry.formats().at(detector.detectLines({ nginx.samples.at(2).line }).format).id,
            u"nginx_error_log"_s);
    }

    void csvlogQuotedNewline()
    {
        const LogFormat &csv = m_registry.formats().at(m_registry.indexOf(u"postgresql_csvlog"_s));
        const QByteArray record
            = "2025-06-14 09:00:02.500 CEST,\"u\",\"db\",2040,\"10.0.0.5:1\",684d.7f8,3,\"INSERT\",2025-06-14 08:59:58 "
              "CEST,5/1,0,"
              "ERROR,23505,\"dup \"\"key\"\"\",\"Key (id)=(1)\nalready exists.\",,,,,\"INSERT INTO t\nVALUES "
              "(1)\",,,\"psql\",\"client backend\",,0";
        const LogEvent e = EventParser(&csv, nullptr).parse(record);
        QCOMPARE(e.level, LogLevel::Error);
        QCOMPARE(e.fields.value(u"message"_s), u"dup \"key\""_s);
        QCOMPARE(e.fields.value(u"detail"_s), u"Key (id)=(1)\nalready exists."_s);
        QCOMPARE(e.fields.value(u"query"_s), u"INSERT INTO t\nVALUES (1)"_s);
        QVERIFY(e.keys.contains(LogKey { u"user"_s, u"u"_s }));
    }

    void invalidDefinitions_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{") << u"not valid JSON"_s;
        QTest::newRow("no format") << QByteArray("{\"$schema\":\"x\"}") << u"defines no format"_s;
        QTest::newRow("bad regex") << QByteArray(
            "{\"f\":{\"regex\":{\"a\":{\"pattern\":\"(?<timestamp>\\\\d+\"}},\"timestamp-format\":[\"%s\"]}}")
                                   << u"invalid at offset"_s;
        QTest::newRow("no timestamp group")
            << QByteArray("{\"f\":{\"regex\":{\"a\":{\"pattern\":\"^(?<body>.*)$\"}},\"timestamp-format\":[\"%s\"]}}")
            << u"no (?<timestamp>"_s;
        QTest::newRow("unsupported conversion")
            << QByteArray("{\"f\":{\"json\":true,\"timestamp-format\":[\"%Q\"]}}") << u"does not support"_s;
        QTest::newRow("unknown level") << QByteArray(
            "{\"f\":{\"json\":true,\"timestamp-format\":[\"%s\"],\"level\":{\"loud\":\"X\"}}}")
                                       << u"not a level name"_s;
        QTest::newRow("neither regex nor json")
            << QByteArray("{\"f\":{\"timestamp-format\":[\"%s\"]}}") << u"neither"_s;
    }
    void invalidDefinitions()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        try {
            LogFormat::fromJson(json, u"user.json"_s);
            QFAIL("accepted an invalid definition");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
            QVERIFY(e.message().contains(u"user.json"_s));
        }
    }

    // A format file written for lnav works as it is: its operation id and identifier values
    // become keys, its line-format the message, and without a timestamp-format ISO 8601 is read.
    void lnavFormatFile()
    {
        // Written to lnav's format schema, as an lnav user's own file would be.
        QFile file(QFINDTESTDATA(u"lnav/myapp.json"_s));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray json = file.readAll();
        const QList<LogFormat> formats = LogFormat::fromJson(json, u"lnav.json"_s);
        QCOMPARE(formats.size(), 2);
        const LogEvent e = EventParser(&formats.at(0), nullptr).parse(formats.at(0).samples.first().line.toUtf8());
        QCOMPARE(levelName(e.level), levelName(LogLevel::Error));
        QVERIFY(e.keys.contains(LogKey { u"operation"_s, u"r-1"_s }));
        QVERIFY(e.keys.contains(LogKey { u"user"_s, u"alice"_s }));
        QVERIFY(!std::any_of(e.keys.cbegin(), e.keys.cend(), [](const LogKey &k) { return k.kind == u"bytes"_s; }));
        QCOMPARE(e.message, u"2024-12-26T20:30:54.123Z ERROR boom"_s);
        const LogEvent t = EventParser(&formats.at(1), nullptr).parse(formats.at(1).samples.first().line.toUtf8());
        QVERIFY(t.keys.contains(LogKey { u"operation"_s, u"op-7"_s }));
        QCOMPARE(levelName(t.level), levelName(LogLevel::Warning));
        LineScanner scanner(&formats.at(1), nullptr, {}, SourceClock());
        const QByteArray line = formats.at(1).samples.first().line.toUtf8();
        const LineScanner::Result r = scanner.scan(line.constData(), line.constData() + line.size());
        QVERIFY(r.hasTime); // no timestamp-format given: ISO 8601 read all the same
        QCOMPARE(r.instant, QDateTime::fromString(u"2024-12-26T19:30:54Z"_s, Qt::ISODate).toMSecsSinceEpoch());
    }

    void userDirectoryOverridesAndReportsErrors()
    {
        QTemporaryDir dir;
        QFile good(dir.filePath(u"mine.json"_s));
        QVERIFY(good.open(QIODevice::WriteOnly));
        good.write("{\"access_log\":{\"title\":\"Mine\",\"regex\":{\"a\":{\"pattern\":\"^(?<timestamp>\\\\d+) "
                   "(?<body>.*)$\"}},\"timestamp-format\":[\"%s\"],\"body-field\":\"body\"}}");
        good.close();
        QFile bad(dir.filePath(u"broken.json"_s));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{nope");
        bad.close();
        FormatRegistry registry = FormatRegistry::standard();
        const qsizetype before = registry.formats().size();
        registry.loadDirectory(dir.path());
        QCOMPARE(registry.formats().size(), before);
        QCOMPARE(registry.formats().at(registry.indexOf(u"access_log"_s)).title, u"Mine"_s);
        QCOMPARE(registry.errors().size(), 1);
        QVERIFY(registry.errors().first().contains(u"broken.json"_s));
    }
};

QTEST_GUILESS_MAIN(TestLogFormats)
#include "tst_logformats.moc"
