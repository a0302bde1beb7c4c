// The demo's logs: every line parses in its documented format, and the times agree with the
// events recorded in the databases.
#include "testcluster.h"

#include "db/pgsession.h"
#include "db/schemareader.h"
#include "demo/demologwriter.h"
#include "demo/demoparameters.h"
#include "demo/demorunner.h"
#include "logs/logkeycandidates.h"
#include "timeline/timeline.h"

#include <QDir>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <pqxx/nontransaction>
#include <zlib.h>

using salvage::DemoParameters;
using salvage::DemoRunner;
using salvage::PgSession;
namespace pqxxcompat = salvage::pqxxcompat;
using salvage::test::TestCluster;

namespace {

const DemoParameters kParameters { 11, 1 };
const QTimeZone kServerZone(DemoParameters::serverTimeZone().toUtf8());

QStringList readLines(const QString &path)
{
    QStringList lines;
    if (path.endsWith(QLatin1String(".gz"))) {
        gzFile file = gzopen(QFile::encodeName(path).constData(), "rb");
        if (!file)
            return lines;
        QByteArray text;
        char buffer[65536];
        int n = 0;
        while ((n = gzread(file, buffer, sizeof(buffer))) > 0)
            text.append(buffer, n);
        gzclose(file);
        lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    } else {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return lines;
        lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    }
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

const QString kNginx = QStringLiteral(
    R"re(^(\S+) - (\S+) \[(\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2}) ([+-]\d{4})\] "(\S+) (\S+) (HTTP/[\d.]+)" (\d{3}) (\d+) "([^"]*)" "([^"]*)"$)re");
const QString kRails = QStringLiteral(
    R"re(^([DIWEFA]), \[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}) #(\d+)\] +(DEBUG|INFO|WARN|ERROR|FATAL|ANY) -- (\S*): )re"
    R"re(\[([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\] method=(\S+) path=(\S+) format=(\S+) controller=(\S+) )re"
    R"re(action=(\S+) status=(\d{3}) duration=([\d.]+) view=([\d.]+) db=([\d.]+)(?: key=(\S+))?$)re");
const QString kSidekiq = QStringLiteral(
    R"re(^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) pid=(\d+) tid=(\S+) class=(\S+) jid=([0-9a-f]{24})(?: elapsed=([\d.]+))? INFO: (start|done)$)re");
const QString kPostgres = QStringLiteral(
    R"re(^(?:(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) ([A-Z]{3,5}) \[(\d+)\] (LOG|ERROR|DETAIL|STATEMENT|WARNING|HINT):  (.*)|\t(.+))$)re");

QDateTime nginxTime(const QRegularExpressionMatch &m)
{
    QDateTime local = QLocale::c().toDateTime(m.captured(3), QStringLiteral("dd/MMM/yyyy:HH:mm:ss"));
    const QString offset = m.captured(4);
    const int seconds = (offset.mid(1, 2).toInt() * 60 + offset.mid(3, 2).toInt()) * 60
        * (offset.startsWith(QLatin1Char('-')) ? -1 : 1);
    local.setTimeZone(QTimeZone(seconds));
    return local.toUTC();
}

QDateTime naiveLocal(const QString &text, const QString &format)
{
    const QDateTime naive = QLocale::c().toDateTime(text, format);
    return QDateTime(naive.date(), naive.time(), kServerZone).toUTC();
}

QDateTime utcColumn(const char *text)
{
    QDateTime value = QDateTime::fromString(
        QString::fromLatin1(text).replace(QLatin1Char(' '), QLatin1Char('T')), Qt::ISODateWithMs);
    value.setTimeZone(QTimeZone::utc());
    return value;
}

} // namespace

class TestDemoLogs : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<PgSession> m_backup;
    std::unique_ptr<PgSession> m_live;
    QString logs() const { return m_dir.path() + QStringLiteral("/logs"); }

    QList<QRegularExpressionMatch> matches(const QString &file, const QString &pattern) const
    {
        const QRegularExpression expression(pattern);
        QList<QRegularExpressionMatch> found;
        for (const QString &line : readLines(logs() + QLatin1Char('/') + file))
            found << expression.match(line);
        return found;
    }

    /// Start and done of the merge worker, from the Sidekiq log.
    std::pair<QDateTime, QDateTime> mergeJob() const
    {
        QDateTime start;
        QDateTime done;
        for (const auto &m : matches(QStringLiteral("sidekiq/sidekiq.log"), kSidekiq)) {
            if (m.captured(4) != QLatin1String("AccountMergingWorker"))
                continue;
            (m.captured(7) == QLatin1String("start") ? start : done)
                = QDateTime::fromString(m.captured(1), Qt::ISODateWithMs);
        }
        return { start, done };
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(kServerZone.isValid());
        DemoRunner::build(TestCluster::instance().cluster(), QStringLiteral("tst_demologs_backup"),
            QStringLiteral("tst_demologs_live"), logs(), kParameters);
        m_backup = std::make_unique<PgSession>(
            TestCluster::instance().conninfo(QStringLiteral("tst_demologs_backup")), PgSession::Options {});
        m_live = std::make_unique<PgSession>(
            TestCluster::instance().conninfo(QStringLiteral("tst_demologs_live")), PgSession::Options {});
    }

    void everyLineParses_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<int>("minimumLines");
        QTest::newRow("nginx rotated") << QStringLiteral("nginx/access.log.1.gz") << kNginx << 10;
        QTest::newRow("nginx") << QStringLiteral("nginx/access.log") << kNginx << 500;
        QTest::newRow("rails") << QStringLiteral("mastodon/production.log") << kRails << 500;
        QTest::newRow("sidekiq") << QStringLiteral("sidekiq/sidekiq.log") << kSidekiq << 500;
        QTest::newRow("postgresql") << QStringLiteral("postgresql/postgresql-15-main.log") << kPostgres << 100;
    }
    void everyLineParses()
    {
        QFETCH(QString, file);
        QFETCH(QString, pattern);
        QFETCH(int, minimumLines);
        const QStringList lines = readLines(logs() + QLatin1Char('/') + file);
        QVERIFY2(lines.size() >= minimumLines, qPrintable(QString::number(lines.size())));
        const QRegularExpression expression(pattern);
        for (const QString &line : lines)
            QVERIFY2(expression.match(line).hasMatch(), qPrintable(line));
    }

    void workspaceSourcesExist()
    {
        for (const salvage::LogSource &source : salvage::DemoLogWriter::sources())
            QVERIFY2(QFile::exists(m_dir.path() + QLatin1Char('/') + source.path), qPrintable(source.path));
    }

    void rotationSplitsNginx()
    {
        const QDateTime rotation = QDateTime::fromMSecsSinceEpoch(DemoParameters::rotationMs(), QTimeZone::utc());
        for (const auto &m : matches(QStringLiteral("nginx/access.log.1.gz"), kNginx))
            QVERIFY(nginxTime(m) < rotation);
        for (const auto &m : matches(QStringLiteral("nginx/access.log"), kNginx)) {
            QVERIFY(nginxTime(m) >= rotation);
            QCOMPARE(m.captured(4), QStringLiteral("+0200"));
        }
    }

    void mergeJobBracketsTheMovedRows()
    {
        const auto [start, done] = mergeJob();
        QVERIFY(start.isValid() && done.isValid() && start < done);
        // Rows re-pointed by the worker carry its time in updated_at (UTC, as Rails writes it).
        pqxx::nontransaction backup(m_backup->connection());
        const pqxx::result victimStatuses = backup.exec(
            "SELECT '{' || string_agg(s.id::text, ',') || '}' FROM statuses s JOIN accounts a ON a.id = s.account_id "
            "WHERE a.domain IS NULL AND a.uri = '' AND s.reblog_of_id IS NULL");
        pqxx::nontransaction live(m_live->connection());
        const pqxx::result span = pqxxcompat::execParams(live,
            "SELECT min(updated_at)::text, max(updated_at)::text, count(*) FROM statuses WHERE id = ANY($1::bigint[])",
            victimStatuses[0][0].as<std::string>());
        QVERIFY(span[0][2].as<int>() > 0);
        QVERIFY(utcColumn(span[0][0].c_str()) >= start);
        QVERIFY(utcColumn(span[0][1].c_str()) <= done);
    }

    void serverLogDeletesEveryVictimDuringTheMerge()
    {
        const auto [start, done] = mergeJob();
        pqxx::nontransaction backup(m_backup->connection());
        QSet<QString> victims;
        for (const auto &row : backup.exec("SELECT id FROM accounts WHERE domain IS NULL AND uri = ''"))
            victims.insert(QString::fromUtf8(row[0].c_str()));
        QCOMPARE(victims.size(), int(kParameters.victims()));

        const QRegularExpression parameter(QStringLiteral("^parameters: \\$1 = '(\\d+)'$"));
        QSet<QString> deleted;
        bool afterDelete = false;
        QDateTime deleteTime;
        for (const auto &m : matches(QStringLiteral("postgresql/postgresql-15-main.log"), kPostgres)) {
            if (m.captured(4) == QLatin1String("LOG")
                && m.captured(5).contains(QLatin1String("DELETE FROM \"accounts\""))) {
                afterDelete = true;
                QCOMPARE(m.captured(2), QStringLiteral("CEST"));
                deleteTime = naiveLocal(m.captured(1), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
                QVERIFY(deleteTime >= start && deleteTime <= done);
                continue;
            }
            if (afterDelete && m.captured(4) == QLatin1String("DETAIL")) {
                const auto p = parameter.match(m.captured(5));
                QVERIFY2(p.hasMatch(), qPrintable(m.captured(5)));
                deleted.insert(p.captured(1));
            }
            afterDelete = false;
        }
        QCOMPARE(deleted, victims);
    }

    // docs/demo.md's story: "Show in timeline" on a lost account (the Compare row gives its id
    // with its table, "accounts:ID") finds the statement that deleted it through its bind
    // parameter, and no other victim's.
    void showInTimelineFindsTheVictimsDelete()
    {
        salvage::Timeline timeline;
        QList<salvage::LogSource> sources = salvage::DemoLogWriter::sources();
        for (salvage::LogSource &source : sources)
            source.path = m_dir.path() + QLatin1Char('/') + source.path;
        timeline.setSources(sources);
        timeline.build();
        timeline.buildCorrelation();
        QStringList tables;
        for (const salvage::Table &table : salvage::SchemaReader::read(*m_backup).tables)
            tables << table.name;
        timeline.setTableNames(tables);

        pqxx::nontransaction backup(m_backup->connection());
        int checked = 0;
        for (const auto &row :
            backup.exec("SELECT id::text, username FROM accounts WHERE domain IS NULL AND uri = '' ORDER BY id")) {
            const QString id = QString::fromUtf8(row[0].c_str());
            salvage::LogKeyCandidates candidates;
            candidates.addRowId(QStringLiteral("public.accounts"), id);
            candidates.add(id);
            candidates.add(QString::fromUtf8(row[1].c_str()));
            const QStringList keys = timeline.keysAmong(candidates.values());
            QVERIFY2(keys.contains(QStringLiteral("accounts:") + id), qPrintable(keys.join(QLatin1Char(' '))));
            QVERIFY(!keys.contains(id)); // a bare number is any table's row
            int deletes = 0;
            for (const salvage::EventRef &ref : timeline.keyed({ QStringLiteral("accounts:") + id })) {
                const salvage::LogEvent event = timeline.event(ref);
                if (!event.message.contains(QLatin1String("DELETE FROM \"accounts\"")))
                    continue;
                ++deletes;
                QVERIFY2(event.message.contains(QStringLiteral("$1 = '%1'").arg(id)), qPrintable(event.message));
            }
            QCOMPARE(deletes, 1);
            ++checked;
        }
        QCOMPARE(checked, int(kParameters.victims()));
    }

    void uniqueViolationsNameTheRemoteAccount()
    {
        pqxx::nontransaction live(m_live->connection());
        const QString remote = QString::fromUtf8(pqxxcompat::execParams(
            live, "SELECT min(id) FROM accounts WHERE domain = $1", DemoParameters::remoteDomain().toStdString())[0][0]
                                                     .c_str());
        const auto lines = matches(QStringLiteral("postgresql/postgresql-15-main.log"), kPostgres);
        int errors = 0;
        for (qsizetype i = 0; i + 2 < lines.size(); ++i) {
            if (lines[i].captured(4) != QLatin1String("ERROR"))
                continue;
            ++errors;
            QVERIFY(lines[i].captured(5).startsWith(QLatin1String("duplicate key value violates unique constraint")));
            QCOMPARE(lines[i + 1].captured(4), QStringLiteral("DETAIL"));
            QVERIFY2(lines[i + 1].captured(5).contains(remote), qPrintable(lines[i + 1].captured(5)));
            QCOMPARE(lines[i + 2].captured(4), QStringLiteral("STATEMENT"));
        }
        QVERIFY(errors > 0);
        // The autovacuum report continues on tab-indented lines.
        QVERIFY(std::any_of(lines.begin(), lines.end(),
            [](const auto &m) { return m.captured(6).startsWith(QLatin1String("tuples: ")); }));
    }

    void inboxDeliveryPrecedesTheMergeInNginxAndRails()
    {
        const auto [start, done] = mergeJob();
        pqxx::nontransaction live(m_live->connection());
        const QString remoteKey = QString::fromUtf8(pqxxcompat::execParams(live,
            "SELECT uri || '#main-key' FROM accounts WHERE id = "
            "(SELECT min(id) FROM accounts WHERE domain = $1)",
            DemoParameters::remoteDomain().toStdString())[0][0]
                                                        .c_str());
        QDateTime railsTime;
        for (const auto &m : matches(QStringLiteral("mastodon/production.log"), kRails)) {
            const QDateTime at = naiveLocal(m.captured(2).left(23), QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz"));
            if (m.captured(16) == remoteKey && at <= start && at > start.addSecs(-5))
                railsTime = at;
        }
        QVERIFY(railsTime.isValid());
        bool nginxSeen = false;
        for (const auto &m : matches(QStringLiteral("nginx/access.log"), kNginx)) {
            if (m.captured(6) == QLatin1String("/inbox") && nginxTime(m).secsTo(railsTime) == 0
                && m.captured(11).contains(DemoParameters::remoteDomain()))
                nginxSeen = true;
        }
        QVERIFY(nginxSeen);
    }

    void postsAfterT0AreInTheWebLogs()
    {
        // Every status a local account wrote between T0 and the incident has its POST in the Rails log.
        pqxx::nontransaction live(m_live->connection());
        const int created
            = live.exec("SELECT count(*) FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE a.domain IS NULL "
                        "AND s.reblog_of_id IS NULL AND s.created_at >= '2024-05-02 01:00' AND s.created_at < "
                        "'2024-05-02 12:40'")[0][0]
                  .as<int>();
        const QDateTime from = QDateTime::fromMSecsSinceEpoch(DemoParameters::backupMs(), QTimeZone::utc());
        const QDateTime to = QDateTime::fromMSecsSinceEpoch(DemoParameters::incidentMs() - 60000, QTimeZone::utc());
        int posts = 0;
        for (const auto &m : matches(QStringLiteral("mastodon/production.log"), kRails)) {
            const QDateTime at = naiveLocal(m.captured(2).left(23), QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz"));
            if (m.captured(8) == QLatin1String("/api/v1/statuses") && m.captured(7) == QLatin1String("POST")
                && at >= from && at < to)
                ++posts;
        }
        QVERIFY(created > 0);
        // Victims' posts now belong to the remote account, so the log holds at least as many.
        QVERIFY2(posts >= created, qPrintable(QStringLiteral("%1 < %2").arg(posts).arg(created)));
    }
};

QTEST_GUILESS_MAIN(TestDemoLogs)
#include "tst_demologs.moc"
