#include "timelineview.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "loghighlighter.h"
#include "markdelegate.h"
#include "report/timelineexport.h"
#include "report/timelinereport.h"
#include "timeline/databaseevents.h"
#include "timeline/timelinelanes.h"
#include "timeline/timelineloader.h"
#include "timeline/timelinemodel.h"
#include "timelinecanvas.h"

#include <QApplication>
#include <QClipboard>
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
#include <QMenu>
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

namespace {

// The widest cell of a column (QTableView hides the hint QAbstractItemView offers).
int contentWidth(const QAbstractItemView *view, int column)
{
    return view->sizeHintForColumn(column);
}

} // namespace

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
    m_split = new QSplitter(Qt::Vertical, this);
    m_split->addWidget(m_canvas);
    m_lower = new QSplitter(Qt::Vertical, m_split);
    m_lower->addWidget(m_table);
    // The entry as written, highlighted (KF6 SyntaxHighlighting when built with it).
    m_raw->setReadOnly(true);
    m_raw->setObjectName(QStringLiteral("rawLines"));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    LogHighlighter::attach(m_raw->document());
    m_detailSplit = new QSplitter(Qt::Horizontal, this);
    m_detailSplit->setObjectName(u"timelineDetail"_s);
    m_detailSplit->addWidget(m_detail);
    m_detailSplit->addWidget(m_raw);
    m_lower->addWidget(m_detailSplit);
    m_lower->setStretchFactor(0, 1);
    m_split->addWidget(m_lower);
    m_split->setStretchFactor(1, 1);
    for (QSplitter *splitter : { m_split, m_lower })
        connect(splitter, &QSplitter::splitterMoved, this, [this] { m_panesMoved = true; });
    m_table->viewport()->installEventFilter(this);
    layout->addWidget(m_split, 1);
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
    // Levels and stars in the palette's colours (readable in the dark theme too).
    m_table->setItemDelegate(new MarkDelegate(m_table));
    m_table->setItemDelegateForColumn(TimelineModel::Star, new StarDelegate(m_table));
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &TimelineView::showRowMenu);
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
    m_search->setMinimumWidth(m_search->fontMetrics().averageCharWidth() * 14);
    m_key->setMinimumWidth(m_key->fontMetrics().averageCharWidth() * 18);
    for (QComboBox *combo : { m_level, m_source, m_zone }) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6); // the toolbar fits beside both docks at 1280 pixels
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

void TimelineView::setTableNames(const QStringList &tables)
{
    m_loader->setTableNames(tables);
    // A key filter of the form TABLE:VALUE may select other events now.
    if (m_timeline && m_timeline->hasCorrelation() && !keysOf(m_key->text()).isEmpty())
        applyFilter(true);
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
    // A new tag or comment widens its column when the text needs it.
    connect(m_annotations, &Annotations::markChanged, m_model, [this] {
        // Up to a third of the table: the message stays in sight; longer text shows in its tooltip.
        const int cap = std::max(200, m_table->viewport()->width() / 3);
        for (int column : { TimelineModel::Tags, TimelineModel::Comment })
            m_table->setColumnWidth(
                column, std::max(m_table->columnWidth(column), std::min(cap, contentWidth(m_table, column))));
        fitMessageColumn();
    });
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
    fitColumns();
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
    m_showFirstEvent = true; // the row's first log event, not the databases' notes above it
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
    // Notes and database events share the table but are not log events: counted apart.
    QString status = tr("%L1 of %L2 events").arg(m_model->eventCount()).arg(qint64(m_timeline->merged().size()));
    if (m_model->noteCount() > 0)
        status += m_model->noteCount() == 1 ? tr(" · 1 note") : tr(" · %L1 notes").arg(m_model->noteCount());
    if (!m_timeline->hasCorrelation())
        status += tr(" · parsing for keys, spans and levels (see Jobs); key and level filters apply when it is done");
    for (const QString &lead : { note, m_caveats })
        if (!lead.isEmpty())
            status = lead + u" · "_s + status;
    m_status->setText(status);
    if (std::exchange(m_showFirstEvent, false))
        for (int row = 0; row < m_model->rowCount(); ++row)
            if (!m_model->index(row, 0).data(TimelineModel::ManualRole).toBool()) {
                m_table->selectRow(row);
                m_table->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtTop);
                break;
            }
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
    m_detailInstant = index.data(TimelineModel::InstantRole).toLongLong();
    m_canvas->setCursor(*m_detailInstant);
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
        // The link colour named from the palette: a rich-text default may not follow a dark theme.
        links.append(
            u"<a style=\"color:%3\" href=\"key:%1\">%2</a>"_s.arg(QString::fromUtf8(QUrl::toPercentEncoding(value)),
                key.toHtmlEscaped(), m_detail->palette().color(QPalette::Link).name()));
    }
    if (!links.isEmpty())
        html += tr("<p>Keys (click to filter every lane): %1</p>").arg(links.join(u" · "_s));
    m_detail->setHtml(html);
    m_raw->setPlainText(index.data(TimelineModel::RawRole).toString());
}

qint64 TimelineView::noteDefaultInstant() const
{
    if (m_model) {
        const QModelIndexList selected
            = m_table->selectionModel() ? m_table->selectionModel()->selectedRows() : QModelIndexList();
        if (!selected.isEmpty())
            return selected.first().data(TimelineModel::InstantRole).toLongLong();
        if (m_table->currentIndex().isValid())
            return m_table->currentIndex().data(TimelineModel::InstantRole).toLongLong();
        // A filter or a new note resets the table's selection; the event read last still counts.
        if (m_detailInstant)
            return *m_detailInstant;
        if (m_model->rowCount() > 0)
            return m_model->index(0, TimelineModel::Time).data(TimelineModel::InstantRole).toLongLong();
    }
    return QDateTime::currentMSecsSinceEpoch();
}

void TimelineView::addNote()
{
    const qint64 at = noteDefaultInstant();
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
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the timeline"), tr("postmortem.md"),
        tr("Markdown (*.md);;HTML (*.html);;CSV (*.csv);;Timesketch JSONL (*.jsonl)"), &chosen);
    if (path.isEmpty())
        return;
    // The file's suffix decides; without one, the chosen filter does.
    std::optional<ReportWriter::Format> format = ReportWriter::formatFromName(QFileInfo(path).suffix().toLower());
    if (!format)
        format = ReportWriter::formatFromName(chosen.section(u"*."_s, 1).section(u')', 0, 0));
    exportTo(path, format.value_or(ReportWriter::Format::Markdown));
}

void TimelineView::exportTo(const QString &path, ReportWriter::Format format, SafeFileWriter::Existing existing)
{
    // The parse pass installs its result into the timeline: an export reads it only after that.
    if (!m_model || !m_timeline->hasCorrelation()) {
        const QString why = tr("Nothing to export yet: wait for the parse pass (see Jobs).");
        m_status->setText(why);
        Q_EMIT exported(path, why);
        return;
    }
    // The marks and the comparison are copied here, on the GUI thread; the worker selects the
    // events, draws the figures and writes every file (TimelineExport, as salvage-cli timeline).
    TimelineExportRequest request;
    request.format = format;
    request.filter = m_model->filter();
    request.title = tr("Incident timeline");
    request.inputs.diff = m_comparison;
    request.inputs.gain = m_backupGain;
    const QJsonObject marks = m_annotations->toJson();
    std::shared_ptr<Timeline> timeline = m_timeline;
    m_status->setText(tr("Exporting to %1…").arg(path));
    BackgroundJob::start<QStringList>(
        m_jobs, tr("Export the timeline to %1").arg(QFileInfo(path).fileName()), tr("Timeline"),
        [timeline, request, marks, path, existing](JobControl &control) {
            Annotations annotations;
            annotations.loadJson(marks);
            return TimelineExport::toFile(*timeline, annotations, request, path, existing, &control);
        },
        this,
        [this](const QStringList &written) {
            m_status->setText(written.size() > 1
                    ? tr("Exported to %1 with %n figure(s) beside it.", nullptr, int(written.size() - 1))
                          .arg(written.first())
                    : tr("Exported to %1.").arg(written.first()));
            Q_EMIT exported(written.first(), {});
        },
        [this, path](const QString &message, bool cancelled) {
            m_status->setText(cancelled ? tr("Export cancelled; nothing was written.") : message);
            Q_EMIT exported(path, cancelled ? tr("Cancelled.") : message);
        });
}

void TimelineView::fitColumns()
{
    if (!m_model)
        return;
    m_table->resizeColumnsToContents();
    QHeaderView *header = m_table->horizontalHeader();
    // Tags and comments are the operator's own: never a sliver; their header and a word when empty,
    // more when written.
    const int minimum = m_table->fontMetrics().horizontalAdvance(u"incident"_s) + 16;
    for (int column : { TimelineModel::Tags, TimelineModel::Comment }) {
        m_table->setColumnHidden(column, false);
        m_table->setColumnWidth(
            column, std::max({ minimum, contentWidth(m_table, column), header->sectionSizeHint(column) }));
    }
    const int room = std::max(m_table->viewport()->width(), 640);
    m_table->setColumnWidth(TimelineModel::Keys, std::min(m_table->columnWidth(TimelineModel::Keys), room / 5));
    // The operator's marks lead the row (star, tags, comment), in sight however narrow the table;
    // the time as written, also in the detail pane, goes last.
    header->moveSection(header->visualIndex(TimelineModel::Tags), header->visualIndex(TimelineModel::Star) + 1);
    header->moveSection(header->visualIndex(TimelineModel::Comment), header->visualIndex(TimelineModel::Tags) + 1);
    header->moveSection(header->visualIndex(TimelineModel::Original), header->count() - 1);
    fitMessageColumn();
}

void TimelineView::fitMessageColumn()
{
    if (!m_model)
        return;
    // The message takes what the columns before it leave of the table's width (keys and the time
    // as written follow past the edge): the text the operator reads is never the narrow one.
    const QHeaderView *header = m_table->horizontalHeader();
    int before = 0;
    for (int visual = 0; visual < header->visualIndex(TimelineModel::Message); ++visual)
        if (!header->isSectionHidden(header->logicalIndex(visual)))
            before += header->sectionSize(header->logicalIndex(visual));
    const int minimum = m_table->fontMetrics().averageCharWidth() * 30;
    m_table->setColumnWidth(TimelineModel::Message, std::max(minimum, m_table->viewport()->width() - before));
}

void TimelineView::arrangePanes()
{
    // The detail pane sits beside the table when the view is wide (a 4K screen), under it
    // otherwise: the table keeps the width its messages need.
    const bool beside = width() >= fontMetrics().averageCharWidth() * 170;
    const Qt::Orientation orientation = beside ? Qt::Horizontal : Qt::Vertical;
    const bool turned = m_lower->orientation() != orientation;
    if (turned) {
        m_lower->setOrientation(orientation);
        m_detailSplit->setOrientation(beside ? Qt::Vertical : Qt::Horizontal);
    }
    if ((m_panesMoved && !turned) || !isVisible())
        return;
    // The lanes get what they ask for up to two fifths of the height (they shrink, then scroll);
    // the events get the rest, nearly three quarters of it for the table.
    const int total = m_split->height();
    const int lanes = std::min(m_canvas->sizeHint().height(), total * 2 / 5);
    m_split->setSizes({ lanes, total - lanes });
    const int lower = beside ? m_lower->width() : total - lanes;
    const int table = lower * (beside ? 62 : 72) / 100;
    m_lower->setSizes({ table, lower - table });
    const int detail = beside ? m_detailSplit->height() : m_detailSplit->width();
    m_detailSplit->setSizes({ detail / 2, detail - detail / 2 });
}

void TimelineView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    arrangePanes();
}

void TimelineView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    arrangePanes();
}

bool TimelineView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        fitMessageColumn();
    return QWidget::eventFilter(watched, event);
}

void TimelineView::showRowMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!m_model || !index.isValid())
        return;
    const int row = index.row();
    m_table->selectRow(row);
    const bool manual = index.data(TimelineModel::ManualRole).toBool();
    const QModelIndex star = m_model->index(row, TimelineModel::Star);
    const bool starred = star.data(Qt::CheckStateRole).toInt() == Qt::Checked;
    QMenu menu(this);
    menu.setObjectName(u"timelineRowMenu"_s);
    QAction *starAction = menu.addAction(starred ? tr("Unstar") : tr("Star"), this,
        [this, star, starred] { m_model->setData(star, starred ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole); });
    const auto editCell = [this, row](int column) {
        const QModelIndex cell = m_model->index(row, column);
        m_table->setCurrentIndex(cell);
        m_table->edit(cell);
    };
    QAction *tagAction = menu.addAction(tr("Tag…"), this, [editCell] { editCell(TimelineModel::Tags); });
    QAction *commentAction = menu.addAction(tr("Comment…"), this, [editCell] { editCell(TimelineModel::Comment); });
    // Manual events are marked where they were written, not here.
    for (QAction *action : { starAction, tagAction, commentAction })
        action->setEnabled(!manual);
    menu.addSeparator();
    const QStringList keys = index.data(TimelineModel::KeysRole).toStringList();
    QMenu *copy = menu.addMenu(tr("Copy key"));
    QMenu *timeline = menu.addMenu(tr("Show in timeline"));
    QMenu *graph = menu.addMenu(tr("Show in graph"));
    QMenu *compare = menu.addMenu(tr("Show in compare"));
    for (const QString &key : keys) {
        const QString kind = key.section(u'=', 0, 0);
        const QString value = key.section(u'=', 1);
        copy->addAction(key, this, [value] { QGuiApplication::clipboard()->setText(value); });
        timeline->addAction(key, this, [this, value] {
            setKeyFilter(value);
            Q_EMIT keyActivated(value);
        });
        graph->addAction(key, this, [this, kind, value] { Q_EMIT graphRequested(kind, value); });
        compare->addAction(key, this, [this, kind, value] { Q_EMIT compareRequested(kind, value); });
    }
    copy->addSeparator();
    copy->addAction(tr("Event reference (file#offset)"), this,
        [index] { QGuiApplication::clipboard()->setText(index.data(TimelineModel::EventKeyRole).toString()); });
    for (QMenu *sub : { timeline, graph, compare })
        sub->setEnabled(!keys.isEmpty());
    menu.addSeparator();
    const qint64 instantMs = index.data(TimelineModel::InstantRole).toLongLong();
    menu.addAction(
        tr("BACKUP as of just before this event…"), this, [this, instantMs] { Q_EMIT backupAsOfRequested(instantMs); });
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

} // namespace salvage
