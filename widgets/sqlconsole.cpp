#include "sqlconsole.h"

#include "db/connection.h"
#include "db/queryresultmodel.h"
#include "db/queryrunner.h"
#include "sqleditor.h"
#include "statecolours.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace salvage {

SqlConsole::SqlConsole(Connection *live, Connection *backup, QWidget *parent)
    : QWidget(parent)
    , m_live(live)
    , m_backup(backup)
    , m_model(new QueryResultModel(this))
{
    m_side = new QComboBox(this);
    m_side->setObjectName(QStringLiteral("consoleSide"));
    m_side->addItem(tr("Choose a side…"));
    m_side->addItem(tr("on LIVE (read-only)"), int(Side::Live));
    m_side->addItem(tr("on BACKUP"), int(Side::Backup));
    m_side->setToolTip(tr("The database the statement runs on; follows the side last chosen in the window"));
    m_sideBadge = new QLabel(this);
    m_sideBadge->setObjectName(QStringLiteral("consoleSideBadge"));
    QFont badgeFont = m_sideBadge->font();
    badgeFont.setBold(true);
    m_sideBadge->setFont(badgeFont);
    m_editor = new SqlEditor(this);
    m_editor->setText(QStringLiteral("SELECT * FROM "));
    m_run = new QPushButton(tr("Run"), this);
    m_run->setToolTip(tr("Run the statement under the cursor, or the selection (Ctrl+Return)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true); // a long error must never widen the window
    m_grid = new QTableView(this);
    m_grid->setModel(m_model);
    m_grid->setAlternatingRowColors(true);
    m_grid->verticalHeader()->setDefaultSectionSize(m_grid->fontMetrics().height() + 6);
    m_grid->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_run);
    toolbar->addWidget(m_cancel);
    toolbar->addWidget(m_side);
    toolbar->addWidget(m_sideBadge);
    toolbar->addWidget(m_status, 1);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_editor);
    splitter->addWidget(m_grid);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(toolbar);
    layout->addWidget(splitter, 1);

    // Completion follows the chosen side's schema as the connection reports it.
    auto followSchema = [this]() {
        if (Connection *connection = current())
            m_editor->setSchema(connection->schema());
    };
    connect(m_live, &Connection::schemaChanged, this, followSchema);
    connect(m_backup, &Connection::schemaChanged, this, followSchema);
    connect(m_side, &QComboBox::currentIndexChanged, this, followSchema);
    connect(m_side, &QComboBox::currentIndexChanged, this, &SqlConsole::showSide);
    // The operator's own choice is remembered for the next session.
    connect(m_side, &QComboBox::activated, this, [this]() {
        if (const std::optional<Side> chosen = side())
            setSide(*chosen);
    });
    const QVariant remembered = QSettings().value(QStringLiteral("console/side"));
    if (remembered.isValid())
        m_side->setCurrentIndex(qMax(0, m_side->findData(remembered.toInt())));
    followSchema();
    showSide();

    connect(m_run, &QPushButton::clicked, this, &SqlConsole::run);
    connect(m_cancel, &QPushButton::clicked, this, &SqlConsole::cancel);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_editor);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &SqlConsole::run);
}

std::optional<Side> SqlConsole::side() const
{
    const QVariant data = m_side->currentData();
    if (!data.isValid())
        return std::nullopt;
    return Side(data.toInt());
}

void SqlConsole::setSide(Side side)
{
    m_side->setCurrentIndex(m_side->findData(int(side)));
    QSettings().setValue(QStringLiteral("console/side"), int(side));
}

Connection *SqlConsole::current() const
{
    const std::optional<Side> chosen = side();
    if (!chosen)
        return nullptr;
    return *chosen == Side::Live ? m_live : m_backup;
}

void SqlConsole::showSide()
{
    const std::optional<Side> chosen = side();
    m_sideBadge->setText(chosen ? sideName(*chosen) : QString());
    m_sideBadge->setStyleSheet(
        chosen ? QStringLiteral("color: %1;").arg(StateColours::side(*chosen, palette()).name()) : QString());
}

void SqlConsole::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        showSide();
}

QString SqlConsole::statusText() const
{
    return m_status->text();
}

void SqlConsole::run()
{
    const QString sql = m_editor->currentStatement();
    if (sql.isEmpty())
        return;
    Connection *connection = current();
    if (!connection) {
        m_status->setText(tr("Choose the side to run on: LIVE or BACKUP."));
        m_side->setFocus();
        return;
    }
    cancel();
    m_editor->clearErrors();
    const quint64 generation = m_generation.next();
    m_status->setText(tr("Running on %1…").arg(sideName(connection->side())));
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_runningOn = connection;
    const Side side = connection->side();
    auto done = [this, generation](bool ok, const QString &text) {
        if (!m_generation.isCurrent(generation))
            return;
        m_status->setText(text);
        m_run->setEnabled(true);
        m_cancel->setEnabled(false);
        m_runningJob = 0;
        Q_EMIT finished(ok);
    };
    m_runningJob = connection->submit<QueryResult>(
        tr("SQL console: %1").arg(sql.simplified().left(60)),
        [sql](PgSession &session, JobControl &control) { return QueryRunner::run(session, sql, kMaxRows, control); },
        this,
        [this, done, side](QueryResult result) {
            m_model->setResult(result);
            m_grid->resizeColumnsToContents();
            done(true,
                tr("%1 — %n row(s) in %2 ms", nullptr, int(result.rows.size())).arg(result.status).arg(result.elapsedMs)
                    + tr(" — on %1").arg(sideName(side)));
        },
        [done](const QString &message, bool cancelled) { done(false, cancelled ? tr("Cancelled.") : message); });
}

void SqlConsole::cancel()
{
    if (m_runningJob && m_runningOn)
        m_runningOn->cancel(m_runningJob);
}

} // namespace salvage
