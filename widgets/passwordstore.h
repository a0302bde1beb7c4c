#pragma once

#include <QObject>
#include <functional>

namespace salvage {

/// Passwords typed by the operator, kept in the system keychain (QtKeychain: Secret Service,
/// KWallet) and nowhere else. Asynchronous; never falls back to a plain-text file.
class PasswordStore : public QObject
{
    Q_OBJECT
public:
    explicit PasswordStore(QObject *parent = nullptr);

    /// False where no keychain can be reached (no session bus, as in CI or over SSH).
    static bool isAvailable();

    /// `done` receives the password, or an empty string when none is stored or on any error.
    void read(const QString &key, std::function<void(const QString &password)> done);
    void write(const QString &key, const QString &password);
    void remove(const QString &key);
};

} // namespace salvage
