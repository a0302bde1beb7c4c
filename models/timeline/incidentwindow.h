#pragma once

#include <QMap>
#include <QStringList>
#include <QtGlobal>

#include <optional>

namespace salvage {

class JobControl;
class Timeline;

/// When the logs saw an incident's rows: the first and the last event carrying one of their key
/// values as an id of their table ("accounts:44", not any 44; Timeline::keysAmong). For the Overview.
struct IncidentWindow
{
    qint64 first = 0; ///< UTC milliseconds, as Timeline::instant()
    qint64 last = 0;
    qint64 events = 0; ///< events carrying one of the keys
    int keys = 0; ///< how many of the values some event carries

    /// `keys`: "schema.table" → key values of its rows. Needs the timeline's correlation; nothing
    /// when no event carries any of them.
    static std::optional<IncidentWindow> of(
        const Timeline &timeline, const QMap<QString, QStringList> &keys, JobControl *control = nullptr);
};

} // namespace salvage
