#include "passwordstore.h"

#include <qt6keychain/keychain.h>

namespace salvage {

namespace {
const QString kService = QStringLiteral("salvage");
}

PasswordStore::PasswordStore(QObject *parent)
    : QObject(parent)
{
}

bool PasswordStore::isAvailable()
{
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

void PasswordStore::read(const QString &key, std::function<void(const QString &)> done)
{
    if (!isAvailable()) {
        done(QString());
        return;
    }
    auto *job = new QKeychain::ReadPasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this,
        [job, done = std::move(done)]() { done(job->error() == QKeychain::NoError ? job->textData() : QString()); });
    job->start();
}

void PasswordStore::write(const QString &key, const QString &password)
{
    if (!isAvailable())
        return;
    auto *job = new QKeychain::WritePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(password);
    job->start();
}

void PasswordStore::remove(const QString &key)
{
    if (!isAvailable())
        return;
    auto *job = new QKeychain::DeletePasswordJob(kService, this);
    job->setAutoDelete(true);
    job->setKey(key);
    job->start();
}

} // namespace salvage
