#pragma once

#include "backup/pitrsource.h"
#include "backup/pitrtarget.h"

#include <QDateTime>
#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QStackedWidget;

namespace salvage {

/// Asks where BACKUP as of an instant comes from (a base backup and WAL archive, a pgBackRest
/// stanza or a Barman server) and to what target (an instant in UTC, a transaction, a WAL position or a restore
/// point). Checks only the form; the source itself is checked by the recovery job, off the GUI thread.
class PitrDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PitrDialog(QWidget *parent = nullptr);

    void setSource(const PitrSourceSpec &source);
    /// Prefills the target with an instant.
    void setTargetTime(const QDateTime &instant);
    /// "As of just before this event": the target is the event's instant minus a margin the
    /// operator chooses (shown only then; 1 s unless changed).
    void setTargetJustBefore(const QDateTime &event);
    double marginSeconds() const;

    PitrSourceSpec source() const;
    /// Throws salvage::Error when the target does not parse; the OK button is only enabled when it does.
    PitrTarget target() const;
    QString database() const;

private:
    void validate();

    QRadioButton *m_fromDirectory = nullptr;
    QRadioButton *m_fromPgBackRest = nullptr;
    QRadioButton *m_fromBarman = nullptr;
    QStackedWidget *m_sourcePages = nullptr;
    QLineEdit *m_base = nullptr;
    QLineEdit *m_wal = nullptr;
    QLineEdit *m_stanza = nullptr;
    QLineEdit *m_repo = nullptr;
    QLineEdit *m_barmanServer = nullptr;
    QLineEdit *m_barmanConfig = nullptr;
    QComboBox *m_targetKind = nullptr;
    QStackedWidget *m_targetPages = nullptr;
    QDateTimeEdit *m_time = nullptr;
    QLineEdit *m_targetText = nullptr;
    QLineEdit *m_database = nullptr;
    QWidget *m_marginRow = nullptr;
    QDoubleSpinBox *m_margin = nullptr;
    QDateTime m_event; ///< valid when the target is "just before" it
    QLabel *m_problem = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace salvage
