#pragma once

#include "restore/restoreplan.h"

#include <QWidget>

class QTreeWidget;

namespace salvage {

/// The rows a plan restores without a dependant they had in BACKUP (the planner's
/// `dependant-skipped` findings: an account without its login row), grouped by the dependant's
/// table with the finding's choices — merge, remap, or skip as planned — before the run, and as
/// what was restored without them after it.
class LostDependantsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit LostDependantsPanel(QWidget *parent = nullptr);

    static bool isLostDependant(const PlanListing &listing);
    static QList<PlanListing> of(const RestorePlan &plan);
    /// Lines for a run's report: what came back without a dependant; empty when nothing did.
    static QString reportText(const RestorePlan &plan);

    /// Shows `plan`'s findings; once it `ran`, they are facts and the choices are gone.
    void setPlan(const RestorePlan &plan, bool ran);
    int findingCount() const { return m_count; }

Q_SIGNALS:
    /// The operator chose for the dependants of `table`: its policy, then a new plan.
    void policyChosen(const QString &table, salvage::RestorePolicy policy);

private:
    QTreeWidget *m_tree;
    int m_count = 0;
};

} // namespace salvage
