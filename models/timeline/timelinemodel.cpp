#include "timelinemodel.h"

#include "core/mark.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace salvage {

TimelineModel::TimelineModel(Timeline *timeline, Annotations *annotations, QObject *parent)
    : QAbstractTableModel(parent)
    , m_timeline(timeline)
    , m_annotations(annotations)
{
    connect(m_annotations, &Annotations::markChanged, this, [this] {
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, Star), index(rowCount() - 1, Comment));
    });
    connect(m_annotations, &Annotations::manualEventsChanged, this, &TimelineModel::refresh);
}

void TimelineModel::setFilter(const TimelineFilter &filter)
{
    setSelection(filter, m_timeline->select(filter));
}

void TimelineModel::setSelection(const TimelineFilter &filter, std::vector<EventRef> selected)
{
    m_filter = filter;
    m_selected = std::move(selected);
    m_inferred.clear();
    if (!filter.keys.isEmpty())
        m_timeline->keyed(filter.keys, &m_inferred);
    refresh();
}

void TimelineModel::refresh()
{
    beginResetModel();
    m_events.clear();
    // Manual events join the rows in time order (filtered by time only: they carry no keys).
    const QList<Annotations::ManualEvent> &manual = m_annotations->manualEvents();
    std::vector<EventRef> rows;
    rows.reserve(m_selected.size() + size_t(manual.size()));
    size_t next = 0;
    for (int i = 0; i < manual.size(); ++i) {
        const qint64 at = manual.at(i).instantMs;
        if (at < m_filter.fromMs || at > m_filter.toMs)
            continue;
        while (next < m_selected.size() && m_timeline->instant(m_selected[next]) <= at)
            rows.push_back(m_selected[next++]);
        rows.push_back({ manualSource, quint32(i) });
    }
    rows.insert(rows.end(), m_selected.begin() + qptrdiff(next), m_selected.end());
    m_rows = std::move(rows);
    endResetModel();
}

void TimelineModel::setDisplayZone(const QTimeZone &zone)
{
    m_zone = zone.isValid() ? zone : QTimeZone::utc();
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, Time), index(rowCount() - 1, Time));
}

int TimelineModel::rowAtInstant(qint64 instantMs) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), instantMs, [this](const EventRef &ref, qint64 ms) {
        const qint64 at = ref.source == manualSource ? m_annotations->manualEvents().at(ref.entry).instantMs
                                                     : m_timeline->instant(ref);
        return at < ms;
    });
    return int(it - m_rows.begin());
}

int TimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const LogEvent &TimelineModel::eventAt(EventRef ref) const
{
    if (LogEvent *cached = m_events.object(ref))
        return *cached;
    auto *event = new LogEvent(m_timeline->event(ref));
    m_events.insert(ref, event);
    return *event;
}

QString TimelineModel::formatInstant(qint64 ms) const
{
    return QDateTime::fromMSecsSinceEpoch(ms, m_zone).toString(u"yyyy-MM-dd HH:mm:ss.zzz t"_s);
}

QVariant TimelineModel::manualData(const Annotations::ManualEvent &event, int column, int role) const
{
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case Time:
            return formatInstant(event.instantMs);
        case Source:
            return tr("(note)");
        case Message:
            return event.text;
        case Tags:
            return event.tags.join(u", "_s);
        default:
            return {};
        }
    case Qt::CheckStateRole:
        return column == Star ? QVariant(event.starred ? Qt::Checked : Qt::Unchecked) : QVariant();
    case InstantRole:
        return event.instantMs;
    case EventKeyRole:
        return event.id;
    case RawRole:
        return event.text;
    case SourceIndexRole:
        return -1;
    case ManualRole:
        return true;
    default:
        return {};
    }
}

namespace {

/// Errors and warnings stand out in the table; views colour them from their palette.
Mark markOf(LogLevel level)
{
    if (level >= LogLevel::Error)
        return Mark::Error;
    if (level == LogLevel::Warning)
        return Mark::Warning;
    if (level == LogLevel::Trace || level == LogLevel::Debug)
        return Mark::Debug;
    return Mark::None;
}

} // namespace

QVariant TimelineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const EventRef ref = m_rows.at(size_t(index.row()));
    if (ref.source == manualSource)
        return manualData(m_annotations->manualEvents().at(ref.entry), index.column(), role);
    const int column = index.column();
    switch (role) {
    case InstantRole:
        return m_timeline->instant(ref);
    case EventKeyRole:
        return m_timeline->eventKey(ref);
    case LevelRole:
        return int(m_timeline->level(ref));
    case MarkRole:
        return column == Level || column == Message ? int(markOf(m_timeline->level(ref))) : int(Mark::None);
    case SourceIndexRole:
        return int(ref.source);
    case ManualRole:
        return false;
    case InferredRole:
        return m_inferred.contains(ref);
    default:
        break;
    }
    if (role == Qt::CheckStateRole && column == Star)
        return m_annotations->mark(m_timeline->eventKey(ref)).starred ? Qt::Checked : Qt::Unchecked;
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole && role != RawRole
        && role != KeysRole)
        return {};
    if (column == Time && role == Qt::DisplayRole)
        return formatInstant(m_timeline->instant(ref));
    if (column == Source && role == Qt::DisplayRole)
        return m_timeline->source(int(ref.source)).label();
    if (column == Tags || column == Comment) {
        // The tooltip shows the whole mark when the column cuts it.
        const Annotations::Mark mark = m_annotations->mark(m_timeline->eventKey(ref));
        return column == Tags ? mark.tags.join(u", "_s) : mark.comment;
    }
    const LogEvent &event = eventAt(ref);
    QStringList keys;
    for (const LogKey &key : event.keys)
        keys.append(key.kind + u'=' + key.value);
    if (role == RawRole || role == Qt::ToolTipRole)
        return event.raw;
    if (role == KeysRole)
        return keys;
    switch (column) {
    case Original:
        return event.originalTime;
    case Level:
        return levelName(event.level);
    case Message:
        return event.message.section(u'\n', 0, 0);
    case Keys:
        return keys.join(u' ');
    default:
        return {};
    }
}

QVariant TimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Star:
        return tr("★");
    case Time:
        return tr("Time (%1)").arg(QString::fromUtf8(m_zone.id()));
    case Original:
        return tr("As written");
    case Source:
        return tr("Source");
    case Level:
        return tr("Level");
    case Message:
        return tr("Message");
    case Keys:
        return tr("Keys");
    case Tags:
        return tr("Tags");
    case Comment:
        return tr("Comment");
    default:
        return {};
    }
}

Qt::ItemFlags TimelineModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (!index.isValid() || m_rows.at(size_t(index.row())).source == manualSource)
        return flags;
    if (index.column() == Star)
        flags |= Qt::ItemIsUserCheckable;
    if (index.column() == Tags || index.column() == Comment)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool TimelineModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || m_rows.at(size_t(index.row())).source == manualSource)
        return false;
    const QString key = m_timeline->eventKey(m_rows.at(size_t(index.row())));
    if (index.column() == Star && role == Qt::CheckStateRole) {
        m_annotations->setStarred(key, value.toInt() == Qt::Checked);
        return true;
    }
    if (role != Qt::EditRole)
        return false;
    if (index.column() == Tags) {
        QStringList tags;
        for (const QString &tag : value.toString().split(u','))
            tags.append(tag.trimmed());
        m_annotations->setTags(key, tags);
        return true;
    }
    if (index.column() == Comment) {
        m_annotations->setComment(key, value.toString());
        return true;
    }
    return false;
}

} // namespace salvage
