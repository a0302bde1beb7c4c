#include "timelinereport.h"

#include "jobs/jobcontrol.h"

using namespace Qt::StringLiterals;

namespace salvage {

TimelineReport::TimelineReport(const Timeline &timeline, const Annotations *annotations)
    : m_timeline(timeline)
    , m_annotations(annotations)
    , m_marks(annotations && !annotations->marked().isEmpty())
    , m_readers(size_t(timeline.sourceCount()))
{
    for (int i = 0; i < timeline.sourceCount(); ++i)
        m_labels.append(timeline.source(i).label());
}

ReportEntry TimelineReport::entryFor(EventRef ref) const
{
    std::unique_ptr<EventReader> &reader = m_readers[ref.source];
    if (!reader)
        reader = std::make_unique<EventReader>(m_timeline.source(int(ref.source)));
    const LogEvent event = reader->event(ref.entry);
    ReportEntry entry;
    entry.instantMs = event.instantMs;
    entry.originalTime = event.originalTime;
    entry.source = m_labels.at(ref.source);
    entry.level = event.level;
    entry.message = event.message;
    entry.keys = event.keys;
    for (LogKey &key : entry.keys) {
        // The table it names, as the schema spells it.
        auto table = m_tables.constFind(key.table);
        if (table == m_tables.constEnd())
            table = m_tables.insert(key.table, m_timeline.tableOf(key));
        key.table = *table;
    }
    entry.timestampDesc = event.timestampDesc;
    entry.inferred = m_inferred.contains(ref);
    if (m_timeline.hasCorrelation()) {
        for (const EventRef &other : m_timeline.correlation().inferred(ref)) {
            const IndexedLog &log = m_timeline.source(int(other.source));
            entry.inferredLinks.append({ m_labels.at(other.source), log.index().line(other.entry),
                m_timeline.instant(other), CorrelationIndex::inferredReason() });
        }
        std::sort(entry.inferredLinks.begin(), entry.inferredLinks.end(),
            [](const ReportLink &a, const ReportLink &b) { return a.instantMs < b.instantMs; });
    }
    if (m_marks) {
        const Annotations::Mark mark = m_annotations->mark(m_timeline.eventKey(ref));
        entry.starred = mark.starred;
        entry.tags = mark.tags;
        entry.comment = mark.comment;
    }
    return entry;
}

ReportEntry TimelineReport::entryFor(const Annotations::ManualEvent &event) const
{
    ReportEntry entry;
    entry.instantMs = event.instantMs;
    entry.source = u"note"_s;
    entry.message = event.text;
    entry.timestampDesc = u"Noted by the operator"_s;
    entry.manual = true;
    entry.starred = event.starred;
    entry.tags = event.tags;
    return entry;
}

QStringList TimelineReport::sourceNotes() const
{
    QStringList notes;
    for (int i = 0; i < m_timeline.sourceCount(); ++i) {
        const IndexedLog &log = m_timeline.source(i);
        const LogFormat *format = log.payload() ? log.payload() : log.format();
        QString note
            = u"%1: %2, %3"_s.arg(log.source().path, format ? format->title : u"unknown"_s, log.timesDescription());
        if (log.source().clockOffsetMs != 0)
            note += u", clock corrected by %1 ms"_s.arg(log.source().clockOffsetMs);
        if (!log.file().damage().isEmpty())
            note += u" (" + log.file().damage() + u')';
        notes.append(note);
    }
    return notes;
}

QList<ReportEntry> TimelineReport::highlights() const
{
    QList<ReportEntry> entries;
    if (!m_annotations)
        return entries;
    // Every marked event, whether the filter shows it or not: the marks are the night's findings.
    for (const QString &key : m_annotations->marked())
        if (const std::optional<EventRef> ref = m_timeline.refOf(key))
            entries.append(entryFor(*ref));
    for (const Annotations::ManualEvent &event : m_annotations->manualEvents())
        entries.append(entryFor(event));
    std::stable_sort(entries.begin(), entries.end(),
        [](const ReportEntry &a, const ReportEntry &b) { return a.instantMs < b.instantMs; });
    return entries;
}

void TimelineReport::write(
    ReportWriter &writer, const std::vector<EventRef> &selection, const QStringList &notes, JobControl *control) const
{
    QList<Annotations::ManualEvent> manual;
    if (m_annotations)
        manual = m_annotations->manualEvents();
    writer.begin(highlights(), notes);
    qsizetype next = 0;
    qint64 done = 0;
    for (const EventRef &ref : selection) {
        if (control && ++done % 4096 == 0) {
            control->throwIfCancelled();
            control->setProgress(done, qint64(selection.size()));
        }
        const ReportEntry entry = entryFor(ref);
        while (next < manual.size() && manual.at(next).instantMs <= entry.instantMs)
            writer.add(entryFor(manual.at(next++)));
        writer.add(entry);
    }
    while (next < manual.size())
        writer.add(entryFor(manual.at(next++)));
    writer.finish();
}

} // namespace salvage
