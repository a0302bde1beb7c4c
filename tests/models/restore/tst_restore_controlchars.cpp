// Every control character (and the Unicode line breaks) in table names, column names and key
// values goes through a real plan, and the rendered script runs under psql doing only what it
// says: a comment holds its text, a quoted identifier its name. Each name and value carries a
// payload that creates a table if it ever escapes into SQL.
#include "db/pgsession.h"
#include "db/sqlident.h"
#include "livesnapshot.h"
#include "previewrunundo.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "testcluster.h"

#include <QTemporaryDir>
#include <QTest>

using namespace salvage;

namespace {

QList<char16_t> controlCharacters()
{
    QList<char16_t> all;
    for (char16_t c = 0x01; c < 0x20; ++c)
        all << c;
    all << 0x7f << 0x85 << 0x2028 << 0x2029;
    return all;
}

/// `prefix`, the character, then SQL that would create table pwn_<what><hex> and comment out the rest.
QString payload(const QString &prefix, char16_t c, const QString &what)
{
    return prefix + QChar(c) + QStringLiteral("CREATE TABLE pwn_%1%2();--").arg(what).arg(int(c), 0, 16);
}

} // namespace

class TestRestoreControlChars : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_live;
    QString m_backup;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::TestCluster &cluster = test::TestCluster::instance();
        m_backup = cluster.createDatabase(QStringLiteral("tst_controlchars_backup"));
        m_live = cluster.createDatabase(QStringLiteral("tst_controlchars_live"));
        // Per character: a table, its serial column (the plan's sequence step names table, column
        // and sequence in a comment) and one row whose key the root names.
        QString schema;
        QString incident;
        for (char16_t c : controlCharacters()) {
            const QString table = sql::quoteIdent(payload(QStringLiteral("t"), c, QStringLiteral("t")));
            schema += QStringLiteral("CREATE TABLE %1 (id text PRIMARY KEY, %2 serial, v text);\n"
                                     "INSERT INTO %1 (id, v) VALUES (%3, 'x');\n")
                          .arg(table, sql::quoteIdent(payload(QStringLiteral("n"), c, QStringLiteral("c"))),
                              sql::quoteLiteral(payload(QStringLiteral("k"), c, QStringLiteral("k"))));
            incident += QStringLiteral("DELETE FROM %1;\nSELECT setval(pg_get_serial_sequence(%2, %3), 1, false);\n")
                            .arg(table, sql::quoteLiteral(table),
                                sql::quoteLiteral(payload(QStringLiteral("n"), c, QStringLiteral("c"))));
        }
        cluster.execute(QStringLiteral("tst_controlchars_backup"), schema);
        cluster.execute(QStringLiteral("tst_controlchars_live"), schema + incident);
    }

    void psqlRunsOnlyTheStatements()
    {
        RestoreRequest request;
        for (char16_t c : controlCharacters())
            request.roots << RootSelection::parse(
                QStringLiteral("%1 WHERE id = %2")
                    .arg(sql::quoteIdent(payload(QStringLiteral("t"), c, QStringLiteral("t"))),
                        sql::quoteLiteral(payload(QStringLiteral("k"), c, QStringLiteral("k")))));
        RestorePlan plan;
        {
            PgSession live(m_live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
            PgSession backup(m_backup, PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
            plan = RestorePlanner(live, backup).plan(request);
        }
        QCOMPARE(plan.rowsToWrite(), controlCharacters().size());
        const QByteArray script = ScriptRenderer::render(plan);

        // No comment line holds a raw control character or line separator.
        for (const QByteArray &line : script.split('\n')) {
            if (!line.startsWith("--"))
                continue;
            const QString text = QString::fromUtf8(line);
            for (const QChar c : text)
                QVERIFY2(c.unicode() >= 0x20 && !(c.unicode() >= 0x7f && c.unicode() <= 0x9f) && c.unicode() != 0x2028
                        && c.unicode() != 0x2029,
                    qPrintable(QStringLiteral("U+%1 in the comment %2")
                                   .arg(int(c.unicode()), 4, 16, QLatin1Char('0'))
                                   .arg(text.toHtmlEscaped())));
        }
        QVERIFY(script.contains("\\x0dCREATE TABLE pwn_td();--"));

        test::runScriptWithPsql(m_live, script, m_dir.filePath(QStringLiteral("plan.sql")));
        PgSession live(m_live, PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const auto pwned = live.exec(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname LIKE 'pwn%'"));
        QCOMPARE(pwned[0][0].as<int>(), 0);
        // The intended statements did run: every row is back, as in BACKUP.
        QCOMPARE(test::tableDigests(m_live), test::tableDigests(m_backup));
    }
};

QTEST_GUILESS_MAIN(TestRestoreControlChars)
#include "tst_restore_controlchars.moc"
