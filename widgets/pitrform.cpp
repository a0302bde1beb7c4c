#include "pitrform.h"

#include "core/error.h"

#include <QComboBox>
#include <QDateTimeEdit>
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

/// UTC first, then this machine's zone, then every zone by name.
void fillZones(QComboBox *zones)
{
    zones->addItem(QStringLiteral("UTC"), QByteArray("UTC"));
    const QByteArray local = QTimeZone::systemTimeZoneId();
    if (!local.isEmpty() && local != "UTC" && local != "Etc/UTC")
        zones->addItem(QObject::tr("%1 (this machine)").arg(QString::fromUtf8(local)), local);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        if (id != "UTC")
            zones->addItem(QString::fromUtf8(id), id);
}

} // namespace

PitrForm::PitrForm(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
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
    m_base->setObjectName(QStringLiteral("baseBackup"));
    m_base->setPlaceholderText(tr("pg_basebackup's directory, or its base.tar"));
    m_wal = new QLineEdit(directoryPage);
    m_wal->setObjectName(QStringLiteral("walArchive"));
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
    m_targetKind->addItems({ tr("Instant"), tr("Transaction id"), tr("WAL position (LSN)"), tr("Restore point") });
    targetForm->addRow(tr("Recover to:"), m_targetKind);
    m_targetPages = new QStackedWidget(this);
    auto *timeRow = new QWidget(m_targetPages);
    auto *timeLayout = new QHBoxLayout(timeRow);
    timeLayout->setContentsMargins(0, 0, 0, 0);
    m_time = new QDateTimeEdit(timeRow);
    m_time->setObjectName(QStringLiteral("targetTime"));
    // A wall-clock value shown in UTC; m_zone says where. Qt 6.7 replaced setTimeSpec (deprecated in
    // Debian 13's Qt 6.8, absent before 6.7 in Debian 12's Qt 6.4).
#if QT_VERSION >= QT_VERSION_CHECK(6, 7, 0)
    m_time->setTimeZone(QTimeZone::utc());
#else
    m_time->setTimeSpec(Qt::UTC);
#endif
    m_time->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    m_time->setCalendarPopup(true);
    m_time->setDateTime(QDateTime::currentDateTimeUtc());
    m_zone = new QComboBox(timeRow);
    m_zone->setObjectName(QStringLiteral("zone"));
    m_zone->setToolTip(tr("The zone the date and time are in. Changing it keeps the same instant."));
    m_zone->setMaxVisibleItems(20);
    fillZones(m_zone);
    timeLayout->addWidget(m_time, 1);
    timeLayout->addWidget(m_zone);
    m_targetText = new QLineEdit(m_targetPages);
    m_targetPages->addWidget(timeRow);
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

    for (QRadioButton *choice : { m_fromDirectory, m_fromPgBackRest, m_fromBarman })
        connect(choice, &QRadioButton::toggled, this, [this]() {
            m_sourcePages->setCurrentIndex(m_fromBarman->isChecked() ? 2 : m_fromPgBackRest->isChecked() ? 1 : 0);
            Q_EMIT changed();
        });
    connect(m_targetKind, &QComboBox::currentIndexChanged, this, [this](int kind) {
        m_targetPages->setCurrentIndex(kind == Time ? 0 : 1);
        Q_EMIT changed();
    });
    for (QLineEdit *edit :
        { m_base, m_wal, m_stanza, m_repo, m_barmanServer, m_barmanConfig, m_targetText, m_database })
        connect(edit, &QLineEdit::textChanged, this, &PitrForm::changed);
    connect(m_time, &QDateTimeEdit::dateTimeChanged, this, &PitrForm::changed);
    connect(m_zone, &QComboBox::currentIndexChanged, this, [this]() {
        // The same instant, now told in the chosen zone.
        const QDateTime instant = chosenInstant();
        m_shownZone = QTimeZone(m_zone->currentData().toByteArray());
        setTargetTime(instant);
    });
    connect(m_margin, &QDoubleSpinBox::valueChanged, this, [this](double seconds) {
        if (m_event.isValid())
            setTargetTime(m_event.addMSecs(-qRound64(seconds * 1000)));
    });
}

void PitrForm::setSource(const PitrSourceSpec &source)
{
    (source.isBarman() ? m_fromBarman : source.isPgBackRest() ? m_fromPgBackRest : m_fromDirectory)->setChecked(true);
    m_base->setText(source.baseBackup);
    m_wal->setText(source.walArchive);
    m_stanza->setText(source.pgBackRestStanza);
    m_repo->setText(source.pgBackRestRepo);
    m_barmanServer->setText(source.barmanServer);
    m_barmanConfig->setText(source.barmanConfig);
}

void PitrForm::setTargetTime(const QDateTime &instant)
{
    m_targetKind->setCurrentIndex(Time);
    const QDateTime wall = instant.toTimeZone(m_shownZone);
    m_time->setDateTime(QDateTime(wall.date(), wall.time(), QTimeZone::utc()));
}

void PitrForm::setTargetJustBefore(const QDateTime &event)
{
    m_event = event.toUTC();
    m_marginRow->setToolTip(
        tr("The event is at %1 UTC.").arg(m_event.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))));
    m_marginRow->show();
    setTargetTime(m_event.addMSecs(-qRound64(m_margin->value() * 1000)));
}

double PitrForm::marginSeconds() const
{
    return m_margin->value();
}

void PitrForm::setTimeZone(const QTimeZone &zone)
{
    const int index = m_zone->findData(zone.id());
    if (index >= 0)
        m_zone->setCurrentIndex(index);
}

QDateTime PitrForm::chosenInstant() const
{
    const QDateTime wall = m_time->dateTime();
    return QDateTime(wall.date(), wall.time(), m_shownZone);
}

PitrSourceSpec PitrForm::source() const
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

PitrTarget PitrForm::target() const
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
        return PitrTarget::time(chosenInstant().toUTC().toString(Qt::ISODateWithMs));
    }
}

QString PitrForm::database() const
{
    return m_database->text().trimmed();
}

QString PitrForm::problem() const
{
    const PitrSourceSpec spec = source();
    if (m_fromPgBackRest->isChecked() && !spec.isPgBackRest())
        return tr("Name the pgBackRest stanza.");
    if (m_fromBarman->isChecked() && !spec.isBarman())
        return tr("Name the Barman server.");
    if (m_fromDirectory->isChecked() && (spec.baseBackup.isEmpty() || spec.walArchive.isEmpty()))
        return tr("Name the base backup and the WAL archive.");
    if (m_targetKind->currentIndex() == Time && !chosenInstant().isValid())
        return tr("%1 does not exist in %2 (the clocks skip it).")
            .arg(m_time->dateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                QString::fromUtf8(m_shownZone.id()));
    try {
        target();
    } catch (const Error &error) {
        return QString::fromUtf8(error.what());
    }
    return {};
}

} // namespace salvage
