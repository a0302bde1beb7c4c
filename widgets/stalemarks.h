#pragma once

#include <QHash>
#include <QObject>

#include <functional>

class QWidget;

namespace salvage {

class Banner;

/// After a restore or an undo commits on LIVE, what the views read from LIVE before it no longer
/// holds. Each tracked view that shows results gets a banner at its top saying so, with Refresh;
/// a view whose refresh is cheap refreshes at once. The view's own "fresh results" signal clears it.
class StaleMarks : public QObject
{
    Q_OBJECT
public:
    explicit StaleMarks(QObject *parent = nullptr);

    struct Tracked
    {
        std::function<bool()> hasResults; ///< nothing shown, nothing stale
        std::function<void()> refresh;
        std::function<bool()> cheap; ///< refresh at once rather than ask; empty: never
        /// Shows what another tracked view computes (the overview and the timeline's database
        /// events come from Compare's diff): refreshing either refreshes that one.
        QWidget *follows = nullptr;
    };
    /// `view`'s top-level layout must be a box layout: the banner goes first in it.
    void track(QWidget *view, Tracked tracked);
    /// LIVE changed (`why`, one sentence): every view with results is marked, cheap ones refresh.
    void markStale(const QString &why);
    /// `view` shows results read after the change.
    void markFresh(QWidget *view);
    bool isStale(QWidget *view) const;
    Banner *banner(QWidget *view) const { return m_banners.value(view); }

private:
    void refresh(QWidget *view);

    QHash<QWidget *, Banner *> m_banners;
    QHash<QWidget *, Tracked> m_tracked;
    QHash<QWidget *, bool> m_stale;
};

} // namespace salvage
