#include "clicommand.h"

#include <QFile>
#include <cstdio>
#include <cstdlib>

namespace salvage::cli {

namespace {
QList<const CliCommand *> &registry()
{
    static QList<const CliCommand *> commands;
    return commands;
}
} // namespace

CliCommand::CliCommand(QString commandName, QString commandSummary, std::function<int(const QStringList &)> runner)
    : name(std::move(commandName)), summary(std::move(commandSummary)), run(std::move(runner))
{
    registry().append(this);
}

const QList<const CliCommand *> &CliCommand::all()
{
    return registry();
}

void parseOrThrow(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                  bool allowPositional)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (arguments.contains(QLatin1String("--help")) || arguments.contains(QLatin1String("-h"))) {
        parser.setApplicationDescription(QStringLiteral("salvage-cli ") + command);
        printLine(parser.helpText().replace(QLatin1String("[options]"), command + QStringLiteral(" [options]")));
        std::exit(Success);
    }
    QStringList withProgram = arguments;
    withProgram.prepend(QStringLiteral("salvage-cli ") + command);
    if (!parser.parse(withProgram))
        throw UsageError{QStringLiteral("%1: %2").arg(command, parser.errorText())};
    if (!allowPositional && !parser.positionalArguments().isEmpty())
        throw UsageError{QStringLiteral("%1: unexpected argument \"%2\"").arg(command, parser.positionalArguments().first())};
}

QString required(const QCommandLineParser &parser, const QString &option)
{
    const QString value = parser.value(option);
    if (value.isEmpty())
        throw UsageError{QStringLiteral("--%1 is required").arg(option)};
    return value;
}

void writeOutput(const QString &path, const QByteArray &data)
{
    if (path.isEmpty() || path == QLatin1String("-")) {
        fwrite(data.constData(), 1, size_t(data.size()), stdout);
        fflush(stdout);
        return;
    }
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        throw UsageError{QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
}

void printLine(const QString &line)
{
    const QByteArray utf8 = line.toUtf8() + '\n';
    fwrite(utf8.constData(), 1, size_t(utf8.size()), stdout);
    fflush(stdout);
}

void printError(const QString &line)
{
    const QByteArray utf8 = line.toUtf8() + '\n';
    fwrite(utf8.constData(), 1, size_t(utf8.size()), stderr);
}

} // namespace salvage::cli
