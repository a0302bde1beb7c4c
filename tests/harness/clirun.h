#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStringList>

namespace salvage::test {

/// What a salvage-cli run gave back.
struct CliRun
{
    int exitCode;
    QByteArray out;
    QByteArray err;
};

/// Runs the real salvage-cli (SALVAGE_CLI, defined for every test) with no display, as scripts do.
inline CliRun runCli(const QStringList &arguments, int timeoutMs = 60000)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("DISPLAY"));
    environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(SALVAGE_CLI), arguments);
    process.waitForFinished(timeoutMs);
    return { process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError() };
}

} // namespace salvage::test
