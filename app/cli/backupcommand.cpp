#include "clicommand.h"
#include "signalcancel.h"

#include "backup/pitrrecovery.h"
#include "backup/pitrsource.h"
#include "core/error.h"
#include "jobs/jobcontrol.h"

namespace salvage::cli {

namespace {

PitrTarget targetFrom(const QCommandLineParser &parser)
{
    const QList<std::pair<QString, PitrTarget (*)(const QString &)>> kinds {
        { QStringLiteral("target-time"), &PitrTarget::time },
        { QStringLiteral("target-xid"), &PitrTarget::xid },
        { QStringLiteral("target-lsn"), &PitrTarget::lsn },
        { QStringLiteral("target-name"), &PitrTarget::name },
    };
    QStringList given;
    PitrTarget target;
    for (const auto &[option, make] : kinds) {
        if (!parser.isSet(option))
            continue;
        given << QStringLiteral("--") + option;
        try {
            target = make(parser.value(option));
        } catch (const Error &error) {
            throw UsageError { QStringLiteral("backup pitr: ") + QString::fromUtf8(error.what()) };
        }
    }
    if (given.size() != 1)
        throw UsageError { QStringLiteral(
            "backup pitr: give exactly one of --target-time, --target-xid, --target-lsn, --target-name") };
    return target;
}

int pitr(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("base"), QStringLiteral("base backup: pg_basebackup's directory or base.tar"),
        QStringLiteral("DIR|FILE") });
    parser.addOption({ QStringLiteral("wal"), QStringLiteral("WAL archive directory"), QStringLiteral("DIR") });
    parser.addOption({ QStringLiteral("pgbackrest"), QStringLiteral("recover from this pgBackRest stanza instead"),
        QStringLiteral("STANZA") });
    parser.addOption({ QStringLiteral("repo"),
        QStringLiteral("pgBackRest repository path (default: pgBackRest's configuration)"), QStringLiteral("DIR") });
    parser.addOption({ QStringLiteral("barman"), QStringLiteral("recover from this Barman server instead"),
        QStringLiteral("SERVER") });
    parser.addOption({ QStringLiteral("barman-config"),
        QStringLiteral("Barman's configuration file (default: Barman's own)"), QStringLiteral("FILE") });
    parser.addOption(
        { QStringLiteral("target-time"), QStringLiteral("recover to this instant (with zone)"), QStringLiteral("TS") });
    parser.addOption(
        { QStringLiteral("target-xid"), QStringLiteral("recover to this transaction"), QStringLiteral("XID") });
    parser.addOption(
        { QStringLiteral("target-lsn"), QStringLiteral("recover to this WAL position"), QStringLiteral("LSN") });
    parser.addOption({ QStringLiteral("target-name"), QStringLiteral("recover to this named restore point"),
        QStringLiteral("NAME") });
    parser.addOption(
        { QStringLiteral("dir"), QStringLiteral("directory of the scratch cluster"), QStringLiteral("DIR") });
    parser.addOption({ QStringLiteral("database"),
        QStringLiteral("database to connect BACKUP to (default: the only one)"), QStringLiteral("NAME") });
    parser.addOption({ QStringLiteral("force"), QStringLiteral("replace a cluster already in --dir") });
    parser.addOption({ QStringLiteral("retarget"),
        QStringLiteral("leave the recovery paused at its target; a paused recovery in --dir continues replay to a "
                       "later target, an earlier one is restored afresh") });
    parseOrThrow(parser, QStringLiteral("backup pitr"), arguments);

    PitrRecovery::Request request;
    PitrSourceSpec source;
    source.baseBackup = parser.value(QStringLiteral("base"));
    source.walArchive = parser.value(QStringLiteral("wal"));
    source.pgBackRestStanza = parser.value(QStringLiteral("pgbackrest"));
    source.pgBackRestRepo = parser.value(QStringLiteral("repo"));
    source.barmanServer = parser.value(QStringLiteral("barman"));
    source.barmanConfig = parser.value(QStringLiteral("barman-config"));
    const bool fromDirectory = parser.isSet(QStringLiteral("base")) || parser.isSet(QStringLiteral("wal"));
    if (int(fromDirectory) + int(source.isPgBackRest()) + int(source.isBarman()) != 1)
        throw UsageError { QStringLiteral(
            "backup pitr: give --base and --wal, or --pgbackrest STANZA, or --barman SERVER") };
    request.clusterDir = required(parser, QStringLiteral("dir"));
    request.target = targetFrom(parser);
    request.database = parser.value(QStringLiteral("database"));
    request.replaceExisting = parser.isSet(QStringLiteral("force"));
    request.source = source.make();
    JobControl control;
    const SignalCancel interrupt([&] { control.requestCancel(); });
    const bool retarget = parser.isSet(QStringLiteral("retarget"));
    const PitrRecovery::Result result
        = retarget ? PitrRecovery::retarget(request, control) : PitrRecovery::recover(request, control);
    if (retarget)
        printError(result.howReached);
    printError(QStringLiteral("replayed %1 WAL segments; %2")
                   .arg(result.segmentsReplayed)
                   .arg(result.stoppedAt.isEmpty() ? QStringLiteral("reached the end of the WAL") : result.stoppedAt));
    printLine(QStringLiteral("backup: ") + result.conninfo);
    return int(Success);
}

} // namespace

static const CliCommand backupCommand(QStringLiteral("backup"),
    QStringLiteral("BACKUP as of any instant: point-in-time recovery from a base backup and WAL archive (pitr)"),
    [](const QStringList &arguments) {
        if (arguments.value(0) == QLatin1String("pitr"))
            return pitr(arguments.mid(1));
        throw UsageError { QStringLiteral("backup: expected pitr") };
    });

} // namespace salvage::cli
