#include "stalemarks.h"

#include "banner.h"

#include <QBoxLayout>
#include <QPushButton>
#include <QWidget>

namespace salvage {

StaleMarks::StaleMarks(QObject *parent)
    : QObject(parent)
{
}

void StaleMarks::track(QWidget *view, Tracked tracked)
{
    auto *banner = new Banner(view);
    banner->setObjectName(QStringLiteral("staleBanner"));
    if (auto *box = qobject_cast<QBoxLayout *>(view->layout()))
        box->insertWidget(0, banner);
    QPushButton *refresh = banner->addButton(tr("Refresh"));
    refresh->setObjectName(QStringLiteral("staleRefresh"));
    connect(refresh, &QPushButton::clicked, this, [this, view]() { this->refresh(view); });
    m_banners.insert(view, banner);
    m_tracked.insert(view, std::move(tracked));
}

void StaleMarks::markStale(const QString &why)
{
    QList<QWidget *> cheap;
    for (auto it = m_tracked.cbegin(); it != m_tracked.cend(); ++it) {
        QWidget *view = it.key();
        if (it->hasResults && !it->hasResults())
            continue;
        m_stale.insert(view, true);
        Banner *banner = m_banners.value(view);
        banner->findChild<QPushButton *>(QStringLiteral("staleRefresh"))->setEnabled(true);
        banner->showMessage(
            tr("<b>Out of date:</b> %1 What this view shows was read before.").arg(why.toHtmlEscaped()));
        if (!it->follows && it->cheap && it->cheap())
            cheap << view;
    }
    for (QWidget *view : std::as_const(cheap))
        refresh(view);
}

void StaleMarks::refresh(QWidget *view)
{
    QWidget *source = m_tracked.value(view).follows ? m_tracked.value(view).follows : view;
    for (auto it = m_tracked.cbegin(); it != m_tracked.cend(); ++it) {
        if ((it.key() != source && it->follows != source) || !isStale(it.key()))
            continue;
        Banner *banner = m_banners.value(it.key());
        banner->showMessage(tr("<b>Out of date:</b> refreshing…"));
        banner->findChild<QPushButton *>(QStringLiteral("staleRefresh"))->setEnabled(false);
    }
    m_tracked.value(source).refresh();
}

void StaleMarks::markFresh(QWidget *view)
{
    for (auto it = m_tracked.cbegin(); it != m_tracked.cend(); ++it) {
        if (it.key() != view && it->follows != view)
            continue;
        m_stale.remove(it.key());
        m_banners.value(it.key())->setVisible(false);
    }
}

bool StaleMarks::isStale(QWidget *view) const
{
    return m_stale.value(view, false);
}

} // namespace salvage
