#include "process.h"

#include "core/error.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace salvage {

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

namespace {

/// What the child needs to become `user`, read in the parent: the child may only make system calls.
struct Account
{
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    QString home;
    QString shell;
};

Account accountOf(const QString &user)
{
    const QByteArray name = user.toLocal8Bit();
    std::vector<char> buffer(16384);
    passwd entry {};
    passwd *found = nullptr;
    if (::getpwnam_r(name.constData(), &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
        throw Error(QStringLiteral("There is no user \"%1\" to run PostgreSQL's programs as.").arg(user));
    Account account;
    account.uid = found->pw_uid;
    account.gid = found->pw_gid;
    account.home = QString::fromLocal8Bit(found->pw_dir);
    account.shell = QString::fromLocal8Bit(found->pw_shell);
    int count = 64;
    account.groups.resize(count);
    if (::getgrouplist(name.constData(), account.gid, account.groups.data(), &count) < 0) {
        account.groups.resize(count); // count now says how many there are
        ::getgrouplist(name.constData(), account.gid, account.groups.data(), &count);
    }
    account.groups.resize(count);
    return account;
}

} // namespace

uint userId(const QString &user)
{
    return accountOf(user).uid;
}

void prepareProcess(QProcess &process, const ProcessRequest &request)
{
    process.setProgram(request.program);
    process.setArguments(request.arguments);
    if (request.runAsUser.isEmpty() || !runningAsRoot())
        return;
    const Account account = accountOf(request.runAsUser);
    // The environment runuser -u gives: ours, with the user's HOME, SHELL, USER and LOGNAME.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), account.home);
    environment.insert(QStringLiteral("SHELL"), account.shell);
    environment.insert(QStringLiteral("USER"), request.runAsUser);
    environment.insert(QStringLiteral("LOGNAME"), request.runAsUser);
    process.setProcessEnvironment(environment);
    // Groups first, then the group, then the user (after which the others are not ours to set).
    process.setChildProcessModifier([account] {
        if (::setgroups(account.groups.size(), account.groups.data()) != 0 || ::setgid(account.gid) != 0
            || ::setuid(account.uid) != 0)
            ::_exit(126);
    });
}

ProcessResult runProcess(const ProcessRequest &request)
{
    QProcess process;
    prepareProcess(process, request);
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (request.input.isEmpty())
        process.setStandardInputFile(QProcess::nullDevice());
    process.start();
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
