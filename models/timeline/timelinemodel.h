#pragma once

#include "annotations.h"
#include "timeline.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QTimeZone>

namespace salvage {

/// Table over a filtered timeline: log entries and the operator's manual events in time order,
/// with stars, tags and comments editable in place. Events are parsed only when shown.
class TimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Star, Time, Original, Source, Level, Message, Keys, Tags, Comment, ColumnCount };
    enum Role {
        InstantRole = Qt::UserRole + 1, ///< qint64 UTC ms
        EventKeyRole, ///< Timeline::eventKey, or a manual event's id
        RawRole, ///< the entry's original text
        KeysRole, ///< QStringList of "kind=value"
        LevelRole, ///< int(LogLevel)
        SourceIndexRole, ///< int, -1 for manual events
        ManualRole, ///< bool
        InferredRole, ///< bool: shown only through an inferred link
    };

    TimelineModel(Timeline *timeline, Annotations *annotations, QObject *parent = nullptr);

    /// Re-selects rows (after a filter change, or after the timeline was rebuilt).
    void setFilter(const TimelineFilter &filter);
    /// Shows `selected` (Timeline::select(filter), computed elsewhere, e.g. off the GUI thread).
    void setSelection(const TimelineFilter &filter, std::vector<EventRef> selected);
    const TimelineFilter &filter() const { return m_filter; }
    /// Merges the manual events again (they changed); the log rows stay as selected.
    void refresh();
    void setDisplayZone(const QTimeZone &zone);
    /// The log entry of a row; source == UINT32_MAX for manual events.
    EventRef refAt(int row) const { return m_rows.at(size_t(row)); }
    /// First row at or after `instantMs`.
    int rowAtInstant(qint64 instantMs) const;

    /// Log events among the rows (rowCount() also counts the manual events shown between them).
    qint64 eventCount() const { return qint64(m_selected.size()); }
    qint64 noteCount() const { return qint64(m_rows.size() - m_selected.size()); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    static constexpr quint32 manualSource = 0xffffffffu;

private:
    const LogEvent &eventAt(EventRef ref) const;
    QString formatInstant(qint64 ms) const;
    QVariant manualData(const Annotations::ManualEvent &event, int column, int role) const;

    Timeline *m_timeline;
    Annotations *m_annotations;
    TimelineFilter m_filter;
    QTimeZone m_zone = QTimeZone::utc();
    std::vector<EventRef> m_selected; ///< the log entries the filter selected
    std::vector<EventRef> m_rows; ///< m_selected with the manual events in time order
    QSet<EventRef> m_inferred;
    mutable QCache<EventRef, LogEvent> m_events { 4096 };
};

} // namespace salvage
