#pragma once

#include <QMap>
#include <QStringList>
#include <QtGlobal>

#include <optional>

namespace salvage {

class JobControl;
class Timeline;

/// When the logs saw an incident's rows: the first and the last event carrying one of their key
/// values as a key of their table's kind (account 44 as an "account", not as any 44). For the Overview.
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
    /// The kind a log gives a table's keys: "public.statuses" → "status", "identities" → "identity".
    static QString kindOf(const QString &table);
};

} // namespace salvage
