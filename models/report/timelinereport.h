#pragma once

#include "reportwriter.h"
#include "timeline/annotations.h"
#include "timeline/timeline.h"

namespace salvage {

class JobControl;

/// Exports a selection of a timeline with its annotations as a postmortem: turns events and
/// manual notes into ReportEntry rows and streams them through a ReportWriter in time order.
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
    QSet<EventRef> m_inferred;
};

} // namespace salvage
