// Row ids in the logs of a service that is not Mastodon: the tables their tags name come from the
// schema, introspected from a real database, never from names built into Salvage.
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "logs/logkeyextractor.h"
#include "timeline/timeline.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "clirun.h"
#include "logfixture.h"
#include "testcluster.h"

using namespace salvage;
using namespace Qt::StringLiterals;
using salvage::test::TestCluster;

namespace {

const char *const kShop = R"SQL(
CREATE TABLE customers (id bigint PRIMARY KEY, email text UNIQUE);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, quantity int);
)SQL";

const QByteArray kAccess
    = "203.0.113.5 - - [02/May/2024:14:41:05 +0200] \"DELETE /orders/17/items/5 HTTP/1.1\" 204 0 \"-\" \"shop\"\n"
      "203.0.113.5 - - [02/May/2024:14:41:06 +0200] \"GET /api/customers/3/orders/17 HTTP/1.1\" 200 90 \"-\" "
      "\"shop\"\n"
      "203.0.113.5 - - [02/May/2024:14:41:07 +0200] \"GET /orders/5 HTTP/1.1\" 200 90 \"-\" \"shop\"\n";
const QByteArray kPostgres = "2024-05-02 14:41:05.100 CEST [300] LOG:  execute <unnamed>: UPDATE \"order_items\" SET "
                             "\"quantity\" = $1 WHERE \"order_items\".\"id\" = $2\n"
                             "2024-05-02 14:41:05.100 CEST [300] DETAIL:  parameters: $1 = '2', $2 = '5'\n";
const QByteArray kWorker = "{\"ts\":\"2024-05-02T12:41:05.200Z\",\"pid\":9,\"tid\":\"t1\",\"lvl\":\"INFO\",\"msg\":"
                           "\"start\",\"ctx\":{\"class\":\"RefundJob\",\"jid\":\"aa11bb22cc33dd44ee55ff66\"},"
                           "\"order_item_id\":5}\n";

} // namespace

class TestTimelineSchema : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;
    QString m_conninfo;
    QStringList m_logs;

    static int exactCount(const QList<CorrelationLink> &links)
    {
        return int(std::count_if(links.begin(), links.end(), [](const CorrelationLink &l) { return l.exact; }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_conninfo = TestCluster::instance().createDatabase(u"tst_timeline_schema"_s);
        TestCluster::instance().execute(u"tst_timeline_schema"_s, QString::fromUtf8(kShop));
        m_logs = { m_files.write(u"shop-access.log"_s, kAccess), m_files.write(u"shop-postgresql.log"_s, kPostgres),
            m_files.write(u"shop-worker.json"_s, kWorker) };
    }

    void tagsResolveThroughTheIntrospectedSchema()
    {
        PgSession session(m_conninfo, PgSession::Options {});
        QStringList tables;
        for (const Table &table : SchemaReader::read(session).tables)
            tables << table.name;
        QCOMPARE(tables.size(), 3);

        Timeline timeline;
        QList<LogSource> sources;
        for (const QString &path : std::as_const(m_logs))
            sources.append(LogSource { path, {}, {}, {}, 0 });
        timeline.setSources(sources);
        timeline.build();
        timeline.buildCorrelation();
        timeline.setTableNames(tables);

        // /orders/17/items/5: the item is a row of order_items (no table "items" exists).
        const LogEvent deleted = timeline.event({ 0, 0 });
        QStringList named;
        for (const LogKey &key : deleted.keys)
            if (key.kind == LogKeyExtractor::pathRole)
                named << key.value + u' ' + timeline.tableOf(key);
        named.sort();
        QCOMPARE(named, (QStringList { u"17 orders"_s, u"5 order_items"_s }));

        // Item 5: the DELETE request, the UPDATE's $2 and the job's order_item_id; not order 5.
        QCOMPARE(exactCount(timeline.keyLinks(u"order_items:5"_s)), 3);
        QVERIFY(!timeline.keyed({ u"order_items:5"_s }).contains(EventRef { 0, 2 }));
        QCOMPARE(exactCount(timeline.keyLinks(u"orders:5"_s)), 1); // GET /orders/5
        QCOMPARE(exactCount(timeline.keyLinks(u"orders:17"_s)), 2);
        QCOMPARE(exactCount(timeline.keyLinks(u"customers:3"_s)), 1);
        QCOMPARE(exactCount(timeline.keyLinks(u"5"_s)), 4); // bare: every role
    }

    // The same from the command line: --db introspects, --table qualifies --key, the JSON names
    // each row id's role and table.
    void cliNamesTheTable()
    {
        QStringList arguments { u"timeline"_s, u"--db"_s, m_conninfo, u"--key"_s, u"5"_s, u"--table"_s,
            u"order_items"_s, u"--format"_s, u"jsonl"_s };
        for (const QString &log : std::as_const(m_logs))
            arguments << u"--log"_s << log;
        const salvage::test::CliRun run = salvage::test::runCli(arguments);
        QVERIFY2(run.exitCode == 0, run.err.constData());
        const QList<QByteArray> lines = run.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        for (const QByteArray &line : lines) {
            bool found = false;
            for (const QJsonValue &key : QJsonDocument::fromJson(line).object().value("row_keys"_L1).toArray())
                found = found
                    || (key.toObject().value("value"_L1).toString() == "5"_L1
                        && key.toObject().value("table"_L1).toString() == "order_items"_L1);
            QVERIFY2(found, line.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestTimelineSchema)
#include "tst_timeline_schema.moc"
