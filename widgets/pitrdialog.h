#pragma once

#include "backup/pitrsource.h"
#include "backup/pitrtarget.h"

#include <QDateTime>
#include <QDialog>

class QLabel;
class QPushButton;

namespace salvage {

class PitrForm;

/// Asks where BACKUP as of an instant comes from and to what target (the fields are PitrForm's,
/// shared with the Connect dialog). Recover is enabled only when the form parses.
class PitrDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PitrDialog(QWidget *parent = nullptr);

    PitrForm *form() const { return m_form; }
    void setSource(const PitrSourceSpec &source);
    void setTargetTime(const QDateTime &instant);
    void setTargetJustBefore(const QDateTime &event);
    double marginSeconds() const;

    PitrSourceSpec source() const;
    /// Throws salvage::Error when the target does not parse; the OK button is only enabled when it does.
    PitrTarget target() const;
    QString database() const;

private:
    void validate();

    PitrForm *m_form = nullptr;
    QLabel *m_problem = nullptr;
    QPushButton *m_ok = nullptr;
};

} // namespace salvage
