#include "postmortem.h"

#include "timeline/annotations.h"
#include "timeline/timeline.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QMap>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

QString utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + u" UTC"_s;
}

QString bare(const QString &table)
{
    return table.section(u'.', -1);
}

} // namespace

PostmortemSummarizer::PostmortemSummarizer(
    const Timeline &timeline, const Annotations &annotations, const PostmortemInputs &inputs)
    : m_timeline(timeline)
    , m_annotations(annotations)
    , m_inputs(inputs)
{
}

QList<TableLoss> PostmortemSummarizer::lossesOf(const DiffResult &diff)
{
    QList<TableLoss> losses;
    for (const TableDiff &table : diff.tables) {
        const qint64 moved = table.movedRows();
        if (table.identical() && moved == 0)
            continue;
        losses.append({ table.table, table.onlyInBackup, table.onlyInLive, table.changed, moved });
    }
    std::stable_sort(losses.begin(), losses.end(), [](const TableLoss &a, const TableLoss &b) {
        return std::tuple(a.lost, a.changed, a.added) > std::tuple(b.lost, b.changed, b.added);
    });
    return losses;
}

QStringList PostmortemSummarizer::lostValues(const DiffResult &diff)
{
    QStringList values;
    QSet<QString> seen;
    const auto add = [&](const QString &value) {
        if (!value.isEmpty() && !seen.contains(value)) {
            seen.insert(value);
            values.append(value);
        }
    };
    // A number names a row only with its table (Timeline::keysAmong): "accounts:44", not 44.
    for (const TableDiff &table : diff.tables) {
        for (qsizetype i = 0; i < table.rows.size(); ++i)
            if (table.rows.at(i).status == DiffRow::Status::OnlyInBackup && table.hasPrimaryKey()) {
                const QStringList key = table.key(i);
                for (const QString &value : key)
                    add(key.size() == 1 ? Timeline::rowKey(table.table, value) : value);
            }
        for (const DiffMove &move : table.moves)
            if (move.from) {
                const QStringList parts = move.from->split(u',');
                for (const QString &value : parts)
                    add(parts.size() == 1 && !move.target.isEmpty() ? Timeline::rowKey(move.target, value.trimmed())
                                                                    : value.trimmed());
            }
    }
    return values;
}

PostmortemSummary PostmortemSummarizer::summarize(const std::vector<EventRef> &selection) const
{
    PostmortemSummary summary;
    describeDiff(summary);
    summary.gain = m_inputs.gain;
    describeReach(summary, selection);
    describeRestores(summary);
    return summary;
}

void PostmortemSummarizer::describeDiff(PostmortemSummary &summary) const
{
    if (!m_inputs.diff) {
        summary.what << u"No database comparison was given: connect LIVE and BACKUP (or pass --live and --backup) "
                        "to add the rows lost per table and the moves."_s;
        return;
    }
    const DiffResult &diff = *m_inputs.diff;
    summary.losses = lossesOf(diff);
    qint64 lost = 0, added = 0, changed = 0, moved = 0;
    for (const TableLoss &loss : std::as_const(summary.losses)) {
        lost += loss.lost;
        added += loss.added;
        changed += loss.changed;
        moved += loss.moved;
    }
    // A re-pointed row is a changed row: said within the changed count, not added to it.
    summary.what << u"%L1 rows lost, %L2 new and %L3 changed%4 across %5 of %6 tables (BACKUP → LIVE)."_s.arg(lost)
                        .arg(added)
                        .arg(changed)
                        .arg(moved > 0 ? u" (%L1 of them re-pointed)"_s.arg(moved) : QString())
                        .arg(summary.losses.size())
                        .arg(diff.tables.size());
    if (!summary.losses.isEmpty() && summary.losses.first().lost > 0) {
        const TableLoss &top = summary.losses.first();
        summary.what << u"Most rows were lost from %1 (%2)."_s.arg(top.table, QLocale().toString(top.lost));
    }
    QList<DiffFanIn> fanIn = diff.fanIn();
    fanIn.removeIf([](const DiffFanIn &fan) { return !fan.target; }); // cleared references point at no row
    if (!fanIn.isEmpty() && fanIn.first().incident) {
        const DiffFanIn &top = fanIn.first();
        summary.what << u"Largest fan-in: %1 rows of %2 re-pointed from %3 %4 to %4 %5."_s.arg(
            QLocale().toString(top.rows), top.tables.join(u", "_s), QLocale().toString(top.sources), bare(top.table),
            *top.target);
    }
    if (diff.backupTime)
        summary.when << u"The backup's newest row dates from %1."_s.arg(utc(qint64(*diff.backupTime * 1000)));
    if (!diff.complete)
        summary.what << u"The comparison did not finish: these counts cover the tables compared."_s;
}

void PostmortemSummarizer::describeReach(PostmortemSummary &summary, const std::vector<EventRef> &selection) const
{
    if (!selection.empty())
        summary.when << u"The exported events run from %1 to %2 (%L3 events)."_s
                            .arg(utc(m_timeline.instant(selection.front())), utc(m_timeline.instant(selection.back())))
                            .arg(qint64(selection.size()));
    if (!m_inputs.diff)
        return;
    if (!m_timeline.hasCorrelation()) {
        summary.when << u"The logs were not parsed for keys, so no event is tied to a lost row."_s;
        return;
    }
    const QStringList values = lostValues(*m_inputs.diff);
    const QStringList keys = m_timeline.keysAmong(values);
    const QSet<EventRef> touching = keys.isEmpty() ? QSet<EventRef>() : m_timeline.keyed(keys);
    if (touching.isEmpty()) {
        summary.when << u"No log event carries a value of a lost row (%L1 values looked up)."_s.arg(values.size());
        return;
    }
    qint64 first = std::numeric_limits<qint64>::max(), last = std::numeric_limits<qint64>::min();
    QMap<QString, qint64> perSource;
    for (const EventRef &ref : touching) {
        const qint64 at = m_timeline.instant(ref);
        first = std::min(first, at);
        last = std::max(last, at);
        ++perSource[m_timeline.source(int(ref.source)).label()];
    }
    summary.incidentWindow = std::pair(first, last);
    summary.when << u"First event touching a lost row: %1; last: %2."_s.arg(utc(first), utc(last));
    QStringList sources;
    for (auto it = perSource.begin(); it != perSource.end(); ++it)
        sources << u"%1 (%2)"_s.arg(it.key(), QLocale().toString(it.value()));
    summary.reach << u"%1 log events touch a lost row, in %2."_s.arg(
        QLocale().toString(touching.size()), sources.join(u", "_s));
    summary.reach
        << u"%L1 of the %L2 values naming lost rows appear in the logs as keys."_s.arg(keys.size()).arg(values.size());
    qint64 tables = 0;
    for (const TableLoss &loss : std::as_const(summary.losses))
        tables += loss.lost > 0 || loss.moved > 0 ? 1 : 0;
    summary.reach << u"%1 tables lost or had re-pointed rows."_s.arg(tables);
}

void PostmortemSummarizer::describeRestores(PostmortemSummary &summary) const
{
    // A restore committed from the GUI leaves a note tagged "restore" (with its undo script's path).
    for (const Annotations::ManualEvent &event : m_annotations.manualEvents())
        if (event.tags.contains(u"restore"_s))
            summary.restored << u"%1: %2"_s.arg(utc(event.instantMs), event.text);
    if (!m_inputs.workspaceDirectory.isEmpty()) {
        const QFileInfoList undo = QDir(m_inputs.workspaceDirectory)
                                       .entryInfoList({ u"undo*.sql"_s }, QDir::Files | QDir::Readable, QDir::Time);
        for (const QFileInfo &file : undo)
            summary.restored << u"Undo script %1 (%2 bytes, written %3): a restore run was committed."_s.arg(
                file.fileName(), QLocale().toString(file.size()), utc(file.lastModified().toMSecsSinceEpoch()));
    }
    if (summary.restored.isEmpty())
        summary.restored << u"Nothing restored yet: no restore note in the annotations and no undo script in the "
                            "workspace's directory."_s;
}

} // namespace salvage
