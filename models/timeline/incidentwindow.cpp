#include "incidentwindow.h"

#include "jobs/jobcontrol.h"
#include "timeline.h"

#include <limits>

namespace salvage {

std::optional<IncidentWindow> IncidentWindow::of(
    const Timeline &timeline, const QStringList &values, JobControl *control)
{
    if (!timeline.hasCorrelation())
        return std::nullopt;
    IncidentWindow window;
    window.first = std::numeric_limits<qint64>::max();
    window.last = std::numeric_limits<qint64>::min();
    const QStringList keys = timeline.keysAmong(values);
    window.keys = int(keys.size());
    QSet<EventRef> seen; // an event carrying two of the keys counts once
    for (const QString &key : keys) {
        if (control)
            control->throwIfCancelled();
        for (const EventRef &ref : timeline.correlation().exact(key)) {
            if (seen.contains(ref))
                continue;
            seen.insert(ref);
            const qint64 instant = timeline.instant(ref);
            window.first = std::min(window.first, instant);
            window.last = std::max(window.last, instant);
        }
    }
    window.events = seen.size();
    if (window.events == 0)
        return std::nullopt;
    return window;
}

} // namespace salvage
