#include "pitrdialog.h"

#include "core/error.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStackedWidget>
#include <QTimeZone>
#include <QVBoxLayout>

namespace salvage {

namespace {

enum TargetKind { Time, Xid, Lsn, Name };

QWidget *pathRow(QLineEdit *edit, QWidget *parent, const std::function<QString()> &browse)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *button = new QPushButton(QObject::tr("Browse…"), row);
    QObject::connect(button, &QPushButton::clicked, row, [edit, browse]() {
        const QString chosen = browse();
        if (!chosen.isEmpty())
            edit->setText(chosen);
    });
    layout->addWidget(button);
    return row;
}

} // namespace

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

    m_fromDirectory = new QRadioButton(tr("Base backup and WAL archive directory"), this);
    m_fromPgBackRest = new QRadioButton(tr("pgBackRest stanza"), this);
    m_fromBarman = new QRadioButton(tr("Barman server (on this machine)"), this);
    m_fromDirectory->setChecked(true);
    layout->addWidget(m_fromDirectory);
    layout->addWidget(m_fromPgBackRest);
    layout->addWidget(m_fromBarman);

    m_sourcePages = new QStackedWidget(this);
    auto *directoryPage = new QWidget(m_sourcePages);
    auto *directoryForm = new QFormLayout(directoryPage);
    m_base = new QLineEdit(directoryPage);
    m_base->setPlaceholderText(tr("pg_basebackup's directory, or its base.tar"));
    m_wal = new QLineEdit(directoryPage);
    m_wal->setPlaceholderText(tr("the directory archive_command copies into"));
    directoryForm->addRow(tr("Base backup:"), pathRow(m_base, directoryPage, [this]() {
        return QFileDialog::getExistingDirectory(this, tr("Base backup directory"));
    }));
    directoryForm->addRow(tr("WAL archive:"), pathRow(m_wal, directoryPage, [this]() {
        return QFileDialog::getExistingDirectory(this, tr("WAL archive directory"));
    }));
    m_sourcePages->addWidget(directoryPage);
    auto *pgBackRestPage = new QWidget(m_sourcePages);
    auto *pgBackRestForm = new QFormLayout(pgBackRestPage);
    m_stanza = new QLineEdit(pgBackRestPage);
    m_repo = new QLineEdit(pgBackRestPage);
    m_repo->setPlaceholderText(tr("empty: the repository pgBackRest's configuration names"));
    pgBackRestForm->addRow(tr("Stanza:"), m_stanza);
    pgBackRestForm->addRow(tr("Repository:"), pathRow(m_repo, pgBackRestPage, [this]() {
        return QFileDialog::getExistingDirectory(this, tr("pgBackRest repository"));
    }));
    m_sourcePages->addWidget(pgBackRestPage);
    auto *barmanPage = new QWidget(m_sourcePages);
    auto *barmanForm = new QFormLayout(barmanPage);
    m_barmanServer = new QLineEdit(barmanPage);
    m_barmanConfig = new QLineEdit(barmanPage);
    m_barmanConfig->setPlaceholderText(tr("empty: Barman's own (/etc/barman.conf)"));
    barmanForm->addRow(tr("Server:"), m_barmanServer);
    barmanForm->addRow(tr("Configuration:"), pathRow(m_barmanConfig, barmanPage, [this]() {
        return QFileDialog::getOpenFileName(this, tr("Barman configuration file"));
    }));
    m_sourcePages->addWidget(barmanPage);
    layout->addWidget(m_sourcePages);

    auto *targetForm = new QFormLayout;
    m_targetKind = new QComboBox(this);
    m_targetKind->addItems(
        { tr("Instant (UTC)"), tr("Transaction id"), tr("WAL position (LSN)"), tr("Restore point") });
    targetForm->addRow(tr("Recover to:"), m_targetKind);
    m_targetPages = new QStackedWidget(this);
    m_time = new QDateTimeEdit(m_targetPages);
#if QT_VERSION >= QT_VERSION_CHECK(6, 7, 0)
    m_time->setTimeZone(QTimeZone::utc());
#else
    m_time->setTimeSpec(Qt::UTC);
#endif
    m_time->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz 'UTC'"));
    m_time->setCalendarPopup(true);
    m_time->setDateTime(QDateTime::currentDateTimeUtc());
    m_targetText = new QLineEdit(m_targetPages);
    m_targetPages->addWidget(m_time);
    m_targetPages->addWidget(m_targetText);
    targetForm->addRow(QString(), m_targetPages);
    m_marginRow = new QWidget(this);
    auto *marginLayout = new QHBoxLayout(m_marginRow);
    marginLayout->setContentsMargins(0, 0, 0, 0);
    m_margin = new QDoubleSpinBox(m_marginRow);
    m_margin->setObjectName(QStringLiteral("margin"));
    m_margin->setRange(0.001, 86400);
    m_margin->setDecimals(3);
    m_margin->setSuffix(tr(" s"));
    m_margin->setValue(1.0);
    marginLayout->addWidget(m_margin);
    marginLayout->addWidget(new QLabel(tr("before the event"), m_marginRow), 1);
    m_marginRow->hide();
    targetForm->addRow(QString(), m_marginRow);
    m_database = new QLineEdit(this);
    m_database->setPlaceholderText(tr("empty: the one database the backup holds"));
    targetForm->addRow(tr("Database:"), m_database);
    layout->addLayout(targetForm);

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

    for (QRadioButton *choice : { m_fromDirectory, m_fromPgBackRest, m_fromBarman })
        connect(choice, &QRadioButton::toggled, this, [this]() {
            m_sourcePages->setCurrentIndex(m_fromBarman->isChecked() ? 2 : m_fromPgBackRest->isChecked() ? 1 : 0);
            validate();
        });
    connect(m_targetKind, &QComboBox::currentIndexChanged, this, [this](int kind) {
        m_targetPages->setCurrentIndex(kind == Time ? 0 : 1);
        validate();
    });
    for (QLineEdit *edit :
        { m_base, m_wal, m_stanza, m_repo, m_barmanServer, m_barmanConfig, m_targetText, m_database })
        connect(edit, &QLineEdit::textChanged, this, &PitrDialog::validate);
    connect(m_time, &QDateTimeEdit::dateTimeChanged, this, &PitrDialog::validate);
    connect(m_margin, &QDoubleSpinBox::valueChanged, this, [this](double seconds) {
        if (m_event.isValid())
            setTargetTime(m_event.addMSecs(-qRound64(seconds * 1000)));
    });
    validate();
}

void PitrDialog::setSource(const PitrSourceSpec &source)
{
    (source.isBarman() ? m_fromBarman : source.isPgBackRest() ? m_fromPgBackRest : m_fromDirectory)->setChecked(true);
    m_base->setText(source.baseBackup);
    m_wal->setText(source.walArchive);
    m_stanza->setText(source.pgBackRestStanza);
    m_repo->setText(source.pgBackRestRepo);
    m_barmanServer->setText(source.barmanServer);
    m_barmanConfig->setText(source.barmanConfig);
}

void PitrDialog::setTargetTime(const QDateTime &instant)
{
    m_targetKind->setCurrentIndex(Time);
    m_time->setDateTime(instant.toUTC());
}

void PitrDialog::setTargetJustBefore(const QDateTime &event)
{
    m_event = event.toUTC();
    m_marginRow->setToolTip(
        tr("The event is at %1 UTC.").arg(m_event.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))));
    m_marginRow->show();
    setTargetTime(m_event.addMSecs(-qRound64(m_margin->value() * 1000)));
}

double PitrDialog::marginSeconds() const
{
    return m_margin->value();
}

PitrSourceSpec PitrDialog::source() const
{
    PitrSourceSpec spec;
    if (m_fromPgBackRest->isChecked()) {
        spec.pgBackRestStanza = m_stanza->text().trimmed();
        spec.pgBackRestRepo = m_repo->text().trimmed();
    } else if (m_fromBarman->isChecked()) {
        spec.barmanServer = m_barmanServer->text().trimmed();
        spec.barmanConfig = m_barmanConfig->text().trimmed();
    } else {
        spec.baseBackup = m_base->text().trimmed();
        spec.walArchive = m_wal->text().trimmed();
    }
    return spec;
}

PitrTarget PitrDialog::target() const
{
    const QString text = m_targetText->text().trimmed();
    switch (m_targetKind->currentIndex()) {
    case Xid:
        return PitrTarget::xid(text);
    case Lsn:
        return PitrTarget::lsn(text);
    case Name:
        return PitrTarget::name(text);
    default:
        return PitrTarget::time(m_time->dateTime().toUTC().toString(Qt::ISODateWithMs));
    }
}

QString PitrDialog::database() const
{
    return m_database->text().trimmed();
}

void PitrDialog::validate()
{
    QString problem;
    const PitrSourceSpec spec = source();
    if (m_fromPgBackRest->isChecked() && !spec.isPgBackRest())
        problem = tr("Name the pgBackRest stanza.");
    else if (m_fromBarman->isChecked() && !spec.isBarman())
        problem = tr("Name the Barman server.");
    else if (m_fromDirectory->isChecked() && (spec.baseBackup.isEmpty() || spec.walArchive.isEmpty()))
        problem = tr("Name the base backup and the WAL archive.");
    if (problem.isEmpty()) {
        try {
            target();
        } catch (const Error &error) {
            problem = QString::fromUtf8(error.what());
        }
    }
    m_problem->setText(problem);
    m_ok->setEnabled(problem.isEmpty());
}

} // namespace salvage
