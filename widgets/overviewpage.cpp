#include "overviewpage.h"

#include "db/connection.h"

#include <QLabel>
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

} // namespace

OverviewPage::OverviewPage(Connection *live, Connection *backup, QWidget *parent)
    : QWidget(parent)
    , m_live(live)
    , m_backup(backup)
    , m_text(new QLabel(this))
{
    m_text->setWordWrap(true);
    m_text->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 18, 24, 18);
    layout->addWidget(m_text);
    layout->addStretch(1);
    connect(live, &Connection::stateChanged, this, &OverviewPage::refresh);
    connect(backup, &Connection::stateChanged, this, &OverviewPage::refresh);
    refresh();
}

void OverviewPage::refresh()
{
    m_text->setText(
        tr("<h2>Investigation</h2>"
           "<p>%1<br>%2</p>"
           "<ol>"
           "<li><b>Connect</b> the LIVE database and a BACKUP (a second server or a restored copy). "
           "LIVE stays read-only until a restore runs.</li>"
           "<li><b>Compare</b> every table: rows lost, new since the backup, changed, and moved.</li>"
           "<li><b>Graph</b> the relationships around the rows that matter.</li>"
           "<li><b>Timeline</b>: web, worker and database logs on one time axis (File ▸ Log sources… adds them).</li>"
           "<li><b>Restore</b> selected rows: plan, review, dry run, run with an undo script.</li>"
           "<li><b>Report</b>: export the timeline, your stars and notes as a postmortem (Timeline ▸ Export…).</li>"
           "</ol>")
            .arg(describe(m_live), describe(m_backup)));
}

} // namespace salvage
