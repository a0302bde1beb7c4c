#include "restoreview.h"

#include "banner.h"
#include "core/error.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "declarationspanel.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "lostdependantspanel.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "sqleditor.h"
#include "undorefuseddialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QStandardPaths>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salvage {

namespace {

QTreeWidget *listingTree(QWidget *parent)
{
    auto *tree = new QTreeWidget(parent);
    tree->setHeaderLabels(
        { QObject::tr("Table"), QObject::tr("Key"), QObject::tr("Resolution"), QObject::tr("Reason") });
    tree->setRootIsDecorated(false);
    tree->setUniformRowHeights(true);
    return tree;
}

void fillListing(QTreeWidget *tree, const QList<PlanListing> &listings)
{
    tree->clear();
    for (const PlanListing &listing : listings)
        tree->addTopLevelItem(
            new QTreeWidgetItem({ listing.table, listing.key, rowActionName(listing.action), listing.reason }));
    tree->resizeColumnToContents(0);
}

} // namespace

RestoreView::RestoreView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent)
    : QWidget(parent)
    , m_live(live)
    , m_backup(backup)
    , m_jobs(jobs)
{
    m_roots = new QPlainTextEdit(this);
    m_roots->setObjectName(QStringLiteral("restoreRoots"));
    m_roots->setPlaceholderText(
        tr("One root per line: accounts WHERE id BETWEEN 101 AND 298 · accounts:12,15 · accounts MISSING"));
    m_roots->setMaximumHeight(80);
    m_planButton = new QPushButton(tr("&Plan"), this);
    m_previewButton = new QPushButton(tr("Pre&view"), this);
    m_runButton = new QPushButton(tr("&Run…"), this);
    m_undoButton = new QPushButton(tr("&Undo last run…"), this);
    m_status = new QLabel(tr("Choose root rows in BACKUP, then plan."), this);
    m_status->setObjectName(QStringLiteral("restoreStatus"));
    m_status->setWordWrap(true);

    m_tree = new QTreeWidget(this);
    m_tree->setHeaderLabels({ tr("Table / action / row"), tr("Rows"), tr("Reason") });
    m_collisions = listingTree(this);
    m_unrestorable = listingTree(this);
    m_deletedSince = listingTree(this);
    m_policies = new QTableWidget(0, 3, this);
    m_policies->setHorizontalHeaderLabels(
        { tr("Table"), tr("When a unique key is taken by a live row"), tr("Rows deleted since the backup") });
    m_policies->horizontalHeader()->setStretchLastSection(true);
    m_policies->verticalHeader()->hide();
    m_declarations = new DeclarationsPanel(backup, this);
    connect(m_declarations, &DeclarationsPanel::changed, this, &RestoreView::declarationsChanged);

    auto *scriptPage = new QWidget(this);
    m_editor = new SqlEditor(scriptPage);
    m_editor->setReadOnly(true);
    m_unlock = new QCheckBox(tr("Allow editing the script"), scriptPage);
    m_unlock->setObjectName(QStringLiteral("unlockScript"));
    connect(m_unlock, &QCheckBox::toggled, this, [this](bool on) { m_editor->setReadOnly(!on); });
    auto *scriptLayout = new QVBoxLayout(scriptPage);
    scriptLayout->setContentsMargins(0, 0, 0, 0);
    scriptLayout->addWidget(m_unlock);
    scriptLayout->addWidget(m_editor);

    m_output = new QPlainTextEdit(this);
    m_output->setReadOnly(true);
    m_output->setObjectName(QStringLiteral("restoreOutput"));
    m_lostDependants = new LostDependantsPanel(this);
    connect(m_lostDependants, &LostDependantsPanel::policyChosen, this, &RestoreView::choosePolicy);
    m_findings = new Banner(this);
    m_findings->setObjectName(QStringLiteral("lostDependantsBanner"));
    connect(m_findings->addButton(tr("Review…")), &QPushButton::clicked, this,
        [this]() { m_tabs->setCurrentWidget(m_lostDependants); });

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(m_tree, tr("Plan"));
    m_tabs->addTab(m_collisions, tr("Collisions"));
    m_tabs->addTab(m_lostDependants, tr("Lost dependants"));
    m_tabs->addTab(m_unrestorable, tr("Not restored"));
    m_tabs->addTab(m_deletedSince, tr("Deleted since the backup"));
    m_tabs->addTab(m_policies, tr("Policies"));
    m_tabs->addTab(m_declarations, tr("Declarations"));
    m_tabs->addTab(scriptPage, tr("Script"));
    m_tabs->addTab(m_output, tr("Preview / run"));

    auto *buttons = new QHBoxLayout;
    for (QPushButton *button : { m_planButton, m_previewButton, m_runButton, m_undoButton })
        buttons->addWidget(button);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Root rows in BACKUP"), this));
    layout->addWidget(m_roots);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(m_findings);
    layout->addWidget(m_tabs, 1);

    connect(m_planButton, &QPushButton::clicked, this, &RestoreView::plan);
    connect(m_previewButton, &QPushButton::clicked, this, &RestoreView::preview);
    connect(m_runButton, &QPushButton::clicked, this, &RestoreView::run);
    connect(m_undoButton, &QPushButton::clicked, this, &RestoreView::undo);
    connect(m_live, &Connection::schemaChanged, this, [this](const Schema &schema) { m_editor->setSchema(schema); });
    m_editor->setSchema(m_live->schema());
    setBusy(false);
}

void RestoreView::addRoot(const QString &root)
{
    m_roots->appendPlainText(root);
}

QString RestoreView::script() const
{
    return m_editor->text();
}

Declarations RestoreView::declarations() const
{
    return m_declarations->declarations();
}

void RestoreView::setDeclarations(const Declarations &declarations)
{
    m_declarations->setDeclarations(declarations);
}

void RestoreView::setBusy(bool busy)
{
    m_planButton->setEnabled(!busy);
    const bool haveScript = !m_editor->text().trimmed().isEmpty();
    m_previewButton->setEnabled(!busy && haveScript && !m_planRan);
    m_runButton->setEnabled(!busy && haveScript && !m_planRan);
    m_undoButton->setEnabled(!busy && !lastUndo().isEmpty());
    m_undoButton->setToolTip(lastUndo());
}

void RestoreView::choosePolicy(const QString &table, RestorePolicy policy)
{
    for (int row = 0; row < m_policies->rowCount(); ++row)
        if (m_policies->item(row, 0)->text() == table)
            if (auto *combo = qobject_cast<QComboBox *>(m_policies->cellWidget(row, 1)))
                combo->setCurrentText(restorePolicyName(policy));
    plan();
}

void RestoreView::plan()
{
    RestoreRequest request;
    try {
        for (const QString &line : m_roots->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            if (!line.trimmed().isEmpty())
                request.roots << RootSelection::parse(line.trimmed());
    } catch (const Error &error) {
        m_status->setText(error.message());
        return;
    }
    if (request.roots.isEmpty()) {
        m_status->setText(tr("Give at least one root."));
        return;
    }
    for (int row = 0; row < m_policies->rowCount(); ++row) {
        const auto *combo = qobject_cast<QComboBox *>(m_policies->cellWidget(row, 1));
        RestorePolicy policy;
        if (combo && combo->currentIndex() > 0 && parseRestorePolicy(combo->currentText(), &policy))
            request.policies.insert(m_policies->item(row, 0)->text(), policy);
        if (const auto *restore = qobject_cast<QCheckBox *>(m_policies->cellWidget(row, 2));
            restore && restore->isChecked())
            request.restoreDeleted << m_policies->item(row, 0)->text();
    }
    m_declarations->declarations().addTo(request);
    request.recomputeCounters = m_declarations->recomputeCounters();
    setBusy(true);
    m_status->setText(tr("Planning: closure in BACKUP, comparison in LIVE…"));
    // Recipes, not connections: the job may outlive this view.
    const Connection::SessionRecipe backup = m_backup->siblingRecipe();
    m_live->submit<RestorePlan>(
        tr("Restore plan"),
        [backup, request](PgSession &live, JobControl &control) {
            const std::unique_ptr<PgSession> backupSession = backup.open();
            return RestorePlanner(live, *backupSession).plan(request, &control);
        },
        this, [this](RestorePlan result) { showPlan(result); },
        [this](const QString &message, bool cancelled) {
            m_status->setText(cancelled ? tr("Planning cancelled.") : message);
            setBusy(false);
        });
}

void RestoreView::showPlan(const RestorePlan &plan)
{
    m_plan = plan;
    m_planRan = false;
    m_lostDependants->setPlan(plan, false);
    const int lost = m_lostDependants->findingCount();
    m_findings->setVisible(lost > 0);
    if (lost > 0)
        m_findings->showMessage(
            tr("<b>%n restored row(s) would come back without a dependant</b> they had in BACKUP: merge, remap or "
               "skip before running.",
                nullptr, lost));
    m_tree->clear();
    // Warnings first and open: a table left out, counters to recompute — read before running.
    if (!plan.warnings.isEmpty()) {
        auto *warnings = new QTreeWidgetItem(m_tree, { tr("Warnings"), QString::number(plan.warnings.size()) });
        warnings->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxWarning));
        for (const QString &warning : plan.warnings) {
            auto *item = new QTreeWidgetItem(warnings, { warning });
            item->setFirstColumnSpanned(true);
            item->setToolTip(0, warning);
        }
    }
    for (const QString &table : plan.tableOrder) {
        const QMap<RowAction, qint64> counts = plan.counts.value(table);
        qint64 total = 0;
        for (qint64 count : counts)
            total += count;
        auto *tableItem = new QTreeWidgetItem(m_tree, { table, QString::number(total) });
        for (auto it = counts.constBegin(); it != counts.constEnd(); ++it) {
            auto *actionItem = new QTreeWidgetItem(tableItem, { rowActionName(it.key()), QString::number(it.value()) });
            for (const QList<PlanListing> *list : { &plan.collisions, &plan.unrestorable, &plan.deletedSince })
                for (const PlanListing &listing : *list)
                    if (listing.table == table && listing.action == it.key())
                        new QTreeWidgetItem(actionItem, { listing.key, QString(), listing.reason });
        }
    }
    m_tree->expandToDepth(0);
    m_tree->resizeColumnToContents(0);
    fillListing(m_collisions, plan.collisions);
    fillListing(m_unrestorable, plan.unrestorable);
    fillListing(m_deletedSince, plan.deletedSince);

    // Keep the operator's policy choices across re-plans.
    QHash<QString, int> chosen;
    QSet<QString> restoreDeleted;
    for (int row = 0; row < m_policies->rowCount(); ++row) {
        if (const auto *combo = qobject_cast<QComboBox *>(m_policies->cellWidget(row, 1)))
            chosen.insert(m_policies->item(row, 0)->text(), combo->currentIndex());
        if (const auto *restore = qobject_cast<QCheckBox *>(m_policies->cellWidget(row, 2));
            restore && restore->isChecked())
            restoreDeleted.insert(m_policies->item(row, 0)->text());
    }
    m_policies->setRowCount(0);
    for (const QString &table : plan.tableOrder) {
        const int row = m_policies->rowCount();
        m_policies->insertRow(row);
        auto *name = new QTableWidgetItem(table);
        name->setFlags(name->flags() & ~Qt::ItemIsEditable);
        m_policies->setItem(row, 0, name);
        auto *combo = new QComboBox(m_policies);
        combo->addItems({ tr("default"), restorePolicyName(RestorePolicy::Restore),
            restorePolicyName(RestorePolicy::KeepLive), restorePolicyName(RestorePolicy::Skip) });
        combo->setCurrentIndex(chosen.value(table, 0));
        m_policies->setCellWidget(row, 1, combo);
        // Held back because the incident does not explain their absence; the operator may know better.
        auto *restore = new QCheckBox(tr("restore them too"), m_policies);
        restore->setChecked(restoreDeleted.contains(table));
        m_policies->setCellWidget(row, 2, restore);
    }
    m_unlock->setChecked(false);
    m_editor->setText(QString::fromUtf8(ScriptRenderer::render(plan)));
    m_status->setText(tr("Plan: %1 rows to write in %2 statements; %3 collisions; %4 rows not restored; "
                         "%5 rows deleted since the backup kept deleted; %6 warnings.")
                          .arg(plan.rowsToWrite())
                          .arg(plan.steps.size())
                          .arg(plan.collisions.size())
                          .arg(plan.unrestorable.size())
                          .arg(plan.deletedSince.size())
                          .arg(plan.warnings.size()));
    if (!plan.warnings.isEmpty())
        m_output->setPlainText(plan.warnings.join(QLatin1Char('\n')));
    setBusy(false);
    Q_EMIT planned(plan);
}

void RestoreView::preview()
{
    execute(tr("Restore preview"), m_editor->text().toUtf8(), QString(), false);
}

void RestoreView::run()
{
    const QString where = m_live->where();
    const auto answer = QMessageBox::warning(this, tr("Run the restore"),
        tr("Write to %1?\n\n%2 rows in %3 statements, in one transaction. An undo script is written before the commit.")
            .arg(where, QString::number(m_plan.rowsToWrite()), QString::number(m_plan.steps.size())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    const QString directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(directory);
    // A new name for every run: two runs in one second must not meet (an undo script is never replaced).
    const QString stamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    QString undoPath = QDir(directory).filePath(QStringLiteral("undo-%1.sql").arg(stamp));
    for (int n = 2; QFileInfo::exists(undoPath); ++n)
        undoPath = QDir(directory).filePath(QStringLiteral("undo-%1-%2.sql").arg(stamp).arg(n));
    execute(tr("Restore run"), m_editor->text().toUtf8(), undoPath, true);
}

void RestoreView::undo()
{
    const QString undoPath = lastUndo();
    if (undoPath.isEmpty())
        return;
    if (QMessageBox::warning(this, tr("Undo the last run"),
            tr("Run the undo script %1 on %2?").arg(undoPath, m_live->where()), QMessageBox::Yes | QMessageBox::Cancel,
            QMessageBox::Cancel)
        != QMessageBox::Yes)
        return;
    runUndo(false);
}

void RestoreView::runUndo(bool force)
{
    const QString undoPath = lastUndo();
    QFile file(undoPath);
    if (!file.open(QIODevice::ReadOnly)) {
        m_status->setText(tr("Cannot read the undo script %1.").arg(undoPath));
        return;
    }
    execute(force ? tr("Restore undo (forced)") : tr("Restore undo"), file.readAll(),
        undoPath + QStringLiteral(".redo.sql"), true, force);
}

void RestoreView::offerForcedUndo(const UndoGuard::Refusal &refusal)
{
    UndoRefusedDialog dialog(refusal, m_live->where(), this);
    if (dialog.exec() == QDialog::Accepted)
        runUndo(true);
}

void RestoreView::execute(
    const QString &title, const QByteArray &script, const QString &undoPath, bool commit, bool forceUndo)
{
    setBusy(true);
    m_status->setText(tr("%1 on %2…").arg(title, m_live->where()));
    const Connection::SessionRecipe live = m_live->runRecipe();
    BackgroundJob::start<ExecutionReport>(
        m_jobs, title, m_live->where(),
        [live, script, undoPath, commit, forceUndo](JobControl &control) {
            const std::unique_ptr<PgSession> session = live.open();
            RestoreExecutor executor(*session);
            executor.setForceUndo(forceUndo);
            return commit ? executor.run(script, undoPath, &control) : executor.preview(script, &control);
        },
        this,
        [this, title, undoPath, forceUndo](ExecutionReport report) {
            const bool isUndo = undoPath.endsWith(QLatin1String(".redo.sql"));
            if (report.committed) {
                // LIVE moved on: the plan described LIVE before it. Only a run that changed rows can be undone.
                m_planRan = true;
                if (isUndo)
                    m_undoScripts.removeAll(undoPath.chopped(int(qstrlen(".redo.sql"))));
                else if (report.undoRows > 0)
                    m_undoScripts << undoPath;
            }
            showReport(report);
            if (isUndo && !forceUndo && !report.committed) {
                // After this job has finished: the dialog may start the forced undo as a new one.
                if (const auto refusal = UndoGuard::refusalIn(report.error))
                    QMetaObject::invokeMethod(
                        this, [this, refusal = *refusal] { offerForcedUndo(refusal); }, Qt::QueuedConnection);
            }
            if (report.committed)
                Q_EMIT committedToLive(report.timelineNote(title, m_live->where(), undoPath));
        },
        [this](const QString &message, bool cancelled) {
            m_status->setText(cancelled ? tr("Cancelled; LIVE is unchanged.") : message);
            setBusy(false);
        });
}

void RestoreView::showReport(const ExecutionReport &report)
{
    // What the plan restores without a dependant is part of what the run did.
    const QString lost
        = report.committed || report.error.isEmpty() ? LostDependantsPanel::reportText(m_plan) : QString();
    m_output->setPlainText(report.summary() + lost);
    m_tabs->setCurrentWidget(m_output);
    if (report.committed) {
        m_lostDependants->setPlan(m_plan, true);
        if (!lost.isEmpty())
            m_findings->showMessage(tr("<b>%n row(s) were restored without a dependant</b> they had in BACKUP.",
                nullptr, m_lostDependants->findingCount()));
    }
    m_editor->clearErrors();
    if (!report.error.isEmpty() && report.errorLine > 0)
        m_editor->markError(report.errorLine - 1, report.error);
    m_status->setText(report.error.isEmpty()
            ? (report.committed
                    ? (report.undoRows == 0 ? tr("Committed; no row changed.") : tr("Committed.")) + QLatin1Char(' ')
                        + (lastUndo().isEmpty() ? tr("Nothing left to undo; plan again to restore more.")
                                                : tr("Undo last run: %1. Plan again to restore more.").arg(lastUndo()))
                    : tr("Preview done; rolled back."))
            : report.errorLine > 0 ? tr("Failed at line %1: %2").arg(report.errorLine).arg(report.error)
                                   : tr("Failed: %1").arg(report.error));
    setBusy(false);
    Q_EMIT executed(report.committed, report.summary());
}

} // namespace salvage
