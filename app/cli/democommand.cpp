#include "clicommand.h"

#include "demo/demorunner.h"

#include <QElapsedTimer>

#include <limits>

namespace salvage::cli {

static const CliCommand demoCommand(QStringLiteral("demo"),
    QStringLiteral("build or reuse the demo incident (databases, logs, workspace)"), [](const QStringList &arguments) {
        QCommandLineParser parser;
        parser.addOption({ QStringLiteral("dir"), QStringLiteral("directory of the demo cluster, logs and workspace"),
            QStringLiteral("DIR") });
        parser.addOption(
            { QStringLiteral("scale"), QStringLiteral("size: 1 ≈ a thousand accounts, 300 ≈ ten million statuses"),
                QStringLiteral("N"), QStringLiteral("1") });
        parser.addOption({ QStringLiteral("seed"), QStringLiteral("seed of the generated data"), QStringLiteral("S"),
            QStringLiteral("1") });
        parser.addOption({ QStringLiteral("stop"), QStringLiteral("stop the demo's clusters") });
        parser.addOption({ QStringLiteral("no-pitr"),
            QStringLiteral(
                "no WAL archive and no BACKUP as of 1 s before the merge (half the disk at large scales)") });
        parseOrThrow(parser, QStringLiteral("demo"), arguments);
        // Progress goes to stderr: stdout carries exactly the conninfo lines.
        QElapsedTimer clock;
        clock.start();
        DemoRunner runner(required(parser, QStringLiteral("dir")), [&clock](const QString &step) {
            printError(QStringLiteral("demo: %1 (%2 s)").arg(step).arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1));
        });
        if (parser.isSet(QStringLiteral("stop"))) {
            runner.stop();
            return int(Success);
        }
        DemoParameters parameters;
        parameters.scale = int(numberOption(parser, QStringLiteral("demo"), QStringLiteral("scale"), 1, 10000));
        parameters.seed = numberOption(parser, QStringLiteral("demo"), QStringLiteral("seed"),
            std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
        runner.setPointInTimeBackup(!parser.isSet(QStringLiteral("no-pitr")));
        const DemoRunner::Result result = runner.run(parameters);
        printLine(QStringLiteral("live: ") + result.liveConninfo);
        printLine(QStringLiteral("backup: ") + result.backupConninfo);
        if (!result.pitrBackupConninfo.isEmpty())
            printLine(QStringLiteral("backup-pitr: ") + result.pitrBackupConninfo);
        if (result.rebuilt)
            printError(QStringLiteral("demo: built in %1 s").arg(double(clock.elapsed()) / 1000.0, 0, 'f', 1));
        return int(Success);
    });

} // namespace salvage::cli
