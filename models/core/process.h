#pragma once

#include <QString>
#include <QStringList>

class QProcess;

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
    QString runAsUser; ///< when set and we are root, run as this user (its uid, gid, groups, HOME)
    int timeoutMs = 120000;
    QByteArray input; ///< written to the program's stdin, which is then closed (empty: /dev/null)
};

ProcessResult runProcess(const ProcessRequest &request);

/// Sets `process` up to run request's program: as request.runAsUser when that is set and we are
/// root, switching user in the child itself (what runuser(1) does, without its PAM session and
/// extra exec, which cost 10-80 ms a start). Throws salvage::Error when that user does not exist.
void prepareProcess(QProcess &process, const ProcessRequest &request);

/// True when this process runs with effective uid 0.
bool runningAsRoot();

/// The uid of `user`; throws salvage::Error when there is no such user.
uint userId(const QString &user);

} // namespace salvage
