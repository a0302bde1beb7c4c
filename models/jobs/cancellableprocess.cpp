#include "cancellableprocess.h"

#include "core/error.h"
#include "core/process.h"
#include "jobs/jobcontrol.h"

#include <QProcess>

namespace salvage {

void waitCancellable(QProcess &process, JobControl &control, const std::function<void()> &onPoll)
{
    while (!process.waitForFinished(100)) {
        if (process.state() == QProcess::NotRunning)
            break;
        if (onPoll)
            onPoll();
        if (control.isCancelled()) {
            process.kill();
            process.waitForFinished(5000);
            throw Cancelled();
        }
    }
    if (onPoll)
        onPoll();
}

void runCancellable(const ProcessRequest &request, JobControl &control, const QString &what)
{
    QProcess process;
    prepareProcess(process, request);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    if (!process.waitForStarted(10000))
        throw Error(QStringLiteral("Cannot start %1 to %2.").arg(request.program, what));
    waitCancellable(process, control);
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        throw Error(QStringLiteral("Could not %1: %2").arg(what, QString::fromLocal8Bit(process.readAll()).trimmed()));
}

} // namespace salvage
