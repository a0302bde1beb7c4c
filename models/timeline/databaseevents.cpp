#include "databaseevents.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

qint64 toMs(double seconds)
{
    return qint64(std::llround(seconds * 1000.0));
}

Annotations::ManualEvent event(const QString &id, qint64 instantMs, const QString &text)
{
    return Annotations::ManualEvent::derived(DatabaseEvents::idPrefix, id, instantMs, text, DatabaseEvents::tag);
}

} // namespace

QList<Annotations::ManualEvent> DatabaseEvents::of(const DiffResult &result)
{
    QList<Annotations::ManualEvent> events;
    if (result.backupTime)
        events.append(event(backupPointId.mid(idPrefix.size()).toString(), toMs(*result.backupTime),
            u"BACKUP point in time (the newest creation time found in BACKUP)"_s));
    for (const TableDiff &table : result.tables) {
        double first = INFINITY, last = -INFINITY;
        qint64 count = 0;
        for (const DiffRow &row : table.rows) {
            if (row.origin != DiffRow::Origin::NewSinceBackup || !row.liveTime)
                continue;
            first = std::min(first, *row.liveTime);
            last = std::max(last, *row.liveTime);
            ++count;
        }
        if (count == 0)
            continue;
        const QString lastText
            = QDateTime::fromMSecsSinceEpoch(toMs(last), QTimeZone::utc()).toString(u"yyyy-MM-dd HH:mm:ss 'UTC'"_s);
        events.append(event(u"new:"_s + table.table, toMs(first),
            u"%1: the first of %2 row(s) only in LIVE created after the backup (the last at %3)"_s.arg(
                table.table, QString::number(count), lastText)));
    }
    std::stable_sort(events.begin(), events.end(),
        [](const Annotations::ManualEvent &a, const Annotations::ManualEvent &b) { return a.instantMs < b.instantMs; });
    return events;
}

} // namespace salvage
