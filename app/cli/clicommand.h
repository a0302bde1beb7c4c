#pragma once

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <functional>

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
void parseOrThrow(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                  bool allowPositional = false);
/// The value of a mandatory option, or UsageError.
QString required(const QCommandLineParser &parser, const QString &option);
/// Writes text to -o FILE or stdout; UsageError when the file cannot be written.
void writeOutput(const QString &path, const QByteArray &data);

void printLine(const QString &line);      ///< stdout
void printError(const QString &line);     ///< stderr

} // namespace salvage::cli
