#include "overviewpage.h"

#include "db/connection.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "timeline/incidentwindow.h"
#include "timeline/timeline.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QScrollArea>
#include <QTableWidget>
#include <QTimeZone>
#include <QToolButton>
#include <QVBoxLayout>

namespace salvage {

namespace {

QString describe(const Connection *connection)
{
    switch (connection->state()) {
    case Connection::State::Open:
        return QObject::tr("<b>%1</b> connected (read-only): %2, PostgreSQL %3")
            .arg(sideName(connection->side()), connection->profile().displayName().toHtmlEscaped(),
                connection->serverVersion());
    case Connection::State::Opening:
        return QObject::tr("<b>%1</b> connecting to %2…")
            .arg(sideName(connection->side()), connection->profile().summary().toHtmlEscaped());
    case Connection::State::Failed:
        return QObject::tr("<b>%1</b> failed: %2")
            .arg(sideName(connection->side()), connection->lastError().toHtmlEscaped());
    case Connection::State::Closed:
        break;
    }
    return QObject::tr("<b>%1</b> not connected — <i>Connect → %1…</i>").arg(sideName(connection->side()));
}

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QLabel *sectionTitle(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(QStringLiteral("<b>%1</b>").arg(text), parent);
    label->setContentsMargins(0, 8, 0, 0);
    return label;
}

QTableWidget *findingsTable(const QStringList &headers, const QString &objectName, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->setFocusPolicy(Qt::NoFocus);
    table->verticalHeader()->hide();
    table->setWordWrap(false);
    table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    return table;
}

} // namespace

OverviewPage::OverviewPage(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent)
    : QWidget(parent)
    , m_live(live)
    , m_backup(backup)
    , m_jobs(jobs)
{
    auto *content = new QWidget(this);
    m_heading = new QLabel(content);
    m_connections = new QLabel(content);
    m_connections->setWordWrap(true);
    m_connections->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_instructions = new QLabel(
        tr("<ol>"
           "<li><b>Connect</b> LIVE and a BACKUP (a second server, a restored copy, or Connect ▸ Load BACKUP from a "
           "pg_dump file). LIVE stays read-only until a restore runs.</li>"
           "<li>This page then compares every table and shows the incident at a glance, with a way into "
           "Compare, Graph, Timeline and Restore for each finding.</li>"
           "<li><b>Logs</b> (File ▸ Log sources…) add when the incident touched the lost rows.</li>"
           "</ol>"),
        content);
    m_instructions->setWordWrap(true);

    m_incident = new QWidget(content);
    m_incident->setObjectName(QStringLiteral("overviewIncident"));
    m_progress = new QProgressBar(m_incident);
    m_progress->setObjectName(QStringLiteral("overviewProgress"));
    m_totals = new QLabel(m_incident);
    m_totals->setObjectName(QStringLiteral("overviewTotals"));
    m_totals->setWordWrap(true);
    m_window = new QLabel(m_incident);
    m_window->setObjectName(QStringLiteral("overviewWindow"));
    m_window->setWordWrap(true);
    m_window->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tables = findingsTable({ tr("Table"), tr("Lost"), tr("New"), tr("Changed"), tr("Open in") },
        QStringLiteral("overviewTables"), m_incident);
    m_fanIns = findingsTable(
        { tr("Move (fan-in)"), tr("Rows"), tr("Open in") }, QStringLiteral("overviewFanIns"), m_incident);
    // The move is the finding; the tables it reached are detail, elided to the width left.
    m_fanIns->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_fanIns->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_fanIns->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_tables->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *incident = new QVBoxLayout(m_incident);
    incident->setContentsMargins(0, 0, 0, 0);
    incident->addWidget(m_progress);
    incident->addWidget(m_totals);
    incident->addWidget(m_window);
    incident->addWidget(sectionTitle(tr("Tables that differ most"), m_incident));
    incident->addWidget(m_tables);
    incident->addWidget(sectionTitle(tr("Largest fan-in moves: many rows re-pointed at one"), m_incident));
    incident->addWidget(m_fanIns);

    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(18, 12, 18, 12);
    layout->addWidget(m_heading);
    layout->addWidget(m_connections);
    layout->addWidget(m_instructions);
    layout->addWidget(m_incident);
    layout->addStretch(1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(this); // a banner (stale after a restore) may join above the page
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    for (Connection *connection : { live, backup }) {
        connect(connection, &Connection::stateChanged, this, &OverviewPage::refresh);
        connect(connection, &Connection::schemaChanged, this, &OverviewPage::refresh);
    }
    refresh();
}

bool OverviewPage::bothOpen() const
{
    return m_live->state() == Connection::State::Open && m_backup->state() == Connection::State::Open;
}

void OverviewPage::refresh()
{
    const bool open = bothOpen();
    m_heading->setText(open ? tr("<h2>Incident at a glance</h2>") : tr("<h2>Investigation</h2>"));
    m_connections->setText(QStringLiteral("%1<br>%2").arg(describe(m_live), describe(m_backup)));
    m_instructions->setVisible(!open);
    m_incident->setVisible(open);
    if (!open) {
        // Another pair of databases is another incident: compare again once both are back.
        m_compareAsked = false;
        m_compared = false;
        m_waitingSummary.reset();
        ++m_summaryTicket; // a summary still running is of the databases before
        return;
    }
    if (!m_compareAsked && !m_live->schema().tables.isEmpty() && !m_backup->schema().tables.isEmpty())
        recompare();
    else if (!m_compareAsked)
        m_totals->setText(tr("Reading both schemas…"));
}

void OverviewPage::recompare()
{
    m_compareAsked = true;
    m_compared = false;
    m_progress->setRange(0, 0);
    m_progress->setVisible(true);
    m_progress->setFormat(tr("Comparing…"));
    m_comparisonClock.start();
    m_waitingSummary.reset();
    ++m_summaryTicket; // a summary still running is of the comparison before
    m_totals->setText(tr("Comparing every table of BACKUP with LIVE…"));
    Q_EMIT comparisonWanted();
}

void OverviewPage::showComparison(const DiffResult &result)
{
    m_compareAsked = true;
    if (!m_comparisonClock.isValid())
        m_comparisonClock.start(); // a comparison the operator started in Compare
    if (result.complete) {
        m_lastComparisonMs = m_comparisonClock.elapsed();
        m_comparisonClock.invalidate();
    }
    const int total = std::max(int(m_live->schema().tables.size()), int(result.tables.size()));
    if (result.complete) {
        m_progress->setVisible(false);
    } else {
        m_progress->setVisible(true);
        m_progress->setRange(0, std::max(total, 1));
        m_progress->setValue(int(result.tables.size()));
        m_progress->setFormat(tr("Comparing… %1 of %2 tables").arg(result.tables.size()).arg(total));
    }
    summarize(result);
}

void OverviewPage::summarize(const DiffResult &result)
{
    // Summing every table and ranking the moves is work: off the GUI thread, on a copy of the result
    // (plain values, nothing that reaches a Connection). One job at a time; while it runs, newer
    // progress replaces what waits, so the newest (the complete one last) is always shown.
    const quint64 ticket = ++m_summaryTicket;
    if (m_summarizing) {
        m_waitingSummary = result;
        return;
    }
    m_summarizing = true;
    const bool complete = result.complete;
    BackgroundJob::start<IncidentSummary>(
        complete ? m_jobs : nullptr, tr("Overview: the incident at a glance"), tr("comparison"),
        [result](JobControl &) { return IncidentSummary::of(result); }, this,
        [this, ticket, complete](IncidentSummary summary) {
            summaryDone();
            if (ticket == m_summaryTicket)
                showSummary(summary, complete);
        },
        [this, ticket](const QString &message, bool) {
            summaryDone();
            if (ticket == m_summaryTicket)
                m_totals->setText(tr("The summary failed: %1").arg(message.toHtmlEscaped()));
        });
}

void OverviewPage::summaryDone()
{
    m_summarizing = false;
    if (std::optional<DiffResult> next = std::exchange(m_waitingSummary, std::nullopt)) {
        --m_summaryTicket; // summarize() counts it again
        summarize(*next);
    }
}

void OverviewPage::comparisonFailed(const QString &message)
{
    m_progress->setVisible(false);
    m_totals->setText(tr("The comparison stopped: %1").arg(message.toHtmlEscaped()));
}

void OverviewPage::showSummary(const IncidentSummary &summary, bool complete)
{
    m_summary = summary;
    m_compared = complete;
    const QLocale locale;
    QString totals = tr("<b>%1</b> rows lost, <b>%2</b> new, <b>%3</b> changed, <b>%4</b> re-pointed — %5 of %6 "
                        "tables differ")
                         .arg(locale.toString(summary.lost), locale.toString(summary.fresh),
                             locale.toString(summary.changed), locale.toString(summary.moved))
                         .arg(summary.tablesDiffering)
                         .arg(summary.tablesCompared);
    if (!complete)
        totals += tr(" (so far)");
    m_totals->setText(totals);
    fillFindings(m_tables, summary.tables, true);
    fillFindings(m_fanIns, summary.fanIns, false);
    if (complete)
        updateWindow();
    Q_EMIT summaryShown();
}

void OverviewPage::fillFindings(QTableWidget *table, const QList<IncidentFinding> &findings, bool counts)
{
    const QLocale locale;
    table->setRowCount(0);
    if (findings.isEmpty()) {
        table->setRowCount(1);
        auto *none = new QTableWidgetItem(counts ? tr("No table differs.") : tr("No move looks like an incident's."));
        table->setItem(0, 0, none);
        table->setSpan(0, 0, 1, table->columnCount());
    } else {
        table->clearSpans();
    }
    for (const IncidentFinding &finding : findings) {
        const int row = table->rowCount();
        table->insertRow(row);
        auto *title = new QTableWidgetItem(finding.title);
        title->setToolTip(finding.detail);
        table->setItem(row, 0, title);
        const auto number = [&locale](qint64 value) {
            auto *item = new QTableWidgetItem(locale.toString(value));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        if (counts) {
            table->setItem(row, 1, number(finding.lost));
            table->setItem(row, 2, number(finding.fresh));
            table->setItem(row, 3, number(finding.changed));
        } else {
            auto *rows = new QTableWidgetItem(finding.detail);
            rows->setToolTip(finding.detail);
            table->setItem(row, 1, rows);
        }
        table->setCellWidget(row, table->columnCount() - 1, entries(finding));
    }
    table->resizeRowsToContents();
    table->updateGeometry();
}

QWidget *OverviewPage::entries(const IncidentFinding &finding)
{
    auto *box = new QWidget;
    auto *row = new QHBoxLayout(box);
    row->setContentsMargins(2, 0, 2, 0);
    row->setSpacing(2);
    const auto add = [box, row](const QString &name, const QString &text, const QString &tip, bool enabled) {
        auto *button = new QToolButton(box);
        button->setObjectName(name);
        button->setText(text);
        button->setToolTip(tip);
        button->setAutoRaise(true);
        button->setEnabled(enabled);
        row->addWidget(button);
        return button;
    };
    connect(add(QStringLiteral("openCompare"), tr("Compare"), tr("Show %1 in Compare").arg(finding.table),
                !finding.table.isEmpty()),
        &QToolButton::clicked, this, [this, table = finding.table]() { Q_EMIT compareRequested(table); });
    connect(add(QStringLiteral("openGraph"), tr("Graph"), tr("Graph around %1").arg(finding.graphRoot),
                !finding.graphRoot.isEmpty()),
        &QToolButton::clicked, this, [this, root = finding.graphRoot]() { Q_EMIT graphRequested(root); });
    connect(add(QStringLiteral("openTimeline"), tr("Timeline"),
                tr("The log events carrying the %1").arg(finding.logName), !finding.logValues.isEmpty()),
        &QToolButton::clicked, this,
        [this, name = finding.logName, values = finding.logValues]() { Q_EMIT timelineRequested(name, values); });
    connect(add(QStringLiteral("openRestore"), tr("Restore"), tr("Add the root %1").arg(finding.restoreRoot.left(200)),
                !finding.restoreRoot.isEmpty()),
        &QToolButton::clicked, this, [this, root = finding.restoreRoot]() { Q_EMIT restoreRequested(root); });
    return box;
}

void OverviewPage::setTimeline(std::shared_ptr<const Timeline> timeline)
{
    m_timeline = std::move(timeline);
    updateWindow();
}

QString OverviewPage::windowText() const
{
    return m_window->text();
}

void OverviewPage::updateWindow()
{
    const quint64 ticket = ++m_windowTicket;
    if (!m_timeline) {
        m_window->setText(tr("Logs: none loaded — File ▸ Log sources… adds them and the time window they saw "
                             "the lost rows in."));
        return;
    }
    if (!m_timeline->hasCorrelation()) {
        m_window->setText(tr("Logs: reading their keys…"));
        return;
    }
    if (!m_compared)
        return; // the lost rows are not all known yet
    if (m_summary.lostKeys.isEmpty()) {
        m_window->setText(tr("Logs: no lost row to look for."));
        Q_EMIT windowShown();
        return;
    }
    m_window->setText(tr("Logs: looking for the lost rows' keys…"));
    const std::shared_ptr<const Timeline> timeline = m_timeline;
    const QMap<QString, QStringList> keys = m_summary.lostKeys;
    BackgroundJob::start<std::optional<IncidentWindow>>(
        m_jobs, tr("Overview: when the logs saw the lost rows"), tr("logs"),
        [timeline, keys](JobControl &control) { return IncidentWindow::of(*timeline, keys, &control); }, this,
        [this, ticket](std::optional<IncidentWindow> window) {
            if (ticket != m_windowTicket)
                return;
            if (!window)
                m_window->setText(tr("Logs: no event carries a lost row's key."));
            else
                m_window->setText(tr("Logs: the first event touching a lost row at <b>%1</b>, the last at <b>%2</b> "
                                     "(%3 events carrying %4 of the lost rows' keys).")
                                      .arg(utc(window->first), utc(window->last), QLocale().toString(window->events))
                                      .arg(window->keys));
            Q_EMIT windowShown();
        },
        [this, ticket](const QString &message, bool) {
            if (ticket == m_windowTicket)
                m_window->setText(tr("Logs: %1").arg(message.toHtmlEscaped()));
        });
}

} // namespace salvage
