#include "process.h"

#include <QProcess>
#include <unistd.h>

namespace salvage {

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

QStringList commandLine(const ProcessRequest &request)
{
    const QStringList direct = QStringList { request.program } + request.arguments;
    if (request.runAsUser.isEmpty() || !runningAsRoot())
        return direct;
    return QStringList { QStringLiteral("runuser"), QStringLiteral("-u"), request.runAsUser, QStringLiteral("--") }
    + direct;
}

ProcessResult runProcess(const ProcessRequest &request)
{
    QStringList arguments = commandLine(request);
    const QString program = arguments.takeFirst();

    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (request.input.isEmpty())
        process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, arguments);
    ProcessResult result;
    if (!process.waitForStarted(10000))
        return result;
    result.started = true;
    if (!request.input.isEmpty()) {
        process.write(request.input);
        process.closeWriteChannel();
    }
    if (!process.waitForFinished(request.timeoutMs)) {
        process.kill();
        process.waitForFinished(2000);
    }
    result.output = QString::fromLocal8Bit(process.readAll());
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return result;
}

} // namespace salvage
