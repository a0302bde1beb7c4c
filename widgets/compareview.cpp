#include "compareview.h"

#include "backupgainpanel.h"
#include "core/error.h"
#include "db/connection.h"
#include "db/rowlabels.h"
#include "diff/diffformat.h"
#include "diff/diffjob.h"
#include "diff/diffrowsmodel.h"
#include "diff/difftablesmodel.h"
#include "diff/moveranker.h"
#include "markdelegate.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace salvage {

CompareView::CompareView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent)
    : QWidget(parent)
    , m_live(live)
    , m_backup(backup)
    , m_jobs(jobs)
    , m_job(new DiffJob(live, backup, this))
    , m_tables(new DiffTablesModel(this))
    , m_tablesProxy(new QSortFilterProxyModel(this))
    , m_rows(new DiffRowsModel(this))
{
    m_compareButton = new QPushButton(tr("Compare"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setEnabled(false);
    m_filter = new QComboBox(this);
    m_filter->addItem(tr("All tables"), QString());
    m_filter->addItem(tr("Differing"), QStringLiteral("lost|new|changed|moved"));
    m_filter->addItem(tr("Identical"), QStringLiteral("identical"));
    m_filter->addItem(tr("With lost rows"), QStringLiteral("lost"));
    m_filter->addItem(tr("With new rows"), QStringLiteral("new"));
    m_filter->addItem(tr("With changed rows"), QStringLiteral("changed"));
    m_filter->addItem(tr("With moved rows"), QStringLiteral("moved"));
    m_status = new QLabel(tr("Not compared yet."), this);
    m_status->setWordWrap(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_compareButton);
    bar->addWidget(m_cancelButton);
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_filter);
    bar->addWidget(m_status, 1);

    m_tablesProxy->setSourceModel(m_tables);
    m_tablesProxy->setSortRole(DiffTablesModel::SortRole);
    m_tablesProxy->setFilterRole(DiffTablesModel::CategoryRole);
    m_tableList = new QTableView(this);
    m_tableList->setObjectName(QStringLiteral("compareTables"));
    m_tableList->setModel(m_tablesProxy);
    m_tableList->setItemDelegate(new MarkDelegate(m_tableList));
    // What differs first, the sizes last: at 1280 pixels the counts that matter stay in sight.
    for (const int column :
        { DiffTablesModel::Lost, DiffTablesModel::New, DiffTablesModel::Changed, DiffTablesModel::Moved })
        m_tableList->horizontalHeader()->moveSection(
            m_tableList->horizontalHeader()->visualIndex(column), column - DiffTablesModel::Lost + 1);
    m_tableList->setSortingEnabled(true);
    m_tableList->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tableList->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tableList->verticalHeader()->hide();
    m_tableList->setTextElideMode(Qt::ElideLeft); // "…media_attachments": a name's end tells tables apart
    m_tableList->verticalHeader()->setDefaultSectionSize(m_tableList->fontMetrics().height() + 6);
    // Hand the lost rows of a table to the Restore view.
    m_tableList->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *restoreLost = new QAction(tr("Restore the rows lost from this table…"), m_tableList);
    m_tableList->addAction(restoreLost);
    connect(restoreLost, &QAction::triggered, this, [this]() {
        const QModelIndex current = m_tableList->currentIndex();
        if (current.isValid())
            Q_EMIT restoreRequested(
                current.siblingAtColumn(DiffTablesModel::Table).data().toString() + QStringLiteral(" MISSING"));
    });

    m_rowView = new QTableView(this);
    m_rowView->setObjectName(QStringLiteral("compareRows"));
    m_rowView->setModel(m_rows);
    m_rowView->setItemDelegate(new MarkDelegate(m_rowView));
    m_rowView->verticalHeader()->setDefaultSectionSize(m_rowView->fontMetrics().height() + 6);
    m_rowView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_rowView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    createRowActions();

    m_moves = new QTableWidget(0, 6, this);
    m_moves->setObjectName(QStringLiteral("compareMoves"));
    m_moves->setHorizontalHeaderLabels(
        { tr("Rows"), tr("Table"), tr("Column"), tr("From (backup)"), tr("To (live)"), tr("Fan-in (sources)") });
    m_moves->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_moves->verticalHeader()->hide();
    m_moves->verticalHeader()->setDefaultSectionSize(m_moves->fontMetrics().height() + 6);
    m_moves->horizontalHeader()->setStretchLastSection(true);
    m_moves->setWordWrap(false);
    m_moves->setTextElideMode(Qt::ElideMiddle); // a name's start and end say more than its middle
    // The moved keys and their names first; where they moved, after.
    m_moves->horizontalHeader()->moveSection(3, 1);
    m_moves->horizontalHeader()->moveSection(4, 2);
    m_movesSummary = new QLabel(tr("Moves: foreign keys that point elsewhere in live, largest fan-in first"), this);
    m_movesSummary->setObjectName(QStringLiteral("movesSummary"));
    m_movesSummary->setWordWrap(true);

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_rowView);
    auto *movesBox = new QWidget(right);
    auto *movesLayout = new QVBoxLayout(movesBox);
    movesLayout->setContentsMargins(0, 0, 0, 0);
    movesLayout->addWidget(m_movesSummary);
    movesLayout->addWidget(m_moves);
    right->addWidget(movesBox);
    m_gain = new BackupGainPanel(jobs, right);
    right->addWidget(m_gain);
    connect(m_gain, &BackupGainPanel::computed, this, &CompareView::backupGainComputed);
    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->addWidget(m_tableList);
    m_split->addWidget(right);
    m_split->setStretchFactor(0, 2);
    m_split->setStretchFactor(1, 3);
    connect(m_split, &QSplitter::splitterMoved, this, [this]() { m_splitMoved = true; });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_split, 1);

    connect(m_compareButton, &QPushButton::clicked, this, &CompareView::compare);
    connect(m_cancelButton, &QPushButton::clicked, this, &CompareView::cancel);
    connect(m_filter, &QComboBox::currentIndexChanged, this, &CompareView::applyFilter);
    connect(
        m_tableList->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &CompareView::showSelectedTable);
    connect(m_job, &DiffJob::partial, this, [this](const DiffResult &result) {
        showResult(result);
        m_status->setText(tr("Comparing… %n table(s) done.", nullptr, int(result.tables.size())));
        Q_EMIT progressed(result);
    });
    connect(m_job, &DiffJob::finished, this, [this](const DiffResult &result) {
        showResult(result);
        m_compareButton->setEnabled(true);
        m_cancelButton->setEnabled(false);
        qint64 lost = 0, fresh = 0, changed = 0;
        for (const TableDiff &table : result.tables)
            lost += table.onlyInBackup, fresh += table.onlyInLive, changed += table.changed;
        m_status->setText(tr("%1 lost, %2 new, %3 changed rows in %4 tables. Backup point in time: %5.")
                              .arg(QLocale().toString(lost), QLocale().toString(fresh), QLocale().toString(changed))
                              .arg(result.tables.size())
                              .arg(result.backupTime ? formatEpoch(*result.backupTime) : tr("not found")));
        fetchMoveLabels();
        if (m_gain->hasOtherBackup() && result.complete)
            m_gain->compute(
                result, m_backup->siblingRecipe(), m_backup->profile().displayName(), m_live->siblingRecipe());
        Q_EMIT finished(result);
    });
    connect(m_job, &DiffJob::failed, this, [this](const QString &message, bool cancelled) {
        m_compareButton->setEnabled(true);
        m_cancelButton->setEnabled(false);
        m_status->setText(cancelled ? tr("Cancelled; the tables compared so far are shown.") : message);
        Q_EMIT failed(message, cancelled);
    });
}

void CompareView::setOtherBackup(const ConnectionProfile &other)
{
    m_gain->setOtherBackup(other);
}

void CompareView::createRowActions()
{
    m_rowView->setContextMenuPolicy(Qt::ActionsContextMenu);
    const auto addAction = [this](const QString &objectName, const QString &text, const QKeySequence &shortcut) {
        auto *action = new QAction(text, m_rowView);
        action->setObjectName(objectName);
        action->setShortcut(shortcut);
        action->setShortcutContext(Qt::WidgetShortcut);
        m_rowView->addAction(action);
        return action;
    };
    QAction *copyCsv = addAction(QStringLiteral("copyRowsCsv"), tr("Copy rows as CSV"), QKeySequence::Copy);
    QAction *copySql = addAction(QStringLiteral("copyRowsSql"), tr("Copy backup rows as SQL INSERTs"),
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    auto *separator = new QAction(m_rowView);
    separator->setSeparator(true);
    m_rowView->addAction(separator);
    QAction *select = addAction(QStringLiteral("selectRows"), tr("Select these rows (restore roots, graph)"), {});
    select->setToolTip(tr("Adds the rows as a root in the Restore view and shows the first one in the Graph view"));
    QAction *logs = addAction(QStringLiteral("showRowsInTimeline"), tr("Show in timeline"), {});
    logs->setToolTip(tr("Filters the timeline to the log events that carry these rows' ids, names or addresses"));

    // The values of a spooled diff are read back from its temporary file, which can fail.
    const auto copy = [this](QString (*text)(const TableDiff &, const QList<int> &)) {
        const QList<int> rows = selectedRows();
        if (rows.isEmpty())
            return;
        try {
            QApplication::clipboard()->setText(text(m_rows->table(), rows));
        } catch (const Error &e) {
            m_status->setText(e.message());
        }
    };
    connect(copyCsv, &QAction::triggered, this, [copy]() { copy(&DiffRowsText::csv); });
    connect(copySql, &QAction::triggered, this, [copy]() { copy(&DiffRowsText::insertStatements); });
    connect(select, &QAction::triggered, this, [this]() {
        const DiffRowSelection selection = DiffRowSelection::of(m_rows->table(), selectedRows());
        if (selection.isEmpty()) {
            m_status->setText(m_rows->table().hasPrimaryKey()
                    ? tr("Select some rows first.")
                    : tr("Rows of a table without a primary key cannot be handed on."));
            return;
        }
        Q_EMIT rowsSelected(selection);
    });
    connect(logs, &QAction::triggered, this, [this]() {
        const QList<int> rows = selectedRows();
        const DiffRowSelection selection = DiffRowSelection::of(m_rows->table(), rows);
        if (selection.logValues.isEmpty()) {
            m_status->setText(tr("Select some rows first."));
            return;
        }
        Q_EMIT logsRequested(
            tr("%n row(s) of %1", nullptr, int(rows.size())).arg(selection.table), selection.logValues);
    });
}

QList<int> CompareView::selectedRows() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_rowView->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    return rows;
}

void CompareView::compare()
{
    m_result = {};
    m_tables->setResult(m_result);
    m_rows->clear();
    m_moves->setRowCount(0);
    m_liveLabels.clear();
    m_backupLabels.clear();
    ++m_labelsGeneration;
    m_compareButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_status->setText(tr("Comparing…"));
    m_job->start();
}

void CompareView::cancel()
{
    m_job->cancel();
}

void CompareView::selectTable(const QString &table)
{
    for (int pass = 0; pass < 2; ++pass) {
        for (int row = 0; row < m_tablesProxy->rowCount(); ++row) {
            const QModelIndex index = m_tablesProxy->index(row, DiffTablesModel::Table);
            if (index.data().toString() == table) {
                m_tableList->setCurrentIndex(index);
                m_tableList->scrollTo(index);
                return;
            }
        }
        m_filter->setCurrentIndex(0); // hidden by the filter: show every table and look again
    }
}

void CompareView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    fitTableList();
}

void CompareView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitTableList();
}

void CompareView::fitTableList()
{
    const int total = m_split->width();
    if (m_splitMoved || total <= 0)
        return;
    m_tableList->resizeColumnsToContents();
    // The name and the four counts that matter (lost, new, changed, moved) are what must show; the
    // sizes after them may scroll. Up to 55 % of the view; past that the name gives way, elided at
    // its start ("…media_attachments"), so that Moved stays in sight.
    const QHeaderView *header = m_tableList->horizontalHeader();
    int counts = 0;
    for (const int column :
        { DiffTablesModel::Lost, DiffTablesModel::New, DiffTablesModel::Changed, DiffTablesModel::Moved })
        counts += header->sectionSize(column);
    const int chrome = 2 * m_tableList->frameWidth() + m_tableList->verticalScrollBar()->sizeHint().width();
    const int name = header->sectionSize(DiffTablesModel::Table);
    const int list = std::clamp(name + counts + chrome, total / 4, total * 11 / 20);
    const int shortestName = m_tableList->fontMetrics().averageCharWidth() * 12;
    if (name + counts + chrome > list)
        m_tableList->setColumnWidth(DiffTablesModel::Table, std::max(shortestName, list - counts - chrome));
    m_split->setSizes({ list, total - list });
}

void CompareView::showResult(const DiffResult &result)
{
    m_result = result;
    m_tables->setResult(result);
    fitTableList();
    showMoves();
}

QString CompareView::withLabel(const QString &table, const DiffValue &value, bool preferLive) const
{
    if (!value)
        return QStringLiteral("NULL");
    const QString key = table + QChar(0x1f) + *value;
    const QHash<QString, QString> &first = preferLive ? m_liveLabels : m_backupLabels;
    const QHash<QString, QString> &second = preferLive ? m_backupLabels : m_liveLabels;
    const QString label = first.value(key, second.value(key));
    return label.isEmpty() ? *value : QStringLiteral("%1 · %2").arg(*value, label);
}

void CompareView::showMoves()
{
    // The incident's moves, ranked by fan-in; life's scattered small re-points in one last row.
    const QList<DiffMove> moves = m_result.moves();
    QList<DiffMove> shown;
    qint64 ordinaryRows = 0;
    qint64 incidentRows = 0;
    QSet<QString> ordinaryColumns;
    QSet<QString> sources;
    QSet<QString> targets;
    for (const DiffMove &move : moves) {
        if (move.incident) {
            shown << move;
            incidentRows += move.rows;
            sources.insert(move.target + QChar(0x1f) + move.from.value_or(QString()));
            targets.insert(move.target + QChar(0x1f) + move.to.value_or(QString()));
        } else {
            ordinaryRows += move.rows;
            ordinaryColumns.insert(move.table + QLatin1Char('.') + move.column);
        }
    }
    if (moves.isEmpty())
        m_movesSummary->setText(tr("Moves: foreign keys that point elsewhere in live, largest fan-in first"));
    else
        m_movesSummary->setText(tr("Moves: %1 rows re-pointed in %2 moves, from %3 rows to %4 (largest fan-in first)")
                                    .arg(QLocale().toString(incidentRows))
                                    .arg(QLocale().toString(qsizetype(shown.size())))
                                    .arg(QLocale().toString(qsizetype(sources.size())))
                                    .arg(QLocale().toString(qsizetype(targets.size())))
            + (ordinaryRows > 0 ? tr("; %1 rows of ordinary edits").arg(QLocale().toString(ordinaryRows)) : QString()));
    m_moves->clearSpans();
    m_moves->setRowCount(int(shown.size()) + (ordinaryRows > 0 ? 1 : 0));
    for (int i = 0; i < shown.size(); ++i) {
        const DiffMove &move = shown.at(i);
        // A moved key column makes a new row: those rows are listed as lost and new, not changed.
        const QString column = move.keyChanged ? tr("%1 (key)").arg(move.column) : move.column;
        const QStringList cells { QLocale().toString(move.rows), move.table, column,
            withLabel(move.target, move.from, false), withLabel(move.target, move.to, true),
            QLocale().toString(move.fanIn) };
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(move.keyChanged
                    ? tr("%1\nPart of the primary key: each moved row shows as one lost and one new row.")
                          .arg(cells.at(c))
                    : cells.at(c));
            if (c == 0 || c == 5)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_moves->setItem(i, c, item);
        }
    }
    if (ordinaryRows > 0) {
        const int row = int(shown.size());
        auto *rows = new QTableWidgetItem(QLocale().toString(ordinaryRows));
        rows->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_moves->setItem(row, 0, rows);
        auto *summary = new QTableWidgetItem(
            tr("ordinary edits of %n column(s) (kept: life since the backup)", nullptr, int(ordinaryColumns.size())));
        summary->setToolTip(tr("Scattered small re-points: each target got fewer than %1 sources and at most %2 rows. "
                               "salvage-cli diff --format json lists every one.")
                                .arg(MoveRanker::kIncidentSources)
                                .arg(MoveRanker::kOrdinaryEditRows));
        m_moves->setItem(row, 1, summary);
        m_moves->setSpan(row, 1, 1, m_moves->columnCount() - 1);
    }
    // Whole values and names, not "…": the pane scrolls sideways instead.
    m_moves->resizeColumnsToContents();
}

void CompareView::fetchMoveLabels()
{
    // The referenced rows' keys per target table, for the tables whose foreign key is one column.
    QHash<QString, QStringList> keysByTable;
    QHash<QString, QString> keyColumnOf;
    const Schema &schema = m_live->schema().tables.isEmpty() ? m_backup->schema() : m_live->schema();
    for (const DiffMove &move : m_result.moves()) {
        if (!move.incident || move.column.contains(QLatin1Char(',')))
            continue;
        const Table *table = schema.findTable(move.table);
        if (!table)
            continue;
        for (const ForeignKey &key : table->foreignKeys) {
            if (key.columns == QStringList { move.column } && key.refColumns.size() == 1)
                keyColumnOf.insert(move.target, key.refColumns.first());
        }
        for (const DiffValue &value : { move.from, move.to }) {
            if (value && !keysByTable[move.target].contains(*value))
                keysByTable[move.target] << *value;
        }
    }
    if (keysByTable.isEmpty())
        return;
    const quint64 generation = ++m_labelsGeneration;
    for (Connection *side : { m_live, m_backup }) {
        if (side->state() != Connection::State::Open)
            continue;
        const Schema sideSchema = side->schema();
        const bool live = side == m_live;
        side->submit<QHash<QString, QString>>(
            tr("Names of the moved rows' owners"),
            [sideSchema, keysByTable, keyColumnOf](PgSession &session, JobControl &control) {
                QHash<QString, QString> labels;
                for (auto it = keysByTable.cbegin(); it != keysByTable.cend(); ++it) {
                    const Table *table = sideSchema.findTable(it.key());
                    if (!table || !keyColumnOf.contains(it.key()))
                        continue;
                    const QHash<QString, QString> found
                        = RowLabels::fetch(session, *table, keyColumnOf.value(it.key()), it.value(), &control);
                    for (auto row = found.cbegin(); row != found.cend(); ++row)
                        labels.insert(it.key() + QChar(0x1f) + row.key(), row.value());
                }
                return labels;
            },
            this,
            [this, generation, live](QHash<QString, QString> labels) {
                if (generation != m_labelsGeneration)
                    return;
                (live ? m_liveLabels : m_backupLabels) = std::move(labels);
                showMoves();
            });
    }
}

void CompareView::showSelectedTable()
{
    const QModelIndex current = m_tablesProxy->mapToSource(m_tableList->currentIndex());
    const TableDiff *table = m_tables->tableAt(current.row());
    if (table)
        m_rows->setTable(*table);
    else
        m_rows->clear();
    // Each column as wide as its header ("username (backup)") and values, up to 30 characters: the
    // header was clipped at the default width; longer values elide and show whole in the tooltip.
    const int widest = m_rowView->fontMetrics().averageCharWidth() * 30;
    for (int column = 0; column < m_rows->columnCount(); ++column) {
        m_rowView->resizeColumnToContents(column);
        m_rowView->setColumnWidth(column, std::min(m_rowView->columnWidth(column), widest));
    }
}

void CompareView::applyFilter()
{
    m_tablesProxy->setFilterRegularExpression(m_filter->currentData().toString());
}

} // namespace salvage
