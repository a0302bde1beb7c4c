#include "timelineview.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "loghighlighter.h"
#include "report/timelinereport.h"
#include "timeline/databaseevents.h"
#include "timeline/timelinelanes.h"
#include "timeline/timelineloader.h"
#include "timeline/timelinemodel.h"
#include "timelinecanvas.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimeZone>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace salvage {

TimelineView::TimelineView(JobRegistry *jobs, QWidget *parent)
    : QWidget(parent)
    , m_jobs(jobs)
    , m_loader(new TimelineLoader(jobs, this))
    , m_annotations(new Annotations(this))
    , m_canvas(new TimelineCanvas(this))
    , m_table(new QTableView(this))
    , m_detail(new QTextBrowser(this))
    , m_raw(new QPlainTextEdit(this))
    , m_status(new QLabel(tr("No log sources: File ▸ Log sources… adds them."), this))
{
    connect(m_loader, &TimelineLoader::indexed, this, &TimelineView::indexFinished);
    connect(m_loader, &TimelineLoader::correlated, this, &TimelineView::parseFinished);
    connect(m_loader, &TimelineLoader::selected, this,
        [this](const TimelineFilter &filter, const std::vector<EventRef> &events) {
            showSelection(filter, events, m_shownAs.keepView, m_shownAs.note);
        });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(makeToolbar());
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_canvas);
    auto *lower = new QSplitter(Qt::Horizontal, splitter);
    lower->addWidget(m_table);
    // The entry as written, highlighted (KF6 SyntaxHighlighting when built with it).
    m_raw->setReadOnly(true);
    m_raw->setObjectName(QStringLiteral("rawLines"));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    LogHighlighter::attach(m_raw->document());
    auto *detailSplit = new QSplitter(Qt::Vertical, this);
    detailSplit->addWidget(m_detail);
    detailSplit->addWidget(m_raw);
    lower->addWidget(detailSplit);
    lower->setStretchFactor(0, 3);
    lower->setStretchFactor(1, 2);
    splitter->addWidget(lower);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    m_status->setObjectName(u"timelineStatus"_s);
    // A long status (a row's keys) must never widen the window.
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_status);

    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 4);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_detail->setOpenLinks(false);
    connect(m_detail, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == "key"_L1) {
            const QString value = QUrl::fromPercentEncoding(url.path().toUtf8());
            setKeyFilter(value);
            Q_EMIT keyActivated(value);
        }
    });
    // The table follows a brushed range: its first event comes to the top.
    connect(m_canvas, &TimelineCanvas::rangeBrushed, this, [this](qint64 from, qint64) {
        m_status->setText(tr("Zoomed to the brushed range."));
        if (m_model && m_model->rowCount() > 0)
            m_table->scrollTo(m_model->index(std::min(m_model->rowAtInstant(from), m_model->rowCount() - 1), 0),
                QAbstractItemView::PositionAtTop);
    });
    connect(m_annotations, &Annotations::manualEventsChanged, this, &TimelineView::showMarkers);
    connect(m_canvas, &TimelineCanvas::subLanesToggled, this, [this](int source) {
        if (!m_expanded.remove(source))
            m_expanded.insert(source);
        if (m_model)
            rebuildLanes(true);
    });
    connect(m_canvas, &TimelineCanvas::instantClicked, this, [this](int, qint64 at) {
        if (!m_model)
            return;
        const int row = std::min(m_model->rowAtInstant(at), m_model->rowCount() - 1);
        if (row >= 0)
            m_table->selectRow(row);
    });
}

TimelineView::~TimelineView() = default; // the loader, a child, cancels its jobs

QWidget *TimelineView::makeToolbar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(4, 4, 4, 0);
    m_search = new QLineEdit(bar);
    m_search->setPlaceholderText(tr("Search raw lines…"));
    m_search->setObjectName(u"searchRawLines"_s);
    m_search->setClearButtonEnabled(true);
    m_key = new QLineEdit(bar);
    m_key->setPlaceholderText(tr("Key: request id, jid, account, IP, URI… (several: a | b)"));
    m_key->setClearButtonEnabled(true);
    m_level = new QComboBox(bar);
    m_level->addItem(tr("All levels"), int(LogLevel::Unknown));
    for (LogLevel level : { LogLevel::Info, LogLevel::Warning, LogLevel::Error })
        m_level->addItem(tr("%1 and above").arg(levelName(level)), int(level));
    m_source = new QComboBox(bar);
    m_source->addItem(tr("All sources"), -1);
    m_zone = new QComboBox(bar);
    m_zone->setObjectName(u"displayZone"_s);
    m_zone->addItem(u"UTC"_s, QByteArray("UTC"));
    m_zone->addItem(
        tr("Local (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId())), QTimeZone::systemTimeZoneId());
    auto *note = new QPushButton(tr("Add note…"), bar);
    auto *exportButton = new QPushButton(tr("Export…"), bar);
    exportButton->setObjectName(u"exportTimeline"_s);
    exportButton->setToolTip(tr("Write what the table shows as a postmortem: Markdown, HTML, CSV or Timesketch JSONL"));
    // The text fields keep room to type in; the combos give way (they show their choice elided).
    m_search->setMinimumWidth(110);
    m_key->setMinimumWidth(150);
    for (QComboBox *combo : { m_level, m_source, m_zone }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(9);
    }
    row->addWidget(m_search, 2);
    row->addWidget(m_key, 2);
    row->addWidget(m_level);
    row->addWidget(m_source);
    row->addWidget(m_zone);
    row->addWidget(note);
    row->addWidget(exportButton);
    connect(m_search, &QLineEdit::returnPressed, this, [this] { applyFilter(); });
    connect(m_key, &QLineEdit::editingFinished, this, [this] { applyFilter(); });
    connect(m_level, &QComboBox::currentIndexChanged, this, [this] { applyFilter(); });
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] { applyFilter(); });
    connect(m_zone, &QComboBox::currentIndexChanged, this, [this] {
        if (m_model)
            m_model->setDisplayZone(QTimeZone(m_zone->currentData().toByteArray()));
        m_canvas->setDisplayZone(QTimeZone(m_zone->currentData().toByteArray()));
    });
    connect(note, &QPushButton::clicked, this, &TimelineView::addNote);
    connect(exportButton, &QPushButton::clicked, this, &TimelineView::exportReport);
    return bar;
}

void TimelineView::setSources(const QList<LogSource> &sources)
{
    m_expanded.clear();
    m_status->setText(tr("Indexing %n log file(s)…", nullptr, int(sources.size())));
    m_loader->load(sources);
}

void TimelineView::indexFinished(JobOutcome outcome, const QString &message, const QStringList &skipped)
{
    if (outcome != JobOutcome::Finished) {
        m_status->setText(message);
        Q_EMIT indexed(0, 0, message);
        return;
    }
    adoptTimeline(m_loader->timeline(), skipped);
}

void TimelineView::adoptTimeline(std::shared_ptr<Timeline> timeline, const QStringList &skipped)
{
    m_timeline = std::move(timeline);
    auto *old = m_model;
    m_model = new TimelineModel(m_timeline.get(), m_annotations, this);
    m_model->setDisplayZone(QTimeZone(m_zone->currentData().toByteArray()));
    m_table->setModel(m_model);
    delete old;
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        [this](const QModelIndex &current) { showDetail(current.row()); });
    m_source->blockSignals(true);
    while (m_source->count() > 1)
        m_source->removeItem(1);
    for (int i = 0; i < m_timeline->sourceCount(); ++i)
        m_source->addItem(m_timeline->source(i).label(), i);
    m_source->blockSignals(false);
    // The sources' own zones are display choices too: the servers' wall clock is what people quote.
    for (int i = 0; i < m_timeline->sourceCount(); ++i) {
        const QByteArray zone = m_timeline->source(i).source().timeZone.toUtf8();
        if (!zone.isEmpty() && m_zone->findData(zone) < 0 && QTimeZone(zone).isValid())
            m_zone->addItem(QString::fromUtf8(zone), zone);
    }
    // What makes a source's times doubtful is said up front, with where to fix it.
    QStringList caveats = skipped;
    for (int i = 0; i < m_timeline->sourceCount(); ++i) {
        caveats << m_timeline->source(i).caveats();
        m_source->setItemData(i + 1,
            tr("%1 · naive times read as %2")
                .arg(m_timeline->source(i).source().path, m_timeline->source(i).zoneDescription()),
            Qt::ToolTipRole);
    }
    m_caveats = caveats.isEmpty() ? QString() : tr("⚠ %1 (File ▸ Log sources…)").arg(caveats.join(u"; "_s));
    applyFilter();
    m_table->resizeColumnsToContents();
    Q_EMIT indexed(qint64(m_timeline->merged().size()), m_timeline->sourceCount(), {});
}

void TimelineView::parseFinished(JobOutcome outcome, const QString &message)
{
    if (outcome == JobOutcome::Cancelled) {
        m_status->setText(
            tr("Parse pass cancelled: the lanes show every event; keys, spans and level filters are off."));
        return;
    }
    if (outcome == JobOutcome::Failed) {
        m_status->setText(tr("Parse pass failed: %1 The lanes show every event; keys, spans and level filters are off.")
                              .arg(message));
        return;
    }
    // A few worker classes read best split out; many stay folded until asked for.
    for (int source = 0; source < m_timeline->sourceCount(); ++source)
        if (const qsizetype n = m_timeline->subLanes(source).size(); n > 1 && n <= 8)
            m_expanded.insert(source);
    applyFilter(true);
    if (!m_pendingRow.first.isEmpty())
        showRow(m_pendingRow.first, m_pendingRow.second);
    Q_EMIT correlated();
}

const TimelineFilter &TimelineView::filter() const
{
    static const TimelineFilter none;
    return m_model ? m_model->filter() : none;
}

void TimelineView::setKeyFilter(const QString &value)
{
    m_key->setText(value);
    applyFilter();
}

QStringList TimelineView::keysOf(const QString &text)
{
    QStringList keys;
    for (const QString &key : text.split(kKeySeparator.toString()))
        if (!key.trimmed().isEmpty())
            keys << key.trimmed();
    return keys;
}

void TimelineView::showRow(const QString &rowName, const QStringList &values)
{
    if (!m_timeline || !m_timeline->hasCorrelation()) {
        m_pendingRow = { rowName, values };
        m_status->setText(m_timeline || m_loader->isLoading()
                ? tr("%1: its values are looked up in the logs when the parse pass is done…").arg(rowName)
                : tr("%1: the workspace has no log sources to look it up in.").arg(rowName));
        return;
    }
    m_pendingRow = {};
    const QStringList keys = m_timeline->keysAmong(values);
    if (keys.isEmpty()) {
        m_status->setText(
            tr("No log event carries any of the %n value(s) of %1 (ids, names, addresses); the filter is unchanged.",
                nullptr, int(values.size()))
                .arg(rowName));
        return;
    }
    m_key->setText(keys.join(kKeySeparator));
    constexpr int shown = 4;
    QString named = keys.mid(0, shown).join(u", "_s);
    if (keys.size() > shown)
        named += tr(" and %n more", nullptr, int(keys.size() - shown));
    applyFilter(false, tr("%1 → keys %2").arg(rowName, named));
}

void TimelineView::applyFilter(bool keepView, const QString &note)
{
    if (!m_model)
        return;
    TimelineFilter filter;
    filter.search = m_search->text().trimmed();
    // Keys and access-log levels come from the parse pass: until it is done they wait.
    const bool correlated = m_timeline->hasCorrelation();
    if (correlated) {
        filter.keys = keysOf(m_key->text());
        filter.minimumLevel = LogLevel(m_level->currentData().toInt());
    }
    if (m_source->currentData().toInt() >= 0)
        filter.sources = { quint32(m_source->currentData().toInt()) };
    m_shownAs = { keepView, note };
    if (!filter.search.isEmpty()) // it reads every file: the loader searches off the GUI thread
        m_status->setText(
            tr("Searching %L1 events for “%2”…").arg(qint64(m_timeline->merged().size())).arg(filter.search));
    m_loader->select(filter);
}

void TimelineView::showSelection(
    const TimelineFilter &filter, std::vector<EventRef> selected, bool keepView, const QString &note)
{
    m_model->setSelection(filter, std::move(selected));
    rebuildLanes(keepView);
    QString status = tr("%L1 of %L2 events").arg(m_model->rowCount()).arg(qint64(m_timeline->merged().size()));
    if (!m_timeline->hasCorrelation())
        status += tr(" · parsing for keys, spans and levels (see Jobs); key and level filters apply when it is done");
    for (const QString &lead : { note, m_caveats })
        if (!lead.isEmpty())
            status = lead + u" · "_s + status;
    m_status->setText(status);
    Q_EMIT filtered();
}

void TimelineView::rebuildLanes(bool keepView)
{
    std::vector<EventRef> rows;
    rows.reserve(size_t(m_model->rowCount()));
    for (int row = 0; row < m_model->rowCount(); ++row)
        rows.push_back(m_model->refAt(row));
    m_canvas->setLanes(timelineLanes(*m_timeline, rows, m_model->filter().keys, m_expanded), keepView);
}

void TimelineView::showMarkers()
{
    // The operator's notes and the backup's point in time; rows created since stay in the table,
    // as their lines would crowd the backup's.
    QList<TimelineCanvas::Marker> markers;
    for (const Annotations::ManualEvent &event : m_annotations->manualEvents()) {
        const bool derived = event.id.startsWith(DatabaseEvents::idPrefix);
        if (!derived || event.id == DatabaseEvents::backupPointId)
            markers.append({ event.instantMs, derived ? tr("BACKUP taken") : event.text, derived });
    }
    m_canvas->setMarkers(std::move(markers));
}

void TimelineView::showDetail(int row)
{
    if (!m_model || row < 0) {
        m_detail->clear();
        m_raw->clear();
        return;
    }
    const QModelIndex index = m_model->index(row, TimelineModel::Message);
    m_canvas->setCursor(index.data(TimelineModel::InstantRole).toLongLong());
    QString html = u"<p><b>%1</b> · %2 · %3</p>"_s.arg(
        m_model->index(row, TimelineModel::Time).data().toString().toHtmlEscaped(),
        m_model->index(row, TimelineModel::Source).data().toString().toHtmlEscaped(),
        m_model->index(row, TimelineModel::Level).data().toString());
    const QString original = m_model->index(row, TimelineModel::Original).data().toString();
    if (!original.isEmpty())
        html += u"<p>As written: <code>%1</code></p>"_s.arg(original.toHtmlEscaped());
    if (index.data(TimelineModel::InferredRole).toBool())
        html += tr(
            "<p><i>Linked by inference (same method, path and status within seconds), not by a shared key.</i></p>");
    QStringList links;
    for (const QString &key : index.data(TimelineModel::KeysRole).toStringList()) {
        const QString value = key.section(u'=', 1);
        links.append(
            u"<a href=\"key:%1\">%2</a>"_s.arg(QString::fromUtf8(QUrl::toPercentEncoding(value)), key.toHtmlEscaped()));
    }
    if (!links.isEmpty())
        html += tr("<p>Keys (click to filter every lane): %1</p>").arg(links.join(u" · "_s));
    m_detail->setHtml(html);
    m_raw->setPlainText(index.data(TimelineModel::RawRole).toString());
}

void TimelineView::addNote()
{
    qint64 at = QDateTime::currentMSecsSinceEpoch();
    if (m_model && m_table->currentIndex().isValid())
        at = m_table->currentIndex().data(TimelineModel::InstantRole).toLongLong();
    bool ok = false;
    const QString when = QInputDialog::getText(this, tr("Add note"), tr("Time (UTC, ISO 8601):"), QLineEdit::Normal,
        QDateTime::fromMSecsSinceEpoch(at, QTimeZone::utc()).toString(Qt::ISODateWithMs), &ok);
    if (!ok)
        return;
    QDateTime time = QDateTime::fromString(when, Qt::ISODateWithMs);
    if (!time.isValid())
        return;
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeZone(QTimeZone::utc());
    const QString text = QInputDialog::getText(this, tr("Add note"), tr("What happened:"), QLineEdit::Normal, {}, &ok);
    if (ok && !text.trimmed().isEmpty())
        m_annotations->addManual(time.toMSecsSinceEpoch(), text.trimmed());
    if (m_model)
        rebuildLanes(true);
}

void TimelineView::exportReport()
{
    if (!m_model || !m_timeline->hasCorrelation()) {
        m_status->setText(tr("Nothing to export yet: wait for the parse pass (see Jobs)."));
        return;
    }
    QString chosen;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the timeline"), {},
        tr("Markdown (*.md);;HTML (*.html);;CSV (*.csv);;Timesketch JSONL (*.jsonl)"), &chosen);
    if (path.isEmpty())
        return;
    // The file's suffix decides; without one, the chosen filter does.
    std::optional<ReportWriter::Format> format = ReportWriter::formatFromName(QFileInfo(path).suffix().toLower());
    if (!format)
        format = ReportWriter::formatFromName(chosen.section(u"*."_s, 1).section(u')', 0, 0));
    exportTo(path, format.value_or(ReportWriter::Format::Markdown));
}

void TimelineView::exportTo(const QString &path, ReportWriter::Format format)
{
    // The parse pass installs its result into the timeline: an export reads it only after that.
    if (!m_model || !m_timeline->hasCorrelation()) {
        const QString why = tr("Nothing to export yet: wait for the parse pass (see Jobs).");
        m_status->setText(why);
        Q_EMIT exported(path, why);
        return;
    }
    // The marks are copied here, on the GUI thread; the timeline is only read from now on (its
    // parse pass is installed), so the worker selects the events itself.
    const TimelineFilter filter = m_model->filter();
    const QJsonObject marks = m_annotations->toJson();
    std::shared_ptr<Timeline> timeline = m_timeline;
    m_status->setText(tr("Exporting to %1…").arg(path));
    BackgroundJob::start<QString>(
        m_jobs, tr("Export the timeline to %1").arg(QFileInfo(path).fileName()), tr("Timeline"),
        [timeline, filter, marks, path, format](JobControl &control) {
            const std::vector<EventRef> selection = timeline->select(filter);
            QSet<EventRef> inferred;
            timeline->keyed(filter.keys, &inferred);
            Annotations annotations;
            annotations.loadJson(marks);
            TimelineReport report(*timeline, &annotations);
            report.setInferred(std::move(inferred));
            // A cancelled or failed export leaves no half-written file; the dialog confirmed replacing.
            SafeFileWriter file(path, SafeFileWriter::Existing::Replace);
            if (!file.open(QIODevice::WriteOnly))
                throw Error(file.errorString());
            ReportWriter writer(&file, format, tr("Incident timeline"));
            report.write(writer, selection, report.sourceNotes(), &control);
            if (!file.commit())
                throw Error(file.errorString());
            return path;
        },
        this,
        [this](const QString &written) {
            m_status->setText(tr("Exported to %1.").arg(written));
            Q_EMIT exported(written, {});
        },
        [this, path](const QString &message, bool cancelled) {
            m_status->setText(cancelled ? tr("Export cancelled; nothing was written.") : message);
            Q_EMIT exported(path, cancelled ? tr("Cancelled.") : message);
        });
}

} // namespace salvage
