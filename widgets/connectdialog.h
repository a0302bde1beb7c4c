#pragma once

#include "db/connectionprofile.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace salvage {

/// Asks for one side's connection: a libpq conninfo, URI or service name, an optional password
/// (to the keychain if the operator wants), recent connections, and a "Test connection" that
/// runs off the GUI thread.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    ConnectDialog(Side side, const QList<ConnectionProfile> &recent, QWidget *parent = nullptr);
    ~ConnectDialog() override;

    void setProfile(const ConnectionProfile &profile);
    ConnectionProfile profile() const;
    QString password() const;
    bool rememberPassword() const;

    /// Starts the same check as the button; the result shows in the status line.
    void testConnection();
    QString testResult() const;

Q_SIGNALS:
    void testFinished(bool ok, const QString &message);

private:
    void validate();

    Side m_side;
    QComboBox *m_recent = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_conninfo = nullptr;
    QLineEdit *m_password = nullptr;
    QCheckBox *m_remember = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_testButton = nullptr;
    QPushButton *m_connectButton = nullptr;
    QFutureWatcher<QPair<bool, QString>> m_test;
};

} // namespace salvage
