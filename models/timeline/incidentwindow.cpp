#include "incidentwindow.h"

#include "jobs/jobcontrol.h"
#include "timeline.h"

#include <limits>

namespace salvage {

QString IncidentWindow::kindOf(const QString &table)
{
    const QString name = table.section(QLatin1Char('.'), -1).toLower();
    if (name.endsWith(QLatin1String("ies")))
        return name.chopped(3) + QLatin1Char('y');
    for (const char *suffix : { "ses", "xes", "ches", "shes" })
        if (name.endsWith(QLatin1String(suffix)))
            return name.chopped(2);
    return name.endsWith(QLatin1Char('s')) ? name.chopped(1) : name;
}

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
        const QString kind = kindOf(table.key());
        for (const QString &value : timeline.keysAmong(table.value())) {
            if (control)
                control->throwIfCancelled();
            // A bare number means a row only with its table: 44 as an account, not as a status.
            if (!timeline.correlation().kindsOf(value).contains(kind))
                continue;
            ++window.keys;
            for (const EventRef &ref : timeline.correlation().exact(value)) {
                if (seen.contains(ref))
                    continue;
                seen.insert(ref);
                const qint64 instant = timeline.instant(ref);
                window.first = std::min(window.first, instant);
                window.last = std::max(window.last, instant);
            }
        }
    }
    window.events = seen.size();
    if (window.events == 0)
        return std::nullopt;
    return window;
}

} // namespace salvage
