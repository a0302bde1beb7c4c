#include "connectdialog.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "passwordstore.h"
#include "pitrform.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace salvage {

ConnectDialog::ConnectDialog(Side side, const QList<ConnectionProfile> &recent, QWidget *parent)
    : QDialog(parent)
    , m_side(side)
{
    setWindowTitle(tr("Connect the %1 database").arg(sideName(side)));
    setMinimumWidth(560);

    m_recent = new QComboBox(this);
    m_recent->addItem(tr("(new connection)"));
    for (const ConnectionProfile &profile : recent)
        m_recent->addItem(profile.displayName(), QVariant::fromValue(profile.toJson()));
    m_recent->setEnabled(!recent.isEmpty());

    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(
        side == Side::Live ? tr("e.g. production primary") : tr("e.g. nightly backup, restored"));
    m_conninfo = new QLineEdit(this);
    m_conninfo->setPlaceholderText(tr("host=db1 dbname=mastodon user=salvage   or   postgresql://…   or   service=…"));
    m_conninfo->setToolTip(tr("Any libpq connection string or URI. ~/.pgpass, PG* environment variables, "
                              "service files and sslmode apply as in psql."));
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("leave empty to use ~/.pgpass, the keychain or no password"));
    m_remember = new QCheckBox(tr("Remember in the system keychain"), this);
    m_remember->setEnabled(PasswordStore::isAvailable());
    if (!PasswordStore::isAvailable())
        m_remember->setToolTip(
            tr("No keychain is reachable in this session; the password is used once and forgotten."));

    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_testButton = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    m_connectButton = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connectButton->setDefault(true);

    auto *serverPage = new QWidget(this);
    auto *form = new QFormLayout(serverPage);
    form->addRow(tr("Recent:"), m_recent);
    form->addRow(tr("Name:"), m_name);
    form->addRow(tr("Connection:"), m_conninfo);
    form->addRow(tr("Password:"), m_password);
    form->addRow(QString(), m_remember);
    auto *layout = new QVBoxLayout(this);
    if (side == Side::Backup) {
        setMinimumWidth(std::max(560, fontMetrics().averageCharWidth() * 80)); // paths are long
        m_tabs = new QTabWidget(this);
        m_tabs->addTab(serverPage, tr("&Server or restored copy"));
        m_pitr = new PitrForm(m_tabs);
        m_pitr->setContentsMargins(6, 6, 6, 6);
        m_tabs->addTab(m_pitr, tr("As of an &instant (WAL archive, pgBackRest, Barman)"));
        layout->addWidget(m_tabs);
        connect(m_tabs, &QTabWidget::currentChanged, this, &ConnectDialog::validate);
        connect(m_pitr, &PitrForm::changed, this, &ConnectDialog::validate);
    } else {
        form->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(serverPage);
    }
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectDialog::testConnection);
    connect(m_conninfo, &QLineEdit::textChanged, this, &ConnectDialog::validate);
    connect(m_recent, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index > 0)
            setProfile(ConnectionProfile::fromJson(m_recent->itemData(index).toJsonObject()));
    });
    connect(&m_test, &QFutureWatcher<QPair<bool, QString>>::finished, this, [this]() {
        const auto [ok, message] = m_test.result();
        m_testButton->setEnabled(true);
        m_status->setText(message);
        m_status->setStyleSheet(ok ? QString() : QStringLiteral("color: palette(link);"));
        Q_EMIT testFinished(ok, message);
    });
    validate();
}

ConnectDialog::~ConnectDialog()
{
    // A test still running finishes on the thread pool; its result is simply not shown.
    disconnect(&m_test, nullptr, this, nullptr);
}

void ConnectDialog::setProfile(const ConnectionProfile &profile)
{
    m_name->setText(profile.name);
    m_conninfo->setText(profile.conninfo);
}

ConnectionProfile ConnectDialog::profile() const
{
    return { m_name->text().trimmed(), m_conninfo->text().trimmed() };
}

QString ConnectDialog::password() const
{
    return m_password->text();
}

bool ConnectDialog::rememberPassword() const
{
    return m_remember->isChecked() && !m_password->text().isEmpty();
}

QString ConnectDialog::testResult() const
{
    return m_status->text();
}

bool ConnectDialog::recoversAsOfInstant() const
{
    return m_tabs && m_tabs->currentWidget() == m_pitr;
}

void ConnectDialog::showPitrTab()
{
    if (m_tabs)
        m_tabs->setCurrentWidget(m_pitr);
}

void ConnectDialog::validate()
{
    m_status->setStyleSheet(QString());
    if (recoversAsOfInstant()) {
        const QString problem = m_pitr->problem();
        m_connectButton->setText(tr("&Recover"));
        m_connectButton->setEnabled(problem.isEmpty());
        m_testButton->hide(); // the recovered cluster does not exist yet
        m_status->setText(problem.isEmpty() ? tr("Will replay the backup to %1 in a scratch cluster Salvage manages "
                                                 "and connect BACKUP to it. Your backups are only read.")
                                                  .arg(m_pitr->target().describe())
                                            : problem);
        return;
    }
    m_connectButton->setText(tr("&Connect"));
    m_testButton->show();
    const QString error = profile().validationError();
    const bool empty = m_conninfo->text().trimmed().isEmpty();
    m_connectButton->setEnabled(!empty && error.isEmpty());
    m_testButton->setEnabled(!empty && error.isEmpty() && !m_test.isRunning());
    m_status->setText(empty   ? QString()
            : error.isEmpty() ? tr("Will connect to %1.").arg(profile().summary())
                              : tr("Not a valid connection string: %1").arg(error));
}

void ConnectDialog::testConnection()
{
    if (m_test.isRunning())
        return;
    m_testButton->setEnabled(false);
    m_status->setText(tr("Testing %1…").arg(profile().summary()));
    const ConnectionProfile candidate = profile();
    const QString typed = password();
    const QString label = sideName(m_side);
    m_test.setFuture(QtConcurrent::run([candidate, typed, label]() -> QPair<bool, QString> {
        try {
            PgSession session(candidate, typed, PgSession::Options { true, label, 10 });
            const pqxx::result database = session.exec(QStringLiteral("SELECT current_database(), current_user"));
            return { true,
                QObject::tr("Connected to PostgreSQL %1, database \"%2\" as %3; the session is read-only.")
                    .arg(session.serverVersion(), QString::fromUtf8(database[0][0].c_str()),
                        QString::fromUtf8(database[0][1].c_str())) };
        } catch (const std::exception &error) {
            return { false, QString::fromUtf8(error.what()) };
        }
    }));
}

} // namespace salvage
