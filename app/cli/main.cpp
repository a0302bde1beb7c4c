// salvage-cli: the headless face of Salvage. Runs with no display at all.
#include "clicommand.h"

#include "core/error.h"
#include "db/secretredactor.h"

#include <QCoreApplication>

using namespace salvage::cli;

namespace {

void printUsage()
{
    printError(QStringLiteral("usage: salvage-cli COMMAND [OPTIONS]   (salvage-cli COMMAND --help for its options)"));
    for (const CliCommand *command : CliCommand::all())
        printError(QStringLiteral("  %1  %2").arg(command->name.leftJustified(10), command->summary));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("salvage"));
    QCoreApplication::setOrganizationName(QStringLiteral("salvage"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SALVAGE_VERSION));

    QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.isEmpty() || arguments.first() == QLatin1String("--help")
        || arguments.first() == QLatin1String("-h")) {
        printUsage();
        return arguments.isEmpty() ? UsageOrInput : Success;
    }
    QString name = arguments.takeFirst();
    if (name == QLatin1String("--version"))
        name = QStringLiteral("version");
    for (const CliCommand *command : CliCommand::all()) {
        if (command->name != name)
            continue;
        try {
            const int code = command->run(arguments);
            flushStdout(); // output that never reached its file is a failure, not exit 0
            return code;
        } catch (const UsageError &error) {
            printError(QStringLiteral("salvage-cli: ") + salvage::redactSecrets(error.message));
            return UsageOrInput;
        } catch (const salvage::Cancelled &) {
            printError(QStringLiteral("salvage-cli: cancelled"));
            return UsageOrInput;
        } catch (const salvage::Error &error) {
            printError(QStringLiteral("salvage-cli: ") + salvage::redactSecrets(error.message()));
            return UsageOrInput;
        } catch (const std::exception &error) {
            printError(
                QStringLiteral("salvage-cli: ") + salvage::redactSecrets(QString::fromUtf8(error.what()).trimmed()));
            return UsageOrInput;
        }
    }
    printError(QStringLiteral("salvage-cli: unknown command \"%1\"").arg(name));
    printUsage();
    return UsageOrInput;
}
