// Row ids in log lines (issue 13, "Correlation"): bind parameters of PostgreSQL statements, ids
// in URL paths, JSON and key=value fields, job arguments; each tagged with the table it names,
// so that "accounts:44" finds the account's requests, jobs and statements and a bare 44 finds
// every event carrying 44 in any role.
#include "logs/eventparser.h"
#include "logs/formatregistry.h"
#include "logs/logkeycandidates.h"
#include "logs/logkeyextractor.h"
#include "logs/tabletag.h"
#include "timeline/timeline.h"

#include <QTest>

#include "logfixture.h"

using namespace salvage;
using namespace Qt::StringLiterals;

namespace {

// Lines as the servers write them.
const QByteArray pgDelete = "2024-05-02 14:41:07.698 CEST [23817] LOG:  duration: 69.628 ms  execute a44: DELETE FROM "
                            "\"accounts\" WHERE \"accounts\".\"id\" = $1\n"
                            "2024-05-02 14:41:07.698 CEST [23817] DETAIL:  parameters: $1 = '44'\n";
const QByteArray pgUpdate = "2024-05-02 14:41:07.700 CEST [23817] LOG:  duration: 1.2 ms  execute a45: UPDATE "
                            "\"follows\" SET \"target_account_id\" = $1, \"updated_at\" = $2 WHERE \"follows\".\"id\" "
                            "= $3\n"
                            "2024-05-02 14:41:07.700 CEST [23817] DETAIL:  parameters: $1 = '9001', $2 = '2024-05-02 "
                            "12:41:07.7', $3 = '44'\n";
const QByteArray pgCsv = "2024-05-02 14:41:08.100 CEST,\"mastodon\",\"mastodon_production\",23817,\"10.0.0.5:51234\","
                         "684d1f2a.7f8,3,\"DELETE\",2024-05-02 14:40:58 CEST,5/112,0,LOG,00000,\"duration: 0.5 ms  "
                         "execute a46: DELETE FROM \"\"users\"\" WHERE \"\"users\"\".\"\"account_id\"\" = $1\","
                         "\"parameters: $1 = '44'\",,,,,,,,\"sidekiq\",\"client backend\",,0\n";
const QByteArray nginx = "198.51.100.7 - - [02/May/2024:14:41:05 +0200] \"GET /api/v1/accounts/44/statuses?limit=20 "
                         "HTTP/1.1\" 200 157 \"-\" \"curl/7.88.1\"\n"
                         "198.51.100.7 - - [02/May/2024:14:41:06 +0200] \"GET /api/v1/statuses/44 HTTP/1.1\" 200 157 "
                         "\"-\" \"curl/7.88.1\"\n";
const QByteArray rails = "I, [2024-05-02T14:41:05.001000 #12]  INFO -- : [3f1c0a2b-1111] Started GET "
                         "\"/api/v1/accounts/44/statuses?limit=20\" for 198.51.100.7 at 2024-05-02 14:41:05 +0200\n";
const QByteArray sidekiq = "2024-05-02T12:41:07.000Z pid=7 tid=1sat class=AccountMergingWorker "
                           "jid=403379ed44f88ec4b2c20e13 INFO: start args=[44, \"x\"]\n";
const QByteArray sidekiqJson
    = "{\"ts\":\"2024-05-02T12:41:09.123Z\",\"pid\":1514,\"tid\":\"gsq2r\",\"lvl\":\"INFO\",\"msg\":\"start\","
      "\"ctx\":{\"class\":\"Admin::AccountDeletionWorker\",\"jid\":\"0b5a7c1d2e3f405162738495\"},"
      "\"args\":[{\"account_id\":44}]}\n";

} // namespace

class TestRowKeys : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;
    FormatRegistry m_registry = FormatRegistry::standard();

    LogEvent parse(const QString &format, const QByteArray &entry) const
    {
        const int at = m_registry.indexOf(format);
        if (at < 0)
            qFatal("no format %s", qPrintable(format));
        QByteArray text = entry;
        if (text.endsWith('\n'))
            text.chop(1);
        return EventParser(&m_registry.formats().at(at), nullptr).parse(text, nullptr, EventParser::Detail::Keys);
    }

    // "role value tag" of the keys that name rows, sorted.
    static QStringList rowKeys(const LogEvent &event)
    {
        QStringList keys;
        for (const LogKey &key : event.keys)
            if (!key.table.isEmpty() || LogKeyExtractor::isRowRole(key.kind))
                keys << QString(key.kind + u' ' + key.value + u' ' + key.table).trimmed();
        keys.sort();
        return keys;
    }

    static int count(const QList<CorrelationLink> &links)
    {
        return int(std::count_if(links.begin(), links.end(), [](const CorrelationLink &l) { return l.exact; }));
    }

private Q_SLOTS:
    void tableTags()
    {
        // No schema: the word's likeliest table name.
        QCOMPARE(TableTag::resolve(u"accounts"_s, {}), u"accounts"_s);
        QCOMPARE(TableTag::resolve(u"account"_s, {}), u"accounts"_s);
        QCOMPARE(TableTag::resolve(u"status"_s, {}), u"statuses"_s);
        QCOMPARE(TableTag::resolve(u"statuses"_s, {}), u"statuses"_s);
        QCOMPARE(TableTag::resolve(u"category"_s, {}), u"categories"_s);
        QVERIFY(TableTag::names(u"account"_s, u"accounts"_s, {}));
        QVERIFY(TableTag::names(u"target_account"_s, u"accounts"_s, {}));
        QVERIFY(!TableTag::names(u"statuses"_s, u"accounts"_s, {}));
        // A schema: the first candidate it has.
        const QSet<QString> shop { u"orders"_s, u"order_items"_s, u"customers"_s };
        QCOMPARE(TableTag::resolve(u"orders/items"_s, shop), u"order_items"_s);
        QCOMPARE(TableTag::resolve(u"order_item"_s, shop), u"order_items"_s);
        QCOMPARE(TableTag::resolve(u"customer"_s, shop), u"customers"_s);
        QCOMPARE(TableTag::resolve(u"billing_customer"_s, shop), u"customers"_s);
        QCOMPARE(TableTag::resolve(u"widgets"_s, shop), QString());
        QCOMPARE(TableTag::resolve(u"orders/items"_s, shop + QSet<QString> { u"items"_s }), u"items"_s);
        QVERIFY(TableTag::names(u"orders/items"_s, u"order_items"_s, shop));
        QVERIFY(!TableTag::names(u"orders/items"_s, u"orders"_s, shop));
        QCOMPARE(TableTag::stemOf(u"account_id"_s), u"account"_s);
        QCOMPARE(TableTag::stemOf(u"Status_IDS"_s), u"status"_s);
        QCOMPARE(TableTag::stemOf(u"id"_s), QString());
        QCOMPARE(TableTag::stemOf(u"_id"_s), QString());
    }

    void realLines_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("pg stderr: execute + DETAIL parameters")
            << u"postgresql_log"_s << pgDelete << QStringList { u"parameter 44 accounts"_s };
        // $1 is compared with nothing but stored in target_account_id; a timestamp is no key.
        QTest::newRow("pg stderr: UPDATE, three parameters")
            << u"postgresql_log"_s << pgUpdate
            << QStringList { u"parameter 44 follows"_s, u"parameter 9001 target_account"_s };
        QTest::newRow("pg stderr: INSERT column list")
            << u"postgresql_log"_s
            << QByteArray("2024-05-02 14:41:07.800 CEST [23817] LOG:  execute <unnamed>: INSERT INTO \"statuses\" "
                          "(\"account_id\", \"uri\") VALUES ($1, $2) RETURNING \"id\"\n"
                          "2024-05-02 14:41:07.800 CEST [23817] DETAIL:  parameters: $1 = '44', $2 = 'it''s'")
            << QStringList { u"parameter 44 account"_s, u"parameter it's statuses"_s };
        QTest::newRow("pg stderr: aliases, IN, NULL")
            << u"postgresql_log"_s
            << QByteArray("2024-05-02 14:41:07.900 CEST [23817] LOG:  execute <unnamed>: SELECT a.* FROM "
                          "\"accounts\" AS a JOIN \"users\" u ON u.account_id = a.id WHERE u.email = $1 AND a.id IN "
                          "($2) AND a.suspended_at = $3\n"
                          "2024-05-02 14:41:07.900 CEST [23817] DETAIL:  parameters: $1 = 'alice@example.org', $2 = "
                          "'44', $3 = NULL")
            << QStringList { u"parameter 44 accounts"_s, u"parameter alice@example.org users"_s };
        QTest::newRow("pg stderr: error, parameters in CONTEXT")
            << u"postgresql_log"_s
            << QByteArray("2024-05-02 14:41:07.723 CEST [23817] ERROR:  duplicate key value violates unique "
                          "constraint \"index_follows_on_account_id_and_target_account_id\"\n"
                          "2024-05-02 14:41:07.723 CEST [23817] DETAIL:  Key (account_id, target_account_id)=(1004, "
                          "10) already exists.\n"
                          "2024-05-02 14:41:07.723 CEST [23817] CONTEXT:  unnamed portal with parameters: $1 = '9001', "
                          "$2 = '17'\n"
                          "2024-05-02 14:41:07.723 CEST [23817] STATEMENT:  UPDATE \"follows\" SET \"account_id\" = "
                          "$1 WHERE \"follows\".\"id\" = $2")
            << QStringList { u"constraint 10 target_account"_s, u"constraint 1004 account"_s, u"parameter 17 follows"_s,
                   u"parameter 9001 account"_s };
        QTest::newRow("pg csvlog: unique violation, key of a plain column")
            << u"postgresql_csvlog"_s
            << QByteArray("2025-06-14 09:00:02.500 CEST,\"mastodon\",\"mastodon_production\",2040,\"10.0.0.5:51234\","
                          "684d1f2a.7f8,3,\"INSERT\",2025-06-14 08:59:58 CEST,5/112,0,ERROR,23505,\"duplicate key "
                          "value violates unique constraint \"\"index_accounts_on_uri\"\"\",\"Key "
                          "(uri)=(https://remote.example/users/alice) already exists.\",,,,,\"INSERT INTO accounts "
                          "(uri) VALUES ($1)\",,,\"puma: cluster worker 0\",\"client backend\",,0")
            << QStringList { u"constraint https://remote.example/users/alice accounts"_s };
        QTest::newRow("pg stderr: expression index key is left alone")
            << u"postgresql_log"_s
            << QByteArray("2024-12-26 21:31:00.412 CET [48213] ERROR:  duplicate key value violates unique constraint "
                          "\"index_accounts_on_username_and_domain_lower\"\n"
                          "2024-12-26 21:31:00.412 CET [48213] DETAIL:  Key (lower(username::text), "
                          "COALESCE(lower(domain::text), ''::text))=(alice, ) already exists.")
            << QStringList();
        QTest::newRow("pg csvlog: message and detail")
            << u"postgresql_csvlog"_s << pgCsv << QStringList { u"parameter 44 account"_s };
        QTest::newRow("nginx combined: id after its resource")
            << u"access_log"_s << nginx.left(nginx.indexOf('\n')) << QStringList { u"path 44 accounts"_s };
        QTest::newRow("nginx combined: nested resource, extension")
            << u"access_log"_s
            << QByteArray("203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"DELETE /orders/17/items/5.json "
                          "HTTP/1.1\" 204 0 \"-\" \"curl\"")
            << QStringList { u"path 17 orders"_s, u"path 5 orders/items"_s };
        QTest::newRow("nginx combined: words, versions and names are no ids")
            << u"access_log"_s
            << QByteArray("203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"GET /api/v2/users/alice/statuses/1133 "
                          "HTTP/1.1\" 200 0 \"-\" \"curl\"")
            << QStringList { u"path 1133 statuses"_s };
        QTest::newRow("nginx combined: uuid")
            << u"access_log"_s
            << QByteArray("203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"GET "
                          "/media_attachments/0b5a7c1d-2e3f-4051-8273-849500000000/original HTTP/1.1\" 200 0 \"-\" "
                          "\"curl\"")
            << QStringList { u"path 0b5a7c1d-2e3f-4051-8273-849500000000 media_attachments"_s };
        QTest::newRow("rails: Started GET") << u"rails_log"_s << rails << QStringList { u"path 44 accounts"_s };
        QTest::newRow("rails: lograge with account_id")
            << u"rails_log"_s
            << QByteArray("I, [2024-05-02T14:41:05.820000 #12]  INFO -- : [3f1c0a2b-1111] method=DELETE "
                          "path=/api/v1/statuses/99 format=json controller=Api::V1::StatusesController "
                          "action=destroy status=200 duration=4.1 account_id=44")
            << QStringList { u"account 44 account"_s, u"path 99 statuses"_s };
        QTest::newRow("rails: Parameters hash")
            << u"rails_log"_s
            << QByteArray("I, [2024-05-02T14:41:05.821000 #12]  INFO -- : [3f1c0a2b-1111]   Parameters: "
                          "{\"target_account_id\"=>\"44\", \"id\"=>\"7\"}")
            << QStringList { u"field 44 target_account"_s };
        QTest::newRow("sidekiq plain: args")
            << u"sidekiq_log"_s << sidekiq << QStringList { u"argument 44"_s, u"argument x"_s };
        QTest::newRow("sidekiq plain: account_id in the context")
            << u"sidekiq_log"_s
            << QByteArray("2024-05-02T12:41:08.000Z pid=7 tid=1sat class=AccountMergingWorker jid=403379ed44f8 "
                          "account_id=44 INFO: done")
            << QStringList { u"account 44 account"_s };
        QTest::newRow("sidekiq JSON: args with a hash, ids in objects")
            << u"sidekiq_json"_s
            << QByteArray("{\"ts\":\"2024-05-02T12:41:09.123Z\",\"pid\":1514,\"tid\":\"gsq2r\",\"lvl\":\"INFO\","
                          "\"msg\":\"start\",\"ctx\":{\"class\":\"X\",\"jid\":\"0b5a7c1d\",\"account_id\":44},"
                          "\"args\":[7,\"x\",{\"status_ids\":[8,9]}],\"status\":{\"id\":10},\"id\":11}")
            << QStringList { u"account 44 account"_s, u"argument 7"_s, u"argument x"_s, u"field 10 status"_s,
                   u"field 8 status"_s, u"field 9 status"_s };
    }
    void realLines()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, entry);
        QFETCH(QStringList, expected);
        const LogEvent event = parse(format, entry);
        QVERIFY2(!(event.flags & LogEvent::Unparsed), entry.constData());
        QCOMPARE(rowKeys(event), expected);
        // A full parse (what a row shows, what exports write) finds the same keys.
        const int at = m_registry.indexOf(format);
        QCOMPARE(rowKeys(EventParser(&m_registry.formats().at(at), nullptr).parse(entry.trimmed())), expected);
    }

    // Broken input gives no crash and no invented keys.
    void malformedLines_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("entry");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("parameters cut short")
            << u"postgresql_log"_s
            << QByteArray("2024-05-02 14:41:07.698 CEST [1] LOG:  execute a1: DELETE FROM x WHERE id = $1\n"
                          "2024-05-02 14:41:07.698 CEST [1] DETAIL:  parameters: $1 = '44")
            << QStringList();
        QTest::newRow("parameters NULL and empty")
            << u"postgresql_log"_s
            << QByteArray("2024-05-02 14:41:07.698 CEST [1] LOG:  execute a1: SELECT 1\n"
                          "2024-05-02 14:41:07.698 CEST [1] DETAIL:  parameters: $1 = NULL, $2 = ''")
            << QStringList();
        QTest::newRow("parameters without a statement")
            << u"postgresql_log"_s << QByteArray("2024-05-02 14:41:07.698 CEST [1] DETAIL:  parameters: $1 = '44'")
            << QStringList { u"parameter 44"_s };
        QTest::newRow("invalid UTF-8 in a path")
            << u"access_log"_s
            << QByteArray("203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"GET /accounts/\xff\xfe"
                          "44/x HTTP/1.1\" "
                          "200 0 \"-\" \"curl\"")
            << QStringList();
        QTest::newRow("percent-encoded and dot segments")
            << u"access_log"_s
            << QByteArray("203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"GET /accounts/%34%34/../../etc/passwd "
                          "HTTP/1.1\" 404 0 \"-\" \"curl\"")
            << QStringList();
        QTest::newRow("TLS bytes as the request")
            << u"access_log"_s
            << QByteArray("192.0.2.1 - - [26/Dec/2024:20:31:05 +0000] \"\\x16\\x03\\x01\" 400 157 \"-\" \"-\"")
            << QStringList();
        QTest::newRow("args cut short") << u"sidekiq_log"_s
                                        << QByteArray("2024-05-02T12:41:07.000Z pid=7 tid=1 class=W jid=j1 INFO: "
                                                      "start args=[44, [\"x\"")
                                        << QStringList();
        QTest::newRow("args with NUL and control bytes")
            << u"sidekiq_log"_s
            << QByteArray(
                   "2024-05-02T12:41:07.000Z pid=7 tid=1 class=W jid=j1 INFO: start args=[\"a\x01b\", \"\", 1.5, "
                   "\"c")
                   .append('\0')
                   .append("d\"]")
            << QStringList();
        QTest::newRow("JSON with odd values")
            << u"sidekiq_json"_s
            << QByteArray("{\"ts\":\"2024-05-02T12:41:09.123Z\",\"lvl\":\"INFO\",\"msg\":\"x\",\"account_id\":null,"
                          "\"status_id\":1.5,\"user_id\":\"\",\"args\":[null,true,1e400],\"list_ids\":\"7\"}")
            << QStringList();
    }
    void malformedLines()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, entry);
        QFETCH(QStringList, expected);
        QCOMPARE(rowKeys(parse(format, entry)), expected);
    }

    void anyBytesNoCrash()
    {
        // Random bytes around the patterns the extractors look for.
        const QList<QByteArray> seeds { pgDelete, pgCsv, nginx, rails, sidekiq, sidekiqJson };
        quint64 state = 7;
        for (int round = 0; round < 3000; ++round) {
            QByteArray entry = seeds.at(round % seeds.size());
            for (int flips = 0; flips < 1 + round % 8; ++flips) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                entry[qsizetype((state >> 33) % quint64(entry.size()))] = char(state >> 24);
            }
            for (const char *format :
                { "postgresql_log", "postgresql_csvlog", "access_log", "rails_log", "sidekiq_log", "sidekiq_json" })
                for (const LogKey &key : parse(QString::fromLatin1(format), entry).keys)
                    QVERIFY(LogKeyExtractor::isKeyValue(key.value) || !LogKeyExtractor::isRowRole(key.kind));
        }
    }

    // The account in every role across six sources; other tables' 44 stay apart.
    void accountInEveryRole()
    {
        Timeline timeline;
        timeline.setSources({
            LogSource { m_files.write(u"pg.log"_s, pgDelete + pgUpdate), {}, {}, {}, 0 },
            LogSource { m_files.write(u"pg.csv"_s, pgCsv), {}, {}, {}, 0 },
            LogSource { m_files.write(u"access.log"_s, nginx), {}, {}, {}, 0 },
            LogSource { m_files.write(u"production.log"_s, rails), {}, {}, u"Europe/Berlin"_s, 0 },
            LogSource { m_files.write(u"sidekiq.log"_s, sidekiq), {}, {}, {}, 0 },
            LogSource { m_files.write(u"sidekiq.json"_s, sidekiqJson), {}, {}, {}, 0 },
        });
        timeline.build();
        timeline.buildCorrelation();
        QCOMPARE(timeline.source(0).index().count(), 2); // the DETAIL lines joined to their statements
        // Bare: every event that carries 44, in any role (the follow's id and the status too).
        QCOMPARE(count(timeline.keyLinks(u"44"_s)), 8);
        // As an account: the DELETE, the users DELETE (account_id), the API request in nginx and
        // Rails, the job's arguments (no table known) and the job's account_id; not the follow
        // whose id is 44, nor status 44.
        const QList<CorrelationLink> account = timeline.keyLinks(u"accounts:44"_s);
        QCOMPARE(count(account), 6);
        QSet<quint32> sources;
        for (const CorrelationLink &link : account)
            sources.insert(link.to.source);
        QCOMPARE(sources, (QSet<quint32> { 0, 1, 2, 3, 4, 5 }));
        QVERIFY(!timeline.keyed({ u"accounts:44"_s }).contains(EventRef { 0, 1 })); // the UPDATE of follows 44
        QVERIFY(!timeline.keyed({ u"accounts:44"_s }).contains(EventRef { 2, 1 })); // GET /api/v1/statuses/44
        QVERIFY(timeline.keyed({ u"follows:44"_s }).contains(EventRef { 0, 1 }));
        QVERIFY(timeline.keyed({ u"statuses:44"_s }).contains(EventRef { 2, 1 }));
        QVERIFY(timeline.keyed({ u"accounts:9001"_s }).contains(EventRef { 0, 1 })); // target_account_id
        QVERIFY(timeline.keyed({ u"public.accounts:44"_s }) == timeline.keyed({ u"accounts:44"_s }));
        QVERIFY(timeline.keyed({ u"accounts:45"_s }).isEmpty());
        // The table each key names, without a schema.
        const LogEvent update = timeline.event({ 0, 1 });
        QStringList tables;
        for (const LogKey &key : update.keys)
            if (key.kind == LogKeyExtractor::parameterRole)
                tables << timeline.tableOf(key);
        tables.sort();
        QCOMPARE(tables, (QStringList { u"follows"_s, u"target_accounts"_s }));
        timeline.setTableNames({ u"accounts"_s, u"follows"_s });
        tables.clear();
        for (const LogKey &key : update.keys)
            if (key.kind == LogKeyExtractor::parameterRole)
                tables << timeline.tableOf(key);
        tables.sort();
        QCOMPARE(tables, (QStringList { u"accounts"_s, u"follows"_s }));

        // "Show in timeline" on the account row: its id goes in with its table; a bare number does
        // not count (any table's 44), a name or an address does.
        LogKeyCandidates row;
        row.addRowId(u"public.accounts"_s, u"44"_s);
        for (const QString &value : { u"44"_s, u"7"_s, u"198.51.100.7"_s, u"nobody"_s })
            row.add(value);
        QCOMPARE(timeline.keysAmong(row.values()), (QStringList { u"accounts:44"_s, u"198.51.100.7"_s }));
    }
};

QTEST_GUILESS_MAIN(TestRowKeys)
#include "tst_rowkeys.moc"
