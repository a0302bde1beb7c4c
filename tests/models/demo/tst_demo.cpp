// The demo incident's story, asserted from the two databases themselves; and its determinism.
#include "testcluster.h"

#include "db/pgsession.h"
#include "db/sqlident.h"
#include "demo/demoparameters.h"
#include "demo/demorunner.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>
#include <pqxx/nontransaction>

using salvage::DemoParameters;
using salvage::DemoRunner;
using salvage::PgSession;
namespace pqxxcompat = salvage::pqxxcompat;
using salvage::test::TestCluster;

namespace {

const DemoParameters kParameters { 7, 1 };

/// The first column of a query's rows as strings, for small result sets.
template <typename... Args> QStringList column(PgSession &session, const QString &sql, const Args &...arguments)
{
    pqxx::nontransaction transaction(session.connection());
    const pqxx::result result = pqxxcompat::execParams(transaction, sql.toStdString(), arguments...);
    QStringList values;
    for (const auto &row : result)
        values << (row[0].is_null() ? QString() : QString::fromUtf8(row[0].c_str()));
    return values;
}

template <typename... Args> qint64 number(PgSession &session, const QString &sql, const Args &...arguments)
{
    return column(session, sql, arguments...).value(0).toLongLong();
}

/// A PostgreSQL array literal of the given values: {a,b,c}.
std::string array(const QStringList &values)
{
    return QString(QLatin1Char('{') + values.join(QLatin1Char(',')) + QLatin1Char('}')).toStdString();
}

/// md5 of every table's rows, ordered, keyed by table name.
QMap<QString, QString> fingerprint(PgSession &session)
{
    QMap<QString, QString> sums;
    for (const QString &table :
        column(session, QStringLiteral("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))) {
        sums.insert(table,
            column(session,
                QStringLiteral(
                    "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM public.%1 t")
                    .arg(table))
                .value(0));
    }
    return sums;
}

/// One digest of a fingerprint: md5 of its "table=md5" lines in table order.
QString digest(const QMap<QString, QString> &sums)
{
    QStringList lines;
    for (auto it = sums.begin(); it != sums.end(); ++it)
        lines << it.key() + QLatin1Char('=') + it.value();
    return QString::fromLatin1(
        QCryptographicHash::hash(lines.join(QLatin1Char('\n')).toUtf8(), QCryptographicHash::Md5).toHex());
}

} // namespace

class TestDemo : public QObject
{
    Q_OBJECT
    QTemporaryDir m_logs;
    std::unique_ptr<PgSession> m_backup;
    std::unique_ptr<PgSession> m_live;
    QStringList m_victims;

private Q_SLOTS:
    void initTestCase()
    {
        DemoRunner::build(TestCluster::instance().cluster(), QStringLiteral("tst_demo_backup"),
            QStringLiteral("tst_demo_live"), m_logs.path(), kParameters);
        m_backup = std::make_unique<PgSession>(
            TestCluster::instance().conninfo(QStringLiteral("tst_demo_backup")), PgSession::Options {});
        m_live = std::make_unique<PgSession>(
            TestCluster::instance().conninfo(QStringLiteral("tst_demo_live")), PgSession::Options {});
        m_victims = column(
            *m_backup, QStringLiteral("SELECT id FROM accounts WHERE domain IS NULL AND uri = '' ORDER BY id"));
    }

    void victimsGoneFromLivePresentInBackup()
    {
        QCOMPARE(m_victims.size(), int(kParameters.victims()));
        QCOMPARE(number(*m_live, QStringLiteral("SELECT count(*) FROM accounts WHERE id = ANY($1::bigint[])"),
                     array(m_victims)),
            0);
        QCOMPARE(number(*m_live, QStringLiteral("SELECT count(*) FROM users WHERE account_id = ANY($1::bigint[])"),
                     array(m_victims)),
            0);
        QVERIFY(number(*m_backup, QStringLiteral("SELECT count(*) FROM users WHERE account_id = ANY($1::bigint[])"),
                    array(m_victims))
            == m_victims.size());
        QVERIFY(number(*m_backup,
                    QStringLiteral("SELECT count(*) FROM web_settings w JOIN users u ON u.id = w.user_id "
                                   "WHERE u.account_id = ANY($1::bigint[])"),
                    array(m_victims))
            > 0);
    }

    void victimsStatusesBelongToTheRemoteAccount()
    {
        const QStringList statuses = column(*m_backup,
            QStringLiteral("SELECT id FROM statuses WHERE reblog_of_id IS NULL AND account_id = ANY($1::bigint[])"),
            array(m_victims));
        QVERIFY(statuses.size() > 100);
        const QStringList owners = column(*m_live,
            QStringLiteral("SELECT DISTINCT account_id FROM statuses WHERE id = ANY($1::bigint[])"), array(statuses));
        QCOMPARE(owners.size(), 1);
        QCOMPARE(number(*m_live, QStringLiteral("SELECT count(*) FROM statuses WHERE id = ANY($1::bigint[])"),
                     array(statuses)),
            qint64(statuses.size()));
        // The owner is a remote account that existed at T0.
        QCOMPARE(column(*m_backup, QStringLiteral("SELECT domain FROM accounts WHERE id = $1::bigint"),
                     owners.first().toStdString()),
            QStringList { DemoParameters::remoteDomain() });
        // Their follows moved too, except those the unique index refused.
        const qint64 followsBefore = number(*m_backup,
            QStringLiteral("SELECT count(*) FROM follows WHERE account_id = ANY($1::bigint[])"), array(m_victims));
        QVERIFY(followsBefore > 0);
    }

    void postT0RowsOnlyInLive_data()
    {
        QTest::addColumn<QString>("table");
        QTest::newRow("accounts") << QStringLiteral("accounts");
        QTest::newRow("statuses") << QStringLiteral("statuses");
        QTest::newRow("follows") << QStringLiteral("follows");
        QTest::newRow("favourites") << QStringLiteral("favourites");
        QTest::newRow("users") << QStringLiteral("users");
    }
    void postT0RowsOnlyInLive()
    {
        QFETCH(QString, table);
        const QString sql
            = QStringLiteral("SELECT count(*) FROM %1 WHERE created_at >= '2024-05-02 01:00:00'").arg(table);
        QCOMPARE(number(*m_backup, sql), 0);
        QVERIFY(number(*m_live, sql) > 0);
    }

    void recreatedAccountsReuseUsernamesAndEmails()
    {
        const QStringList usernames = column(*m_backup,
            QStringLiteral("SELECT lower(username) FROM accounts WHERE id = ANY($1::bigint[])"), array(m_victims));
        const QStringList emails = column(*m_backup,
            QStringLiteral("SELECT email FROM users WHERE account_id = ANY($1::bigint[])"), array(m_victims));
        // Same username, new id, same e-mail.
        const qint64 sameName = number(*m_live,
            QStringLiteral("SELECT count(*) FROM accounts a JOIN users u ON u.account_id = a.id WHERE a.domain IS NULL "
                           "AND lower(a.username) = ANY($1::text[])"),
            array(usernames));
        QCOMPARE(sameName, kParameters.recreations() - 1);
        QCOMPARE(
            number(*m_live, QStringLiteral("SELECT count(*) FROM users WHERE email = ANY($1::text[])"), array(emails)),
            kParameters.recreations());
        // Exactly one came back under another username with the same e-mail.
        const QStringList renamed = column(*m_live,
            QStringLiteral("SELECT a.username FROM accounts a JOIN users u ON u.account_id = a.id "
                           "WHERE u.email = ANY($1::text[]) AND NOT lower(a.username) = ANY($2::text[])"),
            array(emails), array(usernames));
        QCOMPARE(renamed.size(), 1);
        QVERIFY(renamed.first().endsWith(QLatin1String("_again")));
        // Some follows were made again, with fresh settings.
        QVERIFY(number(*m_live,
                    QStringLiteral("SELECT count(*) FROM follows f JOIN users u ON u.account_id = f.account_id "
                                   "WHERE u.email = ANY($1::text[])"),
                    array(emails))
            > 0);
        QCOMPARE(number(*m_live,
                     QStringLiteral("SELECT count(*) FROM web_settings w JOIN users u ON u.id = w.user_id "
                                    "WHERE u.email = ANY($1::text[]) AND w.data->>'onboarded' = 'false'"),
                     array(emails)),
            kParameters.recreations());
    }

    void deletedOnPurposeWithTheirReblogs()
    {
        // Candidates: posts of remaining local accounts in the 60 days before T0 that were reblogged.
        const QStringList candidates = column(*m_backup,
            QStringLiteral(
                "SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE a.domain IS NULL AND a.uri "
                "<> '' "
                "AND s.reblog_of_id IS NULL AND s.created_at >= timestamp '2024-05-02 01:00' - interval '60 days' "
                "AND EXISTS (SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id)"));
        const QStringList present = column(
            *m_live, QStringLiteral("SELECT id FROM statuses WHERE id = ANY($1::bigint[])"), array(candidates));
        QStringList deleted;
        for (const QString &id : candidates)
            if (!present.contains(id))
                deleted << id;
        QCOMPARE(deleted.size(), int(kParameters.deletions()));
        const qint64 reblogs = number(*m_backup,
            QStringLiteral("SELECT count(*) FROM statuses WHERE reblog_of_id = ANY($1::bigint[])"), array(deleted));
        QVERIFY(reblogs >= deleted.size());
        QCOMPARE(number(*m_live, QStringLiteral("SELECT count(*) FROM statuses WHERE reblog_of_id = ANY($1::bigint[])"),
                     array(deleted)),
            0);
    }

    void editsAfterT0()
    {
        QCOMPARE(number(*m_backup, QStringLiteral("SELECT count(*) FROM statuses WHERE edited_at IS NOT NULL")), 0);
        QCOMPARE(
            number(*m_live, QStringLiteral("SELECT count(*) FROM statuses WHERE edited_at >= '2024-05-02 01:00:00'")),
            kParameters.edits());
    }

    void everyForeignKeyHolds()
    {
        // The backup's foreign keys are made on the empty tables and its rows loaded without
        // firing their triggers (DemoSchema), as are live's new rows after T0 (DemoActivity):
        // every reference must still find its row.
        const QString keys = QStringLiteral(
            "SELECT c.conname, c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, r.attname "
            "FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND c.convalidated "
            "AND cardinality(c.conkey) = 1 ORDER BY 1");
        for (PgSession *session : { m_backup.get(), m_live.get() }) {
            pqxx::nontransaction transaction(session->connection());
            const pqxx::result found = transaction.exec(keys.toStdString());
            QCOMPARE(found.size(), 32); // all of them, each validated
            for (const auto &key : found) {
                const auto name
                    = [&](int column) { return salvage::sql::quoteIdent(QString::fromUtf8(key[column].c_str())); };
                const QString orphans
                    = QStringLiteral("SELECT count(*) FROM %1 t WHERE t.%2 IS NOT NULL AND NOT EXISTS "
                                     "(SELECT 1 FROM %3 p WHERE p.%4 = t.%2)")
                          .arg(name(1), name(2), name(3), name(4));
                QVERIFY2(transaction.exec(orphans.toStdString())[0][0].as<qint64>() == 0, key[0].c_str());
            }
        }
    }

    void everyTableHasItsPrimaryKey()
    {
        // The keys are built after the load (DemoSchema): each table has Mastodon's <table>_pkey.
        const QString missing = QStringLiteral(
            "SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM "
            "pg_constraint c WHERE c.conrelid = format('public.%I', t.tablename)::regclass AND c.contype = 'p' "
            "AND c.conname = t.tablename || '_pkey')");
        for (PgSession *session : { m_backup.get(), m_live.get() }) {
            QCOMPARE(number(*session,
                         QStringLiteral("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND connamespace = "
                                        "'public'::regnamespace")),
                19);
            QCOMPARE(number(*session, missing), 0);
        }
    }

    void notificationsNameTheirStatusesAuthors()
    {
        // Notifications take a status's author from the generator's formula rather than from the
        // row (DemoStatuses::addNotifications): in the backup, before any merge, the two agree,
        // and every favourite of a local author's status in the last 30 days has its notification.
        const QString window = QStringLiteral("f.created_at >= to_timestamp($1 / 1000.0 - 30 * 86400) AT TIME ZONE "
                                              "'UTC' AND f.created_at < to_timestamp($1 / 1000.0) AT TIME ZONE 'UTC'");
        const qint64 favourites = number(*m_backup,
            QStringLiteral("SELECT count(*) FROM favourites f JOIN statuses s ON s.id = f.status_id JOIN accounts a "
                           "ON a.id = s.account_id WHERE a.domain IS NULL AND %1")
                .arg(window),
            DemoParameters::backupMs());
        QVERIFY(favourites > 0);
        QCOMPARE(number(*m_backup,
                     QStringLiteral("SELECT count(*) FROM notifications n JOIN favourites f ON f.id = n.activity_id "
                                    "JOIN statuses s ON s.id = f.status_id WHERE n.activity_type = 'Favourite' AND "
                                    "n.account_id = s.account_id")),
            favourites);
        QVERIFY(number(*m_backup, QStringLiteral("SELECT count(*) FROM notifications WHERE type = 'mention'")) > 0);
        QCOMPARE(number(*m_backup,
                     QStringLiteral("SELECT count(*) FROM notifications n JOIN mentions m ON m.id = n.activity_id "
                                    "JOIN statuses s ON s.id = m.status_id WHERE n.activity_type = 'Mention' AND "
                                    "n.from_account_id <> s.account_id")),
            0);
    }

    void liveStatisticsIncludeTheStory()
    {
        // Live's statistics are gathered while the logs are written (DemoRunner::build): when the
        // build returns, they describe live after the story, not the backup they were copied from.
        const QString lastIdBound = QStringLiteral(
            "SELECT (histogram_bounds::text::bigint[])[cardinality(histogram_bounds::text::bigint[])] FROM pg_stats "
            "WHERE schemaname = 'public' AND tablename = 'statuses' AND attname = 'id'");
        const qint64 backupLast = number(*m_backup, QStringLiteral("SELECT max(id) FROM statuses"));
        QVERIFY(number(*m_live, lastIdBound) > backupLast);
        QVERIFY(number(*m_backup, lastIdBound) <= backupLast);
    }

    void statusIdsCarryTheirTime()
    {
        // Snowflake ids: milliseconds since the epoch in the high bits.
        QCOMPARE(number(*m_backup,
                     QStringLiteral("SELECT count(*) FROM statuses WHERE (id >> 16) <> "
                                    "(extract(epoch FROM created_at) * 1000)::bigint")),
            0);
    }

    void textIsRealistic()
    {
        QVERIFY(number(*m_backup,
                    QStringLiteral("SELECT count(*) FROM statuses WHERE text LIKE '%\"%' AND text LIKE E'%\\n%'"))
            > 0);
        QVERIFY(
            number(*m_backup, QStringLiteral("SELECT count(*) FROM statuses WHERE text ~ '[\\u0590-\\u06FF]'")) > 0);
        QVERIFY(number(*m_backup, QStringLiteral("SELECT count(*) FROM statuses WHERE text LIKE '%🦣%'")) > 0);
        QVERIFY(number(*m_backup, QStringLiteral("SELECT count(*) FROM accounts WHERE fields IS NULL")) > 0);
        QVERIFY(
            number(*m_backup, QStringLiteral("SELECT count(*) FROM users WHERE family(current_sign_in_ip) = 6")) > 0);
    }

    void sameSeedSameData()
    {
        QTemporaryDir logs;
        DemoRunner::build(TestCluster::instance().cluster(), QStringLiteral("tst_demo_backup2"),
            QStringLiteral("tst_demo_live2"), logs.path(), kParameters);
        PgSession backup(TestCluster::instance().conninfo(QStringLiteral("tst_demo_backup2")), PgSession::Options {});
        PgSession live(TestCluster::instance().conninfo(QStringLiteral("tst_demo_live2")), PgSession::Options {});
        const auto backupSums = fingerprint(backup);
        QCOMPARE(backupSums.size(), 19);
        QCOMPARE(backupSums, fingerprint(*m_backup));
        QCOMPARE(fingerprint(live), fingerprint(*m_live));
        QVERIFY(fingerprint(live) != backupSums);
    }

    void rowsOfGeneratorVersionOneUnchanged()
    {
        // Every row of both databases for seed 7, scale 1, as main's generator wrote them on
        // 2026-12-04 (generator version 1): a statement rewritten for speed must keep every value.
        // A deliberate change of the data bumps kGeneratorVersion (demorunner.cpp) and these digests.
        QCOMPARE(digest(fingerprint(*m_backup)), QStringLiteral("e3be4b37b0dd9f396683c0242b8c7f3d"));
        QCOMPARE(digest(fingerprint(*m_live)), QStringLiteral("05658ff7d1737e8651b3e45bddad5f1e"));
    }

    void otherSeedOtherData()
    {
        QTemporaryDir logs;
        DemoRunner::build(TestCluster::instance().cluster(), QStringLiteral("tst_demo_backup3"),
            QStringLiteral("tst_demo_live3"), logs.path(), DemoParameters { 8, 1 });
        PgSession backup(TestCluster::instance().conninfo(QStringLiteral("tst_demo_backup3")), PgSession::Options {});
        const auto sums = fingerprint(backup);
        const auto first = fingerprint(*m_backup);
        QVERIFY(sums.value(QStringLiteral("statuses")) != first.value(QStringLiteral("statuses")));
        QVERIFY(sums.value(QStringLiteral("accounts")) != first.value(QStringLiteral("accounts")));
    }
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
