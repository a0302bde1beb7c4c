#include "clicommand.h"

#include "demo/demorunner.h"

namespace salvage::cli {

static const CliCommand demoCommand(QStringLiteral("demo"), QStringLiteral("build or reuse the demo incident (databases, logs, workspace)"),
                                    [](const QStringList &arguments) {
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("dir"), QStringLiteral("directory of the demo cluster, logs and workspace"), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("scale"), QStringLiteral("size: 1 ≈ a thousand accounts, 300 ≈ ten million statuses"),
                      QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("seed"), QStringLiteral("seed of the generated data"), QStringLiteral("S"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("stop"), QStringLiteral("stop the demo's cluster")});
    parseOrThrow(parser, QStringLiteral("demo"), arguments);
    DemoRunner runner(required(parser, QStringLiteral("dir")));
    if (parser.isSet(QStringLiteral("stop"))) {
        runner.stop();
        return int(Success);
    }
    bool scaleOk = false;
    bool seedOk = false;
    DemoParameters parameters;
    parameters.scale = parser.value(QStringLiteral("scale")).toInt(&scaleOk);
    parameters.seed = parser.value(QStringLiteral("seed")).toLongLong(&seedOk);
    if (!scaleOk || parameters.scale < 1 || parameters.scale > 10000)
        throw UsageError{QStringLiteral("demo: --scale must be a whole number from 1 to 10000")};
    if (!seedOk)
        throw UsageError{QStringLiteral("demo: --seed must be a whole number")};
    const DemoRunner::Result result = runner.run(parameters);
    printLine(QStringLiteral("live: ") + result.liveConninfo);
    printLine(QStringLiteral("backup: ") + result.backupConninfo);
    return int(Success);
});

} // namespace salvage::cli
