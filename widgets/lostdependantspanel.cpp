#include "lostdependantspanel.h"

#include "restore/rowaction.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salvage {

LostDependantsPanel::LostDependantsPanel(QWidget *parent)
    : QWidget(parent)
    , m_tree(new QTreeWidget(this))
{
    m_tree->setObjectName(QStringLiteral("lostDependants"));
    m_tree->setHeaderLabels({ tr("Dependant table / restored row"), tr("Choice"), tr("Finding") });
    m_tree->setUniformRowHeights(false);
    m_tree->header()->setStretchLastSection(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *help = new QLabel(tr("A restored row whose dependant cannot come back (its unique key is a live row's now). "
                               "<b>Merge</b>: the live row becomes the restored one's (policy restore). "
                               "<b>Remap</b>: the restored row's dependants use the live row (policy keep-live). "
                               "<b>Skip</b>: restore it without the dependant, as planned."),
        this);
    help->setWordWrap(true);
    layout->addWidget(help);
    layout->addWidget(m_tree, 1);
}

bool LostDependantsPanel::isLostDependant(const PlanListing &listing)
{
    return listing.action == RowAction::DependantSkipped;
}

QList<PlanListing> LostDependantsPanel::of(const RestorePlan &plan)
{
    QList<PlanListing> findings;
    for (const PlanListing &listing : plan.collisions)
        if (isLostDependant(listing))
            findings << listing;
    return findings;
}

QString LostDependantsPanel::reportText(const RestorePlan &plan)
{
    const QList<PlanListing> findings = of(plan);
    if (findings.isEmpty())
        return {};
    QStringList lines { tr(
        "Restored without a dependant they had in BACKUP (%n row(s)):", nullptr, int(findings.size())) };
    for (const PlanListing &finding : findings)
        lines << QStringLiteral("  %1 %2: %3").arg(finding.table, finding.key, finding.reason);
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void LostDependantsPanel::setPlan(const RestorePlan &plan, bool ran)
{
    m_tree->clear();
    QMap<QString, QList<PlanListing>> byDependant;
    const QList<PlanListing> findings = of(plan);
    m_count = int(findings.size());
    for (const PlanListing &finding : findings)
        byDependant[finding.dependantTable].append(finding);
    for (auto it = byDependant.cbegin(); it != byDependant.cend(); ++it) {
        const QString dependant = it.key();
        auto *group = new QTreeWidgetItem(m_tree,
            { dependant.isEmpty() ? tr("(dependant table unknown)") : dependant, QString(),
                ran ? tr("%n row(s) restored without it", nullptr, int(it.value().size()))
                    : tr("%n row(s) would come back without it", nullptr, int(it.value().size())) });
        group->setIcon(0, style()->standardIcon(QStyle::SP_MessageBoxWarning));
        for (const PlanListing &finding : it.value()) {
            auto *item = new QTreeWidgetItem(group, { QStringLiteral("%1 %2").arg(finding.table, finding.key) });
            item->setText(2, finding.reason);
            item->setToolTip(2, finding.reason);
        }
        if (!ran && !dependant.isEmpty()) {
            auto *choices = new QWidget(m_tree);
            auto *row = new QHBoxLayout(choices);
            row->setContentsMargins(0, 0, 0, 0);
            const struct
            {
                QString text;
                QString tip;
                RestorePolicy policy;
            } options[] = {
                { tr("Merge"), tr("--policy %1=restore: the live row becomes the restored one's").arg(dependant),
                    RestorePolicy::Restore },
                { tr("Remap"),
                    tr("--policy %1=keep-live: the restored row's dependants use the live row").arg(dependant),
                    RestorePolicy::KeepLive },
                { tr("Skip"), tr("--policy %1=skip: restored without it, as planned").arg(dependant),
                    RestorePolicy::Skip },
            };
            for (const auto &option : options) {
                auto *button = new QPushButton(option.text, choices);
                button->setObjectName(QStringLiteral("choice-") + restorePolicyName(option.policy));
                button->setToolTip(option.tip);
                const RestorePolicy policy = option.policy;
                connect(button, &QPushButton::clicked, this,
                    [this, dependant, policy]() { Q_EMIT policyChosen(dependant, policy); });
                row->addWidget(button);
            }
            m_tree->setItemWidget(group, 1, choices);
        }
    }
    m_tree->expandAll();
    m_tree->resizeColumnToContents(0);
    m_tree->resizeColumnToContents(1);
}

} // namespace salvage
