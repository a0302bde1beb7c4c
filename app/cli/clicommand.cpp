#include "clicommand.h"

#include "core/safefilewriter.h"

#include <QFile>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace salvage::cli {

namespace {
QList<const CliCommand *> &registry()
{
    static QList<const CliCommand *> commands;
    return commands;
}
} // namespace

CliCommand::CliCommand(QString commandName, QString commandSummary, std::function<int(const QStringList &)> runner)
    : name(std::move(commandName))
    , summary(std::move(commandSummary))
    , run(std::move(runner))
{
    registry().append(this);
}

const QList<const CliCommand *> &CliCommand::all()
{
    return registry();
}

void parseOrThrow(
    QCommandLineParser &parser, const QString &command, const QStringList &arguments, bool allowPositional)
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
        throw UsageError { QStringLiteral("%1: %2").arg(command, parser.errorText()) };
    if (!allowPositional && !parser.positionalArguments().isEmpty())
        throw UsageError {
            QStringLiteral("%1: unexpected argument \"%2\"").arg(command, parser.positionalArguments().first())
        };
}

QString required(const QCommandLineParser &parser, const QString &option)
{
    const QString value = parser.value(option);
    if (value.isEmpty())
        throw UsageError { QStringLiteral("--%1 is required").arg(option) };
    return value;
}

qint64 numberOption(
    const QCommandLineParser &parser, const QString &command, const QString &option, qint64 minimum, qint64 maximum)
{
    const QString text = parser.value(option);
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        throw UsageError { QStringLiteral("%1: --%2 takes a whole number from %3 to %4, not \"%5\"")
                               .arg(command, option, QString::number(minimum), QString::number(maximum), text) };
    return value;
}

void addOutputOptions(QCommandLineParser &parser)
{
    parser.addOption({ { QStringLiteral("o"), QStringLiteral("output") },
        QStringLiteral("write to FILE (a new file; see --force)"), QStringLiteral("FILE") });
    parser.addOption({ QStringLiteral("force"), QStringLiteral("replace the output file when it exists") });
}

std::unique_ptr<QIODevice> openOutput(const QString &path, bool replace)
{
    if (path.isEmpty() || path == QLatin1String("-")) {
        auto out = std::make_unique<QFile>();
        if (!out->open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered))
            throw UsageError { QStringLiteral("cannot write to standard output: %1").arg(out->errorString()) };
        return out;
    }
    auto file = std::make_unique<SafeFileWriter>(
        path, replace ? SafeFileWriter::Existing::Replace : SafeFileWriter::Existing::Keep);
    if (!file->open(QIODevice::WriteOnly))
        throw UsageError { file->errorString()
            + (file->refusedExisting() ? QStringLiteral(" (--force replaces it)") : QString()) };
    return file;
}

std::unique_ptr<QIODevice> openOutput(const QCommandLineParser &parser)
{
    return openOutput(parser.value(QStringLiteral("output")), parser.isSet(QStringLiteral("force")));
}

void finishOutput(QIODevice &output)
{
    if (auto *file = dynamic_cast<SafeFileWriter *>(&output)) {
        if (!file->commit())
            throw UsageError { file->errorString() };
        return;
    }
    if (auto *out = dynamic_cast<QFile *>(&output); out && out->error() != QFileDevice::NoError)
        throw UsageError { QStringLiteral("cannot write to standard output: %1").arg(out->errorString()) };
    flushStdout();
}

void writeOutput(const QString &path, const QByteArray &data, bool replace)
{
    const std::unique_ptr<QIODevice> output = openOutput(path, replace);
    output->write(data); // a failure is remembered and reported by finishOutput
    finishOutput(*output);
}

void writeOutput(const QCommandLineParser &parser, const QByteArray &data)
{
    writeOutput(parser.value(QStringLiteral("output")), data, parser.isSet(QStringLiteral("force")));
}

void flushStdout()
{
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        const int error = errno;
        std::clearerr(stdout); // reported once
        throw UsageError { QStringLiteral("cannot write to standard output: %1")
                               .arg(error ? QString::fromLocal8Bit(std::strerror(error))
                                          : QStringLiteral("write error")) };
    }
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
