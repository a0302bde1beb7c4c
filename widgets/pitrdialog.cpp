#include "pitrdialog.h"

#include "pitrform.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace salvage {

PitrDialog::PitrDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("BACKUP as of an instant"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 80); // paths are long; scales with the font
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Replays a base backup and its WAL archive up to a target, in a scratch cluster "
                                "Salvage manages, and connects BACKUP to it. Your backups are only read."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_form = new PitrForm(this);
    layout->addWidget(m_form);

    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_problem);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Recover"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_form, &PitrForm::changed, this, &PitrDialog::validate);
    validate();
}

void PitrDialog::setSource(const PitrSourceSpec &source)
{
    m_form->setSource(source);
}

void PitrDialog::setTargetTime(const QDateTime &instant)
{
    m_form->setTargetTime(instant);
}

void PitrDialog::setTargetJustBefore(const QDateTime &event)
{
    m_form->setTargetJustBefore(event);
}

double PitrDialog::marginSeconds() const
{
    return m_form->marginSeconds();
}

PitrSourceSpec PitrDialog::source() const
{
    return m_form->source();
}

PitrTarget PitrDialog::target() const
{
    return m_form->target();
}

QString PitrDialog::database() const
{
    return m_form->database();
}

void PitrDialog::validate()
{
    const QString problem = m_form->problem();
    m_problem->setText(problem);
    m_ok->setEnabled(problem.isEmpty());
}

} // namespace salvage
