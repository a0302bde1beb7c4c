#include "incidentwindow.h"

#include "jobs/jobcontrol.h"
#include "timeline.h"

#include <limits>

namespace salvage {

std::optional<IncidentWindow> IncidentWindow::of(
    const Timeline &timeline, const QMap<QString, QStringList> &keys, JobControl *control)
{
    if (!timeline.hasCorrelation())
        return std::nullopt;
    IncidentWindow window;
    window.first = std::numeric_limits<qint64>::max();
    window.last = std::numeric_limits<qint64>::min();
    QSet<EventRef> seen; // an event carrying two of the keys counts once
    for (auto table = keys.cbegin(); table != keys.cend(); ++table) {
        if (control)
            control->throwIfCancelled();
        // A bare number means a row only with its table: 44 as an account, not as a status.
        QStringList qualified;
        for (const QString &value : table.value())
            qualified << Timeline::rowKey(table.key(), value);
        const QStringList found = timeline.keysAmong(qualified);
        window.keys += found.size();
        if (found.isEmpty())
            continue;
        for (const EventRef &ref : timeline.keyed(found)) {
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
