#pragma once

#include "backup/pitrsource.h"
#include "backup/pitrtarget.h"

#include <QDateTime>
#include <QTimeZone>
#include <QWidget>

class QComboBox;
class QDoubleSpinBox;
class QDateTimeEdit;
class QLineEdit;
class QRadioButton;
class QStackedWidget;

namespace salvage {

/// The fields of BACKUP as of an instant: where it comes from (a base backup and WAL archive, a
/// pgBackRest stanza or a Barman server) and to what target (a date-time in a chosen zone, a
/// transaction, a WAL position or a restore point). Shared by PitrDialog and the Connect dialog;
/// checks only the form, the source itself is checked by the recovery job off the GUI thread.
class PitrForm : public QWidget
{
    Q_OBJECT
public:
    explicit PitrForm(QWidget *parent = nullptr);

    void setSource(const PitrSourceSpec &source);
    /// Prefills the target with an instant (shown in the zone chosen).
    void setTargetTime(const QDateTime &instant);
    /// "As of just before this event": the target is the event's instant minus a margin the
    /// operator chooses (shown only then; 1 s unless changed).
    void setTargetJustBefore(const QDateTime &event);
    double marginSeconds() const;
    /// The zone the date-time is read in (UTC unless chosen).
    void setTimeZone(const QTimeZone &zone);

    PitrSourceSpec source() const;
    /// Throws salvage::Error when the target does not parse.
    PitrTarget target() const;
    QString database() const;
    /// Why the form cannot be used yet, in one sentence; empty when it can.
    QString problem() const;

Q_SIGNALS:
    void changed();

private:
    QDateTime chosenInstant() const;

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
    QDateTimeEdit *m_time = nullptr; ///< the wall-clock time in m_shownZone (held as a UTC-spec value)
    QComboBox *m_zone = nullptr;
    QTimeZone m_shownZone = QTimeZone::utc();
    QLineEdit *m_targetText = nullptr;
    QLineEdit *m_database = nullptr;
    QWidget *m_marginRow = nullptr;
    QDoubleSpinBox *m_margin = nullptr;
    QDateTime m_event; ///< valid when the target is "just before" it
};

} // namespace salvage
