#pragma once

#include <QString>
#include <QStringList>

namespace salvage {

/// Runs an external program to completion and captures what it printed.
struct ProcessResult
{
    int exitCode = -1;
    bool started = false;
    QString output; ///< stdout and stderr, merged
};

struct ProcessRequest
{
    ProcessRequest(QString program_, QStringList arguments_, QString runAsUser_ = {}, int timeoutMs_ = 120000)
        : program(std::move(program_))
        , arguments(std::move(arguments_))
        , runAsUser(std::move(runAsUser_))
        , timeoutMs(timeoutMs_)
    {
    }
    QString program;
    QStringList arguments;
    QString runAsUser; ///< when set and we are root, run through runuser(1)
    int timeoutMs = 120000;
    QByteArray input; ///< written to the program's stdin, which is then closed (empty: /dev/null)
};

ProcessResult runProcess(const ProcessRequest &request);

/// The program and its arguments as started: through runuser(1) when request.runAsUser is set and
/// we are root.
QStringList commandLine(const ProcessRequest &request);

/// True when this process runs with effective uid 0.
bool runningAsRoot();

} // namespace salvage
