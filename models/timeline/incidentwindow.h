#pragma once

#include <QStringList>
#include <QtGlobal>

#include <optional>

namespace salvage {

class JobControl;
class Timeline;

/// When the logs saw an incident's rows: the first and the last event carrying one of their
/// values as a key (exact matches only: an inferred partner is not a touch). For the Overview.
struct IncidentWindow
{
    qint64 first = 0; ///< UTC milliseconds, as Timeline::instant()
    qint64 last = 0;
    qint64 events = 0; ///< events carrying one of the keys
    int keys = 0; ///< how many of the values some event carries

    /// Needs the timeline's correlation; nothing when no event carries any of `values`.
    static std::optional<IncidentWindow> of(
        const Timeline &timeline, const QStringList &values, JobControl *control = nullptr);
};

} // namespace salvage
