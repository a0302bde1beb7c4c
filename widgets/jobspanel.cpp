#include "jobspanel.h"

#include "jobs/jobregistry.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace salvage {

namespace {

/// Draws the progress column as a progress bar (busy when the total is unknown).
class ProgressDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const int percent = index.data(JobRegistry::ProgressRole).toInt();
        if (!index.data(JobRegistry::RunningRole).toBool()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionProgressBar bar;
        bar.rect = option.rect.adjusted(2, 3, -2, -3);
        bar.minimum = 0;
        bar.maximum = percent >= 0 ? 100 : 0;
        bar.progress = qMax(0, percent);
        bar.text = index.data().toString();
        bar.textVisible = true;
        bar.state = option.state | QStyle::State_Horizontal;
        const QWidget *widget = option.widget;
        QStyle *style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
    }
};

} // namespace

JobsPanel::JobsPanel(JobRegistry *registry, QWidget *parent)
    : QWidget(parent)
    , m_registry(registry)
{
    m_view = new QTableView(this);
    m_view->setModel(registry);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(JobRegistry::TitleColumn, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(JobRegistry::StateColumn, QHeaderView::Stretch);
    // In characters, not pixels: a 4K screen's larger font gets wider columns too.
    m_view->setColumnWidth(JobRegistry::SourceColumn, m_view->fontMetrics().averageCharWidth() * 11);
    m_view->setColumnWidth(JobRegistry::ProgressColumn, m_view->fontMetrics().averageCharWidth() * 20);
    m_view->setItemDelegateForColumn(JobRegistry::ProgressColumn, new ProgressDelegate(m_view));
    m_view->setWordWrap(false);

    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel job"));
    m_cancel->setToolTip(tr("Cancel the selected job (Esc)"));
    m_cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(buttons);
    layout->addWidget(m_view);

    connect(m_cancel, &QToolButton::clicked, this, [this]() {
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        if (!rows.isEmpty()) {
            m_registry->cancel(rows.first().row());
            return;
        }
        // Nothing selected: cancel the newest running job, which is what the operator just started.
        for (int row = 0; row < m_registry->rowCount(); ++row) {
            if (m_registry->index(row, 0).data(JobRegistry::CancellableRole).toBool()) {
                m_registry->cancel(row);
                return;
            }
        }
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &JobsPanel::updateButtons);
    connect(registry, &QAbstractItemModel::dataChanged, this, &JobsPanel::updateButtons);
    connect(registry, &JobRegistry::runningCountChanged, this, &JobsPanel::updateButtons);
    updateButtons();
}

void JobsPanel::updateButtons()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    m_cancel->setEnabled(
        rows.isEmpty() ? m_registry->runningCount() > 0 : rows.first().data(JobRegistry::CancellableRole).toBool());
}

} // namespace salvage
