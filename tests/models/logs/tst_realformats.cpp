// Logs written by the real software (PostgreSQL 15, nginx 1.22, Apache 2.4, rsyslog 8.2302, systemd
// 252 journald, docker 20.10 on Debian 12), captured while known actions ran: see real/README.md for how. Every
// entry must be detected in the right format, carry the right UTC instant, level and keys, and
// multi-line entries must be joined.
#include "logs/indexedlog.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestRealFormats : public QObject
{
    Q_OBJECT
    FormatRegistry m_registry = FormatRegistry::standard();
    QTemporaryDir m_dir;

    std::unique_ptr<IndexedLog> open(const QString &name, const QString &zone = {})
    {
        const QString found = QFINDTESTDATA(u"real/"_s + name);
        if (found.isEmpty())
            qFatal("missing fixture real/%s", qPrintable(name));
        // Year-less timestamps (traditional syslog, journalctl -o short) take the year from the
        // file's date: give the copy the capture's date, not the checkout's.
        const QString path = m_dir.filePath(QString(name).replace(u'/', u'-'));
        QFile::remove(path);
        QFile copy(found);
        if (!copy.copy(path))
            qFatal("cannot copy real/%s", qPrintable(name));
        QFile file(path);
        if (!file.open(QIODevice::ReadWrite)
            || !file.setFileTime(
                QDateTime(QDate(2026, 12, 2), QTime(12, 0), QTimeZone::utc()), QFileDevice::FileModificationTime))
            qFatal("cannot date the copy of real/%s", qPrintable(name));
        file.close();
        auto log = std::make_unique<IndexedLog>(LogSource { path, {}, {}, zone, 0 }, m_registry);
        log->build();
        return log;
    }

    static qint64 iso(const QString &utc) { return QDateTime::fromString(utc, Qt::ISODateWithMs).toMSecsSinceEpoch(); }

    // The first entry whose message contains `text`.
    static LogEvent find(const IndexedLog &log, const QString &text)
    {
        for (qint64 i = 0; i < log.index().count(); ++i) {
            const LogEvent e = log.event(i);
            if (e.message.contains(text))
                return e;
        }
        qWarning("no entry contains %s", qPrintable(text));
        return {};
    }

    static QStringList keysOf(const LogEvent &e, const QString &kind)
    {
        QStringList values;
        for (const LogKey &key : e.keys)
            if (key.kind == kind)
                values.append(key.value);
        return values;
    }

private Q_SLOTS:
    void everyEntryParses_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("entries");
        QTest::addColumn<int>("lines");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("last");
        QTest::addColumn<bool>("levels"); // false: the format writes no level (syslog files)
        // PostgreSQL 15, log_destination = 'stderr,csvlog,jsonlog', log_timezone = 'Europe/Berlin' (CET).
        QTest::newRow("pg stderr CET") << u"postgresql/berlin-stderr.log"_s << QString() << u"postgresql_log"_s << 26
                                       << 37 << u"2026-12-02T11:00:06.220Z"_s << u"2026-12-02T11:00:10.803Z"_s << true;
        QTest::newRow("pg csvlog CET") << u"postgresql/berlin-csvlog.csv"_s << QString() << u"postgresql_csvlog"_s << 26
                                       << 29 << u"2026-12-02T11:00:06.220Z"_s << u"2026-12-02T11:00:10.803Z"_s << true;
        QTest::newRow("pg jsonlog CET") << u"postgresql/berlin-jsonlog.json"_s << QString() << u"postgresql_jsonlog"_s
                                        << 26 << 26 << u"2026-12-02T11:00:06.220Z"_s << u"2026-12-02T11:00:10.803Z"_s
                                        << true;
        // pgBadger's log_line_prefix, log_timezone = 'UTC' (whole seconds).
        QTest::newRow("pg pgBadger prefix")
            << u"postgresql/pgbadger-utc.log"_s << QString() << u"postgresql_log"_s << 37 << 48
            << u"2026-12-02T11:00:18.000Z"_s << u"2026-12-02T11:00:23.000Z"_s << true;
        QTest::newRow("pg RDS prefix") << u"postgresql/rds-prefix.log"_s << QString() << u"postgresql_log"_s << 19 << 25
                                       << u"2026-12-02T11:05:45.000Z"_s << u"2026-12-02T11:05:46.000Z"_s << true;
        QTest::newRow("pg [user=,db=,app=] prefix")
            << u"postgresql/bracket-prefix.log"_s << QString() << u"postgresql_log"_s << 19 << 25
            << u"2026-12-02T11:05:46.233Z"_s << u"2026-12-02T11:05:46.471Z"_s << true;
        QTest::newRow("pg [%p-%l] prefix")
            << u"postgresql/pid-line-prefix.log"_s << QString() << u"postgresql_log"_s << 19 << 25
            << u"2026-12-02T11:05:46.000Z"_s << u"2026-12-02T11:05:46.000Z"_s << true;
        QTest::newRow("pg < %m > prefix, EST")
            << u"postgresql/angle-prefix-new-york.log"_s << QString() << u"postgresql_log"_s << 19 << 25
            << u"2026-12-02T11:52:05.548Z"_s << u"2026-12-02T11:52:05.683Z"_s << true;
        // Zones: Debian's prefix in Asia/Kathmandu (+0545), CST meaning China, WAT, NST (-03:30).
        QTest::newRow("pg +0545") << u"postgresql/kathmandu-debian-prefix.log"_s << QString() << u"postgresql_log"_s
                                  << 18 << 21 << u"2026-12-02T11:00:23.929Z"_s << u"2026-12-02T11:00:24.151Z"_s << true;
        QTest::newRow("pg CST in Shanghai")
            << u"postgresql/shanghai-stderr.log"_s << u"Asia/Shanghai"_s << u"postgresql_log"_s << 19 << 25
            << u"2026-12-02T11:04:02.335Z"_s << u"2026-12-02T11:04:02.690Z"_s << true;
        QTest::newRow("pg csvlog CST in Shanghai")
            << u"postgresql/shanghai-csvlog.csv"_s << u"Asia/Shanghai"_s << u"postgresql_csvlog"_s << 19 << 23
            << u"2026-12-02T11:04:02.335Z"_s << u"2026-12-02T11:04:02.690Z"_s << true;
        QTest::newRow("pg WAT") << u"postgresql/lagos-stderr.log"_s << QString() << u"postgresql_log"_s << 19 << 25
                                << u"2026-12-02T11:04:02.744Z"_s << u"2026-12-02T11:04:02.895Z"_s << true;
        QTest::newRow("pg NST") << u"postgresql/stjohns-stderr.log"_s << QString() << u"postgresql_log"_s << 19 << 25
                                << u"2026-12-02T11:04:03.048Z"_s << u"2026-12-02T11:04:03.271Z"_s << true;
        // log_destination = 'syslog' through rsyslog (RFC 3339 file): PostgreSQL's prefix after "[12-1] ".
        QTest::newRow("pg through syslog")
            << u"postgresql/syslog-rsyslog.log"_s << QString() << u"syslog_log"_s << 21 << 29
            << u"2026-12-02T11:42:58.995Z"_s << u"2026-12-02T11:42:59.179Z"_s << true;
        // nginx 1.22 and Apache 2.4 run with TZ=Europe/Berlin: access logs carry +0100, error logs are naive.
        QTest::newRow("nginx access") << u"nginx/access.log"_s << QString() << u"access_log"_s << 10 << 10
                                      << u"2026-12-02T11:00:34.000Z"_s << u"2026-12-02T11:00:50.000Z"_s << true;
        QTest::newRow("nginx error") << u"nginx/error.log"_s << u"Europe/Berlin"_s << u"nginx_error_log"_s << 38 << 38
                                     << u"2026-12-02T11:00:34.000Z"_s << u"2026-12-02T11:01:00.000Z"_s << true;
        QTest::newRow("apache access") << u"apache/access.log"_s << QString() << u"access_log"_s << 8 << 8
                                       << u"2026-12-02T11:01:51.000Z"_s << u"2026-12-02T11:01:51.000Z"_s << true;
        QTest::newRow("apache error") << u"apache/error.log"_s << u"Europe/Berlin"_s << u"apache_error_log"_s << 8 << 10
                                      << u"2026-12-02T11:01:50.853Z"_s << u"2026-12-02T11:01:51.925Z"_s << true;
        // rsyslog 8.2302 with TZ=Europe/Berlin: Debian's default RFC 3339 file format, and the traditional one.
        QTest::newRow("rsyslog RFC 3339") << u"syslog/rsyslog-rfc3339.log"_s << QString() << u"syslog_log"_s << 11 << 11
                                          << u"2026-12-02T11:02:06.741Z"_s << u"2026-12-02T11:02:12.887Z"_s << false;
        QTest::newRow("rsyslog traditional")
            << u"syslog/rsyslog-traditional.log"_s << u"Europe/Berlin"_s << u"syslog_log"_s << 11 << 11
            << u"2026-12-02T11:02:06.000Z"_s << u"2026-12-02T11:02:12.000Z"_s << false;
        // systemd-journald 252: journalctl -o json, -o short-iso-precise (TZ=Europe/Berlin) and -o short (UTC).
        QTest::newRow("journalctl -o json") << u"journald/journal.json"_s << QString() << u"journald_json"_s << 12 << 12
                                            << u"2026-12-02T11:04:30.360Z"_s << u"2026-12-02T11:04:41.616Z"_s << true;
        QTest::newRow("journalctl short-iso-precise")
            << u"journald/short-iso-precise-berlin.txt"_s << QString() << u"syslog_log"_s << 12 << 13
            << u"2026-12-02T11:04:30.360Z"_s << u"2026-12-02T11:04:41.616Z"_s << false;
        // docker 20.10 json-file, a busybox container (an image imported from a local tarball).
        QTest::newRow("docker json-file") << u"docker/plain-json.log"_s << QString() << u"docker_json"_s << 10 << 10
                                          << u"2026-12-02T11:10:51.998Z"_s << u"2026-12-02T11:10:51.999Z"_s << false;
        QTest::newRow("docker json-file, Sidekiq")
            << u"docker/sidekiq-json.log"_s << QString() << u"docker_json"_s << 8 << 9 << u"2026-12-02T11:10:56.146Z"_s
            << u"2026-12-02T11:10:56.147Z"_s << false;
        QTest::newRow("journalctl short") << u"journald/short-utc.txt"_s << QString() << u"syslog_log"_s << 12 << 13
                                          << u"2026-12-02T11:04:30.000Z"_s << u"2026-12-02T11:04:41.000Z"_s << false;
    }
    void everyEntryParses()
    {
        QFETCH(QString, file);
        QFETCH(QString, zone);
        QFETCH(QString, format);
        QFETCH(int, entries);
        QFETCH(int, lines);
        QFETCH(QString, first);
        QFETCH(QString, last);
        QFETCH(bool, levels);
        const auto log = open(file, zone);
        QCOMPARE(log->format()->id, format);
        QCOMPARE(log->index().lineCount(), lines);
        QCOMPARE(log->index().count(), entries);
        QCOMPARE(log->index().timestampedCount(), entries);
        for (qint64 i = 0; i < log->index().count(); ++i) {
            const LogEvent e = log->event(i);
            const QByteArray where = file.toUtf8() + ':' + QByteArray::number(e.line);
            QVERIFY2(!(e.flags & (quint16(LogEvent::Unparsed) | LineIndex::NoTimestamp | LineIndex::Fallback)),
                where.constData());
            QVERIFY2(!e.originalTime.isEmpty(), where.constData());
            QVERIFY2(!levels || e.level != LogLevel::Unknown, where.constData());
            // Instants lie within the capture, never hours away (a misread zone).
            QVERIFY2(e.instantMs >= iso(first) && e.instantMs <= iso(last), where.constData());
        }
        QCOMPARE(log->index().instant(0), iso(first));
        QCOMPARE(log->index().instant(log->index().count() - 1), iso(last));
    }

    void postgresStderrJoinsAndKeys()
    {
        const auto log = open(u"postgresql/berlin-stderr.log"_s);
        const LogEvent unique = find(*log, u"duplicate key value"_s);
        QCOMPARE(unique.level, LogLevel::Error);
        QCOMPARE(unique.instantMs, iso(u"2026-12-02T11:00:10.563Z"_s));
        QCOMPARE(unique.message,
            u"duplicate key value violates unique constraint \"accounts_username_key\"\n"
            "DETAIL:  Key (username)=(alice) already exists.\n"
            "STATEMENT:  INSERT INTO accounts VALUES (2, 'alice');"_s);
        QVERIFY(find(*log, u"violates foreign key constraint"_s)
                    .message.contains(u"\nDETAIL:  Key (account_id)=(99) is not present"_s));
        QVERIFY(find(*log, u"syntax error at or near"_s).message.endsWith(u"\nSTATEMENT:  SELEC 1;"_s));
        const LogEvent warning = find(*log, u"custom warning from plpgsql"_s);
        QCOMPARE(warning.level, LogLevel::Warning);
        QVERIFY(warning.message.contains(u"\nHINT:  this is a hint\nCONTEXT:  PL/pgSQL function"_s));
        // A statement over several lines: PostgreSQL indents the further lines with a tab.
        QVERIFY(
            find(*log, u"duration: 0.090 ms"_s).message.endsWith(u"WHERE\n\t  id = 1\n\t  AND username = 'alice';"_s));
        QCOMPARE(keysOf(unique, u"pid"_s), QStringList { u"6342"_s });
        QCOMPARE(keysOf(find(*log, u"connection received: host=127.0.0.1"_s), u"ip"_s), QStringList { u"127.0.0.1"_s });
        QVERIFY(keysOf(find(*log, u"connection received: host=[local]"_s), u"ip"_s).isEmpty());
    }

    void postgresThreeDestinationsAgree()
    {
        // One server wrote the same errors to stderr, csvlog and jsonlog: same instants, levels, messages, client.
        QList<qint64> instants[3];
        QStringList messages[3];
        int index = 0;
        for (const QString &file : { u"postgresql/berlin-stderr.log"_s, u"postgresql/berlin-csvlog.csv"_s,
                 u"postgresql/berlin-jsonlog.json"_s }) {
            const auto log = open(file);
            for (qint64 i = 0; i < log->index().count(); ++i)
                if (log->event(i).level >= LogLevel::Warning)
                    instants[index].append(log->index().instant(i));
            for (const QString &text :
                { u"duplicate key value"_s, u"violates foreign key constraint"_s, u"custom warning"_s })
                messages[index].append(find(*log, text).message);
            if (index > 0) {
                const LogEvent fk = find(*log, u"violates foreign key constraint"_s);
                QCOMPARE(
                    fk.fields.value(u"detail"_s), u"Key (account_id)=(99) is not present in table \"accounts\"."_s);
                QCOMPARE(keysOf(fk, u"ip"_s), QStringList { u"127.0.0.1"_s }); // csvlog writes 127.0.0.1:54316
                QCOMPARE(keysOf(fk, u"user"_s), QStringList { u"postgres"_s });
                // A statement over several lines keeps them (stderr indents them with a tab).
                QCOMPARE(find(*log, u"duration: 0.090 ms"_s).message,
                    u"duration: 0.090 ms  statement: SELECT * FROM accounts WHERE\n  id = 1\n  AND username = 'alice';"_s);
            }
            ++index;
        }
        QCOMPARE(instants[0].size(), 5); // four errors and a warning
        QCOMPARE(instants[1], instants[0]);
        QCOMPARE(instants[2], instants[0]);
        QCOMPARE(messages[1], messages[0]);
        QCOMPARE(messages[2], messages[0]);
    }

    void postgresCustomPrefixes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("pid");
        QTest::addColumn<QString>("ip");
        QTest::newRow("pgBadger") << u"postgresql/pgbadger-utc.log"_s << u"6537"_s << u"127.0.0.1"_s;
        QTest::newRow("RDS") << u"postgresql/rds-prefix.log"_s << u"9985"_s << u"127.0.0.1"_s;
        QTest::newRow("[user=,db=,app=]") << u"postgresql/bracket-prefix.log"_s << u"10011"_s << QString();
        QTest::newRow("[%p-%l] Debian") << u"postgresql/pid-line-prefix.log"_s << u"10037"_s << QString();
        QTest::newRow("Debian +0545") << u"postgresql/kathmandu-debian-prefix.log"_s << u"6658"_s << QString();
    }
    void postgresCustomPrefixes()
    {
        QFETCH(QString, file);
        QFETCH(QString, pid);
        QFETCH(QString, ip);
        const auto log = open(file);
        const LogEvent e = find(*log, u"duplicate key value"_s);
        QCOMPARE(e.level, LogLevel::Error);
        QVERIFY2(e.message.startsWith(u"duplicate key value violates unique constraint"_s), qPrintable(e.message));
        QVERIFY2(e.message.contains(u"\nDETAIL:  Key "_s), qPrintable(e.message));
        QVERIFY2(e.message.contains(u"\nSTATEMENT:  INSERT INTO "_s), qPrintable(e.message));
        QCOMPARE(keysOf(e, u"pid"_s), QStringList { pid });
        QCOMPARE(keysOf(e, u"user"_s), QStringList { u"postgres"_s });
        QCOMPARE(keysOf(e, u"ip"_s), ip.isEmpty() ? QStringList() : QStringList { ip });
        // Before authentication PostgreSQL writes [unknown]: no key.
        for (qint64 i = 0; i < log->index().count(); ++i)
            for (const LogKey &key : log->event(i).keys)
                QVERIFY2(!key.value.contains(u"unknown"_s) && !key.value.isEmpty(), qPrintable(key.value));
    }

    void postgresThroughSyslog()
    {
        const auto log = open(u"postgresql/syslog-rsyslog.log"_s);
        QVERIFY(log->payload());
        QCOMPARE(log->payload()->id, u"postgresql_log"_s);
        const LogEvent unique = find(*log, u"duplicate key value"_s);
        QCOMPARE(unique.level, LogLevel::Error);
        QCOMPARE(unique.message,
            u"duplicate key value violates unique constraint \"notes_pkey\"\n"
            "DETAIL:  Key (id)=(1) already exists.\n"
            "STATEMENT:  INSERT INTO notes (id, body) VALUES (1, 'dup');"_s);
        QCOMPARE(keysOf(unique, u"pid"_s), QStringList { u"11798"_s });
        QCOMPARE(keysOf(unique, u"user"_s), QStringList { u"postgres"_s });
        // A multi-line statement reaches syslog as "[10-2] #011…" parts: one entry again, as in the stderr log.
        QCOMPARE(find(*log, u"incident diary"_s).message,
            u"duration: 6.024 ms  statement: INSERT INTO notes (body) VALUES ('incident diary:\n"
            "\t2026-12-02 10:00:00 UTC backup started\n\t2026-12-02 10:05:00 UTC, merge ran');"_s);
        // Another program's line in the same syslog file stays an entry of its own.
        QFile pg(QFINDTESTDATA(u"real/postgresql/syslog-rsyslog.log"_s));
        QFile other(QFINDTESTDATA(u"real/syslog/rsyslog-rfc3339.log"_s));
        QVERIFY(pg.open(QIODevice::ReadOnly) && other.open(QIODevice::ReadOnly));
        QByteArrayList lines = pg.readAll().split('\n');
        lines.insert(15, other.readAll().split('\n').at(5)); // cron, after "[10-1]" and its two parts
        QFile mixed(m_dir.filePath(u"mixed-syslog.log"_s));
        QVERIFY(mixed.open(QIODevice::WriteOnly) && mixed.write(lines.join('\n')) > 0);
        mixed.close();
        IndexedLog both(LogSource { mixed.fileName(), {}, {}, {}, 0 }, m_registry);
        both.build();
        QCOMPARE(both.index().count(), 22);
        QCOMPARE(find(both, u"run-parts"_s).message, u"(root) CMD (run-parts /etc/cron.hourly)"_s);
    }

    void postgresPrefixAfterPunctuation()
    {
        // '< %m > ': the prefix does not start with the time.
        QCOMPARE(find(*open(u"postgresql/angle-prefix-new-york.log"_s), u"duplicate key"_s).message,
            u"duplicate key value violates unique constraint \"notes_pkey\"\nDETAIL:  Key (id)=(1) already exists.\n"
            "STATEMENT:  INSERT INTO notes (id, body) VALUES (1, 'dup');"_s);
    }

    void postgresPgBadgerLevels()
    {
        const auto log = open(u"postgresql/pgbadger-utc.log"_s);
        const LogEvent fatal = find(*log, u"database \"nosuchdb\" does not exist"_s);
        QCOMPARE(fatal.level, LogLevel::Fatal);
        QCOMPARE(fatal.fields.value(u"database"_s), u"nosuchdb"_s);
        QCOMPARE(find(*log, u"custom warning"_s).level, LogLevel::Warning);
    }

    void postgresTimestampsInsideStatements()
    {
        // A multi-line literal whose lines start with timestamps: the tab-indented stderr lines and
        // the csvlog record's quoted newlines continue the entry; they start no entry of their own.
        for (const QString &file : { u"postgresql/shanghai-stderr.log"_s, u"postgresql/shanghai-csvlog.csv"_s }) {
            const auto log = open(file, u"Asia/Shanghai"_s);
            const LogEvent insert = find(*log, u"incident diary"_s);
            QCOMPARE(insert.instantMs, iso(u"2026-12-02T11:04:02.475Z"_s));
            QVERIFY2(insert.message.contains(u"2026-12-02 10:00:00 UTC backup started"_s), qPrintable(insert.message));
            QVERIFY2(insert.message.contains(u"2026-12-02 10:05:00 UTC, merge ran"_s), qPrintable(insert.message));
        }
    }

    void ambiguousAbbreviationIsNamed()
    {
        // Without its zone, a Shanghai log's CST is read as US Central, 14 hours off: the summary says so.
        for (const QString &file : { u"postgresql/shanghai-stderr.log"_s, u"postgresql/shanghai-csvlog.csv"_s }) {
            const auto guessed = open(file);
            QCOMPARE(guessed->index().instant(0), iso(u"2026-12-03T01:04:02.335Z"_s));
            QVERIFY2(guessed->zoneDescription().contains(u"CST read as UTC-06:00 (ambiguous"_s),
                qPrintable(guessed->zoneDescription()));
            QCOMPARE(open(file, u"Asia/Shanghai"_s)->zoneDescription(), u"Asia/Shanghai"_s);
        }
        QCOMPARE(open(u"postgresql/berlin-stderr.log"_s)->zoneDescription(), u"UTC (default)"_s);
    }

    // A report calls a source's times naive only when they are: an offset, a zone abbreviation or
    // an epoch carries its own zone (issue #13: nginx's "+0200" was called naive).
    void timesDescriptionPerFormat_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nginx access") << u"nginx/access.log"_s << u"times carry their offset (+01:00)"_s;
        QTest::newRow("nginx error") << u"nginx/error.log"_s << u"naive times read as UTC (default)"_s;
        QTest::newRow("apache access") << u"apache/access.log"_s << u"times carry their offset (+01:00)"_s;
        QTest::newRow("apache error") << u"apache/error.log"_s << u"naive times read as UTC (default)"_s;
        QTest::newRow("postgres CET") << u"postgresql/berlin-stderr.log"_s << u"times carry their zone"_s;
        QTest::newRow("postgres +0545") << u"postgresql/kathmandu-debian-prefix.log"_s
                                        << u"times carry their offset (+05:45)"_s;
        QTest::newRow("journald json") << u"journald/journal.json"_s << u"times carry their zone"_s;
        QTest::newRow("syslog traditional")
            << u"syslog/rsyslog-traditional.log"_s << u"naive times read as UTC (default)"_s;
        QTest::newRow("syslog rfc3339") << u"syslog/rsyslog-rfc3339.log"_s << u"times carry their offset"_s;
    }
    void timesDescriptionPerFormat()
    {
        QFETCH(QString, file);
        QFETCH(QString, expected);
        const QString description = open(file)->timesDescription();
        QVERIFY2(description.startsWith(expected), qPrintable(description));
        QCOMPARE(description.contains(u"naive"_s), expected.startsWith(u"naive"_s));
    }

    void nginx()
    {
        const auto access = open(u"nginx/access.log"_s);
        const LogEvent missing = find(*access, u"/missing.html"_s);
        QCOMPARE(missing.level, LogLevel::Warning);
        QCOMPARE(keysOf(missing, u"ip"_s), QStringList { u"127.0.0.1"_s });
        QCOMPARE(find(*access, u"/api/inbox"_s).level, LogLevel::Error);
        QCOMPARE(keysOf(find(*access, u"GET / 200"_s), u"user"_s), QStringList());
        const LogEvent garbage = find(*access, u"GARBAGE"_s);
        QCOMPARE(garbage.message, u"GARBAGE 400"_s);
        QCOMPARE(garbage.level, LogLevel::Warning);

        const auto error = open(u"nginx/error.log"_s, u"Europe/Berlin"_s);
        const LogEvent upstream = find(*error, u"connect() failed (111: Connection refused)"_s);
        QCOMPARE(upstream.level, LogLevel::Error);
        QCOMPARE(upstream.instantMs, iso(u"2026-12-02T11:00:34.000Z"_s));
        QCOMPARE(upstream.fields.value(u"path"_s), u"/api/inbox"_s);
        QCOMPARE(keysOf(upstream, u"ip"_s), QStringList { u"127.0.0.1"_s });
        QCOMPARE(keysOf(find(*error, u"closed keepalive connection"_s), u"ip"_s), QStringList { u"127.0.0.1"_s });
        QCOMPARE(find(*error, u"bind() to 127.0.0.1:58080 failed"_s).level, LogLevel::Fatal);
        QCOMPARE(find(*error, u"start worker processes"_s).level, LogLevel::Info);
    }

    void apache()
    {
        const auto access = open(u"apache/access.log"_s);
        QCOMPARE(find(*access, u"/noindex/"_s).level, LogLevel::Warning);
        QCOMPARE(find(*access, u"Agent \\\"quoted\\\""_s).fields.value(u"cs_referer"_s), u"https://ref.example/x"_s);

        const auto error = open(u"apache/error.log"_s, u"Europe/Berlin"_s);
        const LogEvent missing = find(*error, u"AH00128: File does not exist"_s);
        QCOMPARE(missing.level, LogLevel::Info);
        QCOMPARE(missing.instantMs, iso(u"2026-12-02T11:01:51.871Z"_s));
        QCOMPARE(missing.fields.value(u"module"_s), u"core"_s);
        QCOMPARE(keysOf(missing, u"ip"_s), QStringList { u"127.0.0.1"_s }); // written as 127.0.0.1:54894
        const LogEvent directory = find(*error, u"AH01276"_s);
        QCOMPARE(directory.level, LogLevel::Error);
        // A CGI script's stderr reaches the error log bare: it continues the entry before it.
        QVERIFY(directory.flags & LineIndex::Multiline);
        QVERIFY(directory.message.endsWith(u"\nfirst stderr line from cgi\nTraceback-like second line"_s));
        QCOMPARE(find(*error, u"resuming normal operations"_s).level, LogLevel::Notice);
        QCOMPARE(find(*error, u"authentication failure"_s).level, LogLevel::Error);
    }

    void syslog()
    {
        const auto precise = open(u"syslog/rsyslog-rfc3339.log"_s);
        const auto traditional = open(u"syslog/rsyslog-traditional.log"_s, u"Europe/Berlin"_s);
        for (qint64 i = 0; i < precise->index().count(); ++i) {
            // The same messages: whole seconds in the traditional file, same UTC second.
            QCOMPARE(traditional->index().instant(i), precise->index().instant(i) / 1000 * 1000);
            QCOMPARE(traditional->event(i).message, precise->event(i).message);
        }
        const LogEvent ssh = find(*precise, u"Accepted publickey"_s);
        QCOMPARE(ssh.instantMs, iso(u"2026-12-02T11:02:07.753Z"_s));
        QCOMPARE(ssh.lane, u"sshd"_s);
        QCOMPARE(ssh.fields.value(u"log_pid"_s), u"7852"_s);
        QCOMPARE(keysOf(ssh, u"host"_s), QStringList { u"vm"_s });
        QCOMPARE(find(*precise, u"tag with slash"_s).lane, u"app/worker.1"_s);
        // rsyslog escapes the newlines of one message as #012: shown as the lines they were.
        QCOMPARE(find(*precise, u"Traceback"_s).message,
            u"Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: boom"_s);
    }

    void journald()
    {
        const auto json = open(u"journald/journal.json"_s);
        const auto text = open(u"journald/short-iso-precise-berlin.txt"_s);
        QCOMPARE(text->index().count(), json->index().count());
        // +0100 and epoch microseconds agree; journalctl prints the sender's time where the journal has
        // one (_SOURCE_REALTIME_TIMESTAMP), the JSON format reads the reception time: a few ms apart.
        for (qint64 i = 0; i < json->index().count(); ++i)
            QVERIFY(qAbs(text->index().instant(i) - json->index().instant(i)) <= 10);
        QCOMPARE(find(*json, u"payment worker crashed"_s).level, LogLevel::Error);
        QCOMPARE(find(*json, u"Traceback (most recent call last)"_s).level, LogLevel::Warning);
        QCOMPARE(find(*json, u"sent through /dev/log"_s).level, LogLevel::Notice);
        QCOMPARE(find(*json, u"payment worker crashed"_s).lane, u"myapp"_s);
        // A MESSAGE with a newline: one JSON entry; journalctl's text output indents the rest.
        QCOMPARE(find(*json, u"multi\nline via native protocol"_s).level, LogLevel::Error);
        const LogEvent multi = find(*text, u"multi"_s);
        QVERIFY(multi.flags & LineIndex::Multiline);
        QVERIFY(multi.message.contains(u"line via native protocol"_s));
    }

    void docker()
    {
        const auto plain = open(u"docker/plain-json.log"_s);
        QVERIFY(!plain->payload());
        const LogEvent stderrLine = plain->event(0);
        QCOMPARE(stderrLine.message, u"error line on stderr"_s); // without the line's newline
        QCOMPARE(stderrLine.fields.value(u"stream"_s), u"stderr"_s);
        QCOMPARE(stderrLine.instantMs, iso(u"2026-12-02T11:10:51.998Z"_s));
        QCOMPARE(plain->event(9).message, u"done"_s);

        const auto sidekiq = open(u"docker/sidekiq-json.log"_s);
        QVERIFY(sidekiq->payload());
        QCOMPARE(sidekiq->payload()->id, u"sidekiq_log"_s);
        const LogEvent done = sidekiq->event(1);
        QCOMPARE(done.format, u"sidekiq_log"_s);
        QCOMPARE(done.message, u"done"_s);
        QCOMPARE(done.lane, u"AccountMergingWorker"_s);
        QCOMPARE(keysOf(done, u"job"_s), QStringList { u"0b5a7c1d2e3f405162738491"_s });
        QCOMPARE(find(*sidekiq, u"a long line follows"_s).level, LogLevel::Warning);
        // A 20,000-byte line: docker cut it into a 16 KB entry without "\n" and the rest; one event,
        // dated although its "time" lies past the part of the line the index reads.
        const LogEvent longLine = sidekiq->event(7);
        QCOMPARE(longLine.message.size(), 20000);
        QVERIFY(longLine.message.endsWith(u"07"_s));
        QVERIFY(longLine.flags & LineIndex::Multiline);
        QCOMPARE(longLine.instantMs, iso(u"2026-12-02T11:10:56.147Z"_s));
    }
};

QTEST_GUILESS_MAIN(TestRealFormats)
#include "tst_realformats.moc"
