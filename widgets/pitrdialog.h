#pragma once

#include "backup/pitrsource.h"
#include "backup/pitrtarget.h"

#include <QDateTime>
#include <QDialog>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QStackedWidget;

namespace salvage {

/// Asks where BACKUP as of an instant comes from (a base backup and WAL archive, or a pgBackRest
/// stanza) and to what target (an instant in UTC, a transaction, a WAL position or a restore
/// point). Checks only the form; the source itself is checked by the recovery job, off the GUI thread.
class PitrDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PitrDialog(QWidget *parent = nullptr);

    void setSource(const PitrSourceSpec &source);
    /// Prefills the target with an instant (e.g. an event's time minus a margin).
    void setTargetTime(const QDateTime &instant);

    PitrSourceSpec source() const;
    /// Throws salvage::Error when the target does not parse; the OK button is only enabled when it does.
    PitrTarget target() const;
    QString database() const;

private:
    void validate();

    QRadioButton *m_fromDirectory = nullptr;
    QRadioButton *m_fromPgBackRest = nullptr;
    QStackedWidget *m_sourcePages = nullptr;
    QLineEdit *m_base = nullptr;
    QLineEdit *m_wal = nullptr;
    QLineEdit *m_stanza = nullptr;
    QLineEdit *m_repo = nullptr;
    QComboBox *m_targetKind = nullptr;
    QStackedWidget *m_targetPages = nullptr;
    QDateTimeEdit *m_time = nullptr;
    QLineEdit *m_targetText = nullptr;
    QLineEdit *m_database = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace salvage
