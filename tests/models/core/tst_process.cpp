// The process runner: output and exit codes, stdin, time limits, and running as another user
// (what PostgreSQL's programs need when Salvage runs as root).
#include "core/error.h"
#include "core/process.h"

#include <QTest>
#include <pwd.h>
#include <unistd.h>

using namespace salvage;

class TestProcess : public QObject
{
    Q_OBJECT

private slots:
    void capturesOutputAndExitCode()
    {
        const ProcessResult result = runProcess(
            { QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2; exit 3") } });
        QVERIFY(result.started);
        QCOMPARE(result.exitCode, 3);
        QVERIFY(result.output.contains(QLatin1String("out")));
        QVERIFY(result.output.contains(QLatin1String("err")));
    }

    void feedsItsInput()
    {
        ProcessRequest request(QStringLiteral("cat"), {});
        request.input = "line one\nline two\n";
        const ProcessResult result = runProcess(request);
        QCOMPARE(result.exitCode, 0);
        QCOMPARE(result.output, QStringLiteral("line one\nline two\n"));
    }

    void aProgramThatIsMissingDoesNotStart()
    {
        const ProcessResult result = runProcess({ QStringLiteral("/nonexistent/salvage-no-such-program"), {} });
        QVERIFY(!result.started);
        QCOMPARE(result.exitCode, -1);
    }

    void aProgramOverItsTimeIsStopped()
    {
        const ProcessResult result = runProcess({ QStringLiteral("sleep"), { QStringLiteral("30") }, {}, 200 });
        QCOMPARE(result.exitCode, -1);
    }

    void runsAsTheGivenUserWithItsIdentityAndHome()
    {
        if (!runningAsRoot())
            QSKIP("switching user needs root; as another user the program runs as ourselves");
        const passwd *postgres = ::getpwnam("postgres");
        if (!postgres)
            QSKIP("no postgres user on this machine");
        const ProcessResult result = runProcess({ QStringLiteral("sh"),
            { QStringLiteral("-c"), QStringLiteral("id -u; id -g; id -G; echo \"$HOME|$USER|$LOGNAME\"") },
            QStringLiteral("postgres") });
        QCOMPARE(result.exitCode, 0);
        const QStringList lines = result.output.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines.at(0).toUInt(), uint(postgres->pw_uid));
        QCOMPARE(lines.at(1).toUInt(), uint(postgres->pw_gid));
        // root's supplementary groups (0 among them) are gone: only the user's own.
        QVERIFY2(!lines.at(2).split(QLatin1Char(' ')).contains(QStringLiteral("0")), qPrintable(lines.at(2)));
        QCOMPARE(lines.at(3), QStringLiteral("%1|postgres|postgres").arg(QString::fromLocal8Bit(postgres->pw_dir)));
    }

    void anUnknownUserIsAClearError()
    {
        if (!runningAsRoot())
            QSKIP("the user is only looked up when switching, which needs root");
        try {
            runProcess({ QStringLiteral("true"), {}, QStringLiteral("salvage-no-such-user") });
            QFAIL("an unknown user was accepted");
        } catch (const Error &error) {
            QVERIFY2(QString::fromUtf8(error.what()).contains(QLatin1String("salvage-no-such-user")), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestProcess)
#include "tst_process.moc"
