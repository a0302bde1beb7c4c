#include "sqlconsole.h"

#include "db/connection.h"
#include "db/queryresultmodel.h"
#include "db/queryrunner.h"
#include "sqleditor.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
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
    m_side->addItem(tr("on BACKUP"));
    m_side->addItem(tr("on LIVE (read-only)"));
    m_editor = new SqlEditor(this);
    m_editor->setText(QStringLiteral("SELECT * FROM "));
    m_run = new QPushButton(tr("Run"), this);
    m_run->setToolTip(tr("Run the statement under the cursor, or the selection (Ctrl+Return)"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_grid = new QTableView(this);
    m_grid->setModel(m_model);
    m_grid->setAlternatingRowColors(true);
    m_grid->verticalHeader()->setDefaultSectionSize(m_grid->fontMetrics().height() + 6);
    m_grid->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_run);
    toolbar->addWidget(m_cancel);
    toolbar->addWidget(m_side);
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
    auto followSchema = [this]() { m_editor->setSchema(current()->schema()); };
    connect(m_live, &Connection::schemaChanged, this, followSchema);
    connect(m_backup, &Connection::schemaChanged, this, followSchema);
    connect(m_side, &QComboBox::currentIndexChanged, this, followSchema);
    followSchema();

    connect(m_run, &QPushButton::clicked, this, &SqlConsole::run);
    connect(m_cancel, &QPushButton::clicked, this, &SqlConsole::cancel);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_editor);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &SqlConsole::run);
}

Connection *SqlConsole::current() const
{
    return m_side->currentIndex() == 1 ? m_live : m_backup;
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
    cancel();
    m_editor->clearErrors();
    Connection *connection = current();
    const quint64 generation = m_generation.next();
    m_status->setText(tr("Running on %1…").arg(sideName(connection->side())));
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_runningOn = connection;
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
        [this, done](QueryResult result) {
            m_model->setResult(result);
            m_grid->resizeColumnsToContents();
            done(true,
                tr("%1 — %n row(s) in %2 ms", nullptr, int(result.rows.size()))
                    .arg(result.status)
                    .arg(result.elapsedMs));
        },
        [done](const QString &message, bool cancelled) { done(false, cancelled ? tr("Cancelled.") : message); });
}

void SqlConsole::cancel()
{
    if (m_runningJob && m_runningOn)
        m_runningOn->cancel(m_runningJob);
}

} // namespace salvage
