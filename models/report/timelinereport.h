#pragma once

#include "logs/eventreader.h"
#include "reportwriter.h"
#include "timeline/annotations.h"
#include "timeline/timeline.h"

#include <memory>
#include <vector>

namespace salvage {

class JobControl;

/// Exports a selection of a timeline with its annotations as a postmortem: turns events and
/// manual notes into ReportEntry rows and streams them through a ReportWriter in time order.
/// Reads each source in blocks as the rows come: not shared between threads.
class TimelineReport
{
public:
    TimelineReport(const Timeline &timeline, const Annotations *annotations);

    /// Events selected only through an inferred link (Timeline::keyed's `inferred`): marked so.
    void setInferred(QSet<EventRef> refs) { m_inferred = std::move(refs); }

    ReportEntry entryFor(EventRef ref) const;
    ReportEntry entryFor(const Annotations::ManualEvent &event) const;
    /// Writes `selection` (merged order) plus the manual events. `control` gets progress and
    /// may cancel (salvage::Cancelled is thrown; the caller discards what was written).
    void write(ReportWriter &writer, const std::vector<EventRef> &selection, const QStringList &notes,
        JobControl *control = nullptr) const;
    /// One line per source: file, format, how its times were read (IndexedLog::timesDescription).
    QStringList sourceNotes() const;
    /// Key events: every event with a star, tag or comment (whatever the filter shows) and every
    /// manual event, in time order.
    QList<ReportEntry> highlights() const;

private:
    const Timeline &m_timeline;
    const Annotations *m_annotations;
    bool m_marks = false; ///< some event is marked: look each one up
    QSet<EventRef> m_inferred;
    mutable std::vector<std::unique_ptr<EventReader>> m_readers; ///< per source, made on first use
    QStringList m_labels; ///< per source
    mutable QHash<QString, QString> m_tables; ///< Timeline::tableOf per key tag: few tags, many rows
};

} // namespace salvage
