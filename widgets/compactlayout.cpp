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
    for (QTabWidget *tabs : view->findChildren<QTabWidget *>()) {
        tabs->setUsesScrollButtons(true);
        tabs->setElideMode(Qt::ElideRight);
    }
}

} // namespace salvage
