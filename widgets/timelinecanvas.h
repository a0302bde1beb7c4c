#pragma once

#include "timeline/timelinelanes.h"

#include <QTimeZone>
#include <QWidget>

class QScrollBar;

#include <vector>

namespace salvage {

/// The drawn part of the Timeline view: a histogram overview of everything (drag to brush a
/// range), and one swimlane per source with event density and job spans as bars, with
/// collapsible sub-lanes per worker class or process (click the ▸ label). Zoom with the wheel
/// from days down to milliseconds, pan by dragging a lane. Per-pixel counts come from binary
/// searches over sorted instants, so a million events paint as fast as a hundred. Lanes shrink to
/// a line of text when the canvas is short and scroll (wheel over the labels) when still too many.
class TimelineCanvas : public QWidget
{
    Q_OBJECT
public:
    /// Geometry, in pixels: the histogram on top, the axis, then one row per lane (this high when
    /// there is room; down to a line of text when not).
    static constexpr int histogramHeight = 44;
    static constexpr int axisHeight = 18;
    static constexpr int preferredLaneHeight = 30;
    static constexpr int labelWidth = 140;

    /// A vertical line across the lanes at a noted instant (the operator's notes, what the
    /// databases date), labelled in the overview.
    struct Marker
    {
        qint64 instantMs = 0;
        QString text;
        bool derived = false; ///< from the databases rather than the operator
    };

    explicit TimelineCanvas(QWidget *parent = nullptr);

    /// New lanes; `keepView` keeps the zoom (a filter change or sub-lanes toggled), else the
    /// view fits the data.
    void setLanes(std::vector<TimelineLane> lanes, bool keepView = false);
    /// Shows [fromMs, toMs]; clamps to at least 10 ms.
    void setView(qint64 fromMs, qint64 toMs);
    const std::vector<TimelineLane> &lanes() const { return m_lanes; }
    qint64 viewFrom() const { return m_from; }
    qint64 viewTo() const { return m_to; }
    void setCursor(qint64 instantMs);
    void setMarkers(QList<Marker> markers);
    const QList<Marker> &markers() const { return m_markers; }
    /// The zone the axis labels and tick boundaries are in (UTC by default).
    void setDisplayZone(const QTimeZone &zone);
    QSize sizeHint() const override;
    /// The height each lane gets now: the preferred one, less when the canvas is short.
    int laneHeight() const;
    /// The lanes' vertical scroll, shown when they do not fit even at their smallest.
    QScrollBar *laneScrollBar() const { return m_laneScroll; }

Q_SIGNALS:
    /// A range brushed on the histogram.
    void rangeBrushed(qint64 fromMs, qint64 toMs);
    /// A click in a lane: the instant under the mouse and the lane's index.
    void instantClicked(int lane, qint64 instantMs);
    /// The label of a source's lane with sub-lanes was clicked: expand or collapse them.
    void subLanesToggled(int source);

protected:
    void paintEvent(QPaintEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    int plotWidth() const;
    static constexpr int lanesTop = histogramHeight + axisHeight;
    /// The lane under `y` (widget coordinates), or -1.
    int laneAt(int y) const;
    void updateLaneScroll();
    qint64 instantAtX(int x, qint64 from, qint64 to) const;
    int xAt(qint64 ms, qint64 from, qint64 to) const;
    void paintHistogram(QPainter &painter);
    void paintAxis(QPainter &painter, int top);
    void paintLane(QPainter &painter, const TimelineLane &lane, int top);
    void paintMarkers(QPainter &painter);

    std::vector<TimelineLane> m_lanes;
    qint64 m_dataFrom = 0, m_dataTo = 1;
    qint64 m_from = 0, m_to = 1;
    qint64 m_cursor = -1;
    enum class Drag { None, Brush, Pan } m_drag = Drag::None;
    int m_dragStartX = 0;
    qint64 m_dragFrom = 0, m_dragTo = 0;
    int m_brushX = 0;
    QTimeZone m_zone = QTimeZone::utc();
    QList<Marker> m_markers;
    QScrollBar *m_laneScroll;
};

} // namespace salvage
