#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

class QIODevice;

namespace salvage::cli {

/// Exit codes of every command (README: "CLI").
enum ExitCode { Success = 0, Finding = 1, UsageOrInput = 2 };

/// One subcommand of salvage-cli. Each command file registers itself with a static CliCommand.
struct CliCommand
{
    QString name;
    QString summary;
    std::function<int(const QStringList &arguments)> run; ///< arguments after the command name

    CliCommand(QString name, QString summary, std::function<int(const QStringList &)> run);
    static const QList<const CliCommand *> &all();
};

/// Thrown for bad usage or unreadable input: main() prints the message as one line and exits 2.
struct UsageError
{
    QString message;
};

/// Parses `arguments` (without program and command names); throws UsageError on unknown options
/// or stray positional arguments when none are expected.
void parseOrThrow(
    QCommandLineParser &parser, const QString &command, const QStringList &arguments, bool allowPositional = false);
/// The value of a mandatory option, or UsageError.
QString required(const QCommandLineParser &parser, const QString &option);
/// The whole number given to --OPTION (its default when not given), within [minimum, maximum];
/// UsageError "COMMAND: --OPTION takes a whole number from MIN to MAX, not "TEXT"" otherwise.
/// Every numeric option of every command goes through here.
qint64 numberOption(
    const QCommandLineParser &parser, const QString &command, const QString &option, qint64 minimum, qint64 maximum);
/// Adds -o/--output FILE and --force (replace FILE when it exists; without it an existing file is kept).
void addOutputOptions(QCommandLineParser &parser);
/// Where -o points: a SafeFileWriter (a new temporary file renamed into place by finishOutput) or
/// stdout for none or "-". UsageError when the file cannot be created or exists without --force.
std::unique_ptr<QIODevice> openOutput(const QString &path, bool replace);
std::unique_ptr<QIODevice> openOutput(const QCommandLineParser &parser);
/// Checks every write to `output` and puts the file in place; UsageError with the path and the
/// system's reason when anything failed (nothing is left behind then).
void finishOutput(QIODevice &output);
/// openOutput + write + finishOutput.
void writeOutput(const QCommandLineParser &parser, const QByteArray &data);
void writeOutput(const QString &path, const QByteArray &data, bool replace = false);
/// Flushes stdout; UsageError "cannot write to standard output: REASON" when it failed (a full
/// disk, /dev/full). main() calls it after every command.
void flushStdout();

void printLine(const QString &line); ///< stdout
void printError(const QString &line); ///< stderr

} // namespace salvage::cli
