#include "clicommand.h"

#include "db/dumploader.h"
#include "jobs/jobcontrol.h"

namespace salvage::cli {

static const CliCommand loadDumpCommand(QStringLiteral("load-dump"),
    QStringLiteral("restore a pg_dump file into a managed scratch cluster (a BACKUP to compare with)"),
    [](const QStringList &arguments) {
        QCommandLineParser parser;
        parser.addOption({ QStringLiteral("dump"),
            QStringLiteral("pg_dump archive (custom, directory, tar) or SQL script (.sql, .sql.gz)"),
            QStringLiteral("FILE") });
        parser.addOption(
            { QStringLiteral("dir"), QStringLiteral("directory of the scratch cluster"), QStringLiteral("DIR") });
        parser.addOption({ QStringLiteral("database"), QStringLiteral("database name (default: from the file name)"),
            QStringLiteral("NAME") });
        parseOrThrow(parser, QStringLiteral("load-dump"), arguments);
        const QString dump = required(parser, QStringLiteral("dump"));
        const QString database = parser.isSet(QStringLiteral("database")) ? parser.value(QStringLiteral("database"))
                                                                          : DumpLoader::databaseNameFor(dump);
        JobControl control;
        const DumpLoader::Result result
            = DumpLoader::load(dump, required(parser, QStringLiteral("dir")), database, control);
        for (const QString &warning : result.warnings)
            printError(QStringLiteral("warning: ") + warning);
        printLine(QStringLiteral("backup: ") + result.conninfo);
        return int(Success);
    });

} // namespace salvage::cli
