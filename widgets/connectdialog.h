#pragma once

#include "db/connectionprofile.h"

#include <QDialog>
#include <QFutureWatcher>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTabWidget;

namespace salvage {

class PitrForm;

/// Asks for one side's connection: a libpq conninfo, URI or service name, an optional password
/// (to the keychain if the operator wants), recent connections, and a "Test connection" that
/// runs off the GUI thread. For BACKUP a second tab offers BACKUP as of an instant (a base backup
/// and WAL archive, pgBackRest or Barman, and a target): Recover then hands the form to the same
/// recovery job as the menu's "BACKUP as of an instant".
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

    /// BACKUP only (else null): the PITR tab's fields.
    PitrForm *pitrForm() const { return m_pitr; }
    /// True when the operator chose to recover BACKUP as of an instant (the PITR tab) rather than connect.
    bool recoversAsOfInstant() const;
    void showPitrTab();

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
    QTabWidget *m_tabs = nullptr;
    PitrForm *m_pitr = nullptr;
    QFutureWatcher<QPair<bool, QString>> m_test;
};

} // namespace salvage
