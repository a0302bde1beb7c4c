#include "compactlayout.h"

#include <QComboBox>
#include <QTabWidget>

namespace salvage {

void compactLayout(QWidget *view)
{
    for (QComboBox *combo : view->findChildren<QComboBox *>()) {
        if (combo->sizeAdjustPolicy() == QComboBox::AdjustToContentsOnFirstShow
            || combo->sizeAdjustPolicy() == QComboBox::AdjustToContents) {
            combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
            combo->setMinimumContentsLength(12);
        }
    }
    // Whole tab names and scroll arrows: elided, the Restore view's nine tabs read "P…", "S…" at 1280 px.
    for (QTabWidget *tabs : view->findChildren<QTabWidget *>()) {
        tabs->setUsesScrollButtons(true);
        tabs->setElideMode(Qt::ElideNone);
    }
}

} // namespace salvage
