#include "clicommand.h"

#include "core/versions.h"

namespace salvage::cli {

static const CliCommand versionCommand(QStringLiteral("version"),
    QStringLiteral("print Salvage's and its libraries' versions"), [](const QStringList &arguments) {
        QCommandLineParser parser;
        parseOrThrow(parser, QStringLiteral("version"), arguments);
        printLine(salvage::versionReport());
        return int(Success);
    });

} // namespace salvage::cli
