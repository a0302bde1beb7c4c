#include "timelinecanvas.h"

#include "statecolours.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

// A tick step on the time axis that gives labels about 120 px apart.
qint64 tickStep(qint64 spanMs, int width)
{
    static const qint64 steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000, 60000,
        120000, 300000, 600000, 900000, 1800000, 3600000, 7200000, 10800000, 21600000, 43200000, 86400000, 172800000,
        604800000, 1209600000, 2592000000, 7776000000, 31536000000 };
    const double wanted = double(spanMs) * 120.0 / std::max(1, width);
    for (qint64 step : steps)
        if (double(step) >= wanted)
            return step;
    return std::end(steps)[-1];
}

} // namespace

TimelineCanvas::TimelineCanvas(QWidget *parent)
    : QWidget(parent)
    , m_laneScroll(new QScrollBar(Qt::Vertical, this))
{
    setMouseTracking(false);
    setMinimumHeight(lanesTop + preferredLaneHeight);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_laneScroll->hide();
    connect(m_laneScroll, &QScrollBar::valueChanged, this, qOverload<>(&QWidget::update));
}

QSize TimelineCanvas::sizeHint() const
{
    return { 800, lanesTop + preferredLaneHeight * int(std::max<size_t>(m_lanes.size(), 3)) + 4 };
}

int TimelineCanvas::laneHeight() const
{
    const int smallest = fontMetrics().height() + 6;
    const int fitting = (height() - lanesTop) / std::max(1, int(m_lanes.size()));
    return std::max(smallest, std::min(preferredLaneHeight, fitting));
}

int TimelineCanvas::plotWidth() const
{
    return std::max(1, width() - labelWidth - (m_laneScroll->isVisible() ? m_laneScroll->width() : 0));
}

int TimelineCanvas::laneAt(int y) const
{
    if (y < lanesTop)
        return -1;
    const int lane = (y - lanesTop + m_laneScroll->value()) / laneHeight();
    return lane < int(m_lanes.size()) ? lane : -1;
}

void TimelineCanvas::updateLaneScroll()
{
    const int overflow = laneHeight() * int(m_lanes.size()) - (height() - lanesTop);
    m_laneScroll->setRange(0, std::max(0, overflow));
    m_laneScroll->setPageStep(std::max(1, height() - lanesTop));
    m_laneScroll->setSingleStep(laneHeight());
    const int barWidth = m_laneScroll->sizeHint().width();
    m_laneScroll->setGeometry(width() - barWidth, lanesTop, barWidth, std::max(0, height() - lanesTop));
    m_laneScroll->setVisible(overflow > 0);
}

void TimelineCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    updateLaneScroll();
}

void TimelineCanvas::setLanes(std::vector<TimelineLane> lanes, bool keepView)
{
    m_lanes = std::move(lanes);
    m_dataFrom = std::numeric_limits<qint64>::max();
    m_dataTo = std::numeric_limits<qint64>::min();
    for (const TimelineLane &lane : m_lanes) {
        if (lane.instants.empty())
            continue;
        m_dataFrom = std::min(m_dataFrom, lane.instants.front());
        m_dataTo = std::max(m_dataTo, lane.instants.back());
    }
    if (m_dataFrom > m_dataTo)
        m_dataFrom = m_dataTo = 0;
    const qint64 margin = std::max<qint64>((m_dataTo - m_dataFrom) / 50, 500);
    m_dataFrom -= margin;
    m_dataTo += margin;
    updateGeometry();
    updateLaneScroll();
    if (keepView)
        update();
    else
        setView(m_dataFrom, m_dataTo);
}

void TimelineCanvas::setView(qint64 fromMs, qint64 toMs)
{
    if (toMs - fromMs < 10)
        toMs = fromMs + 10;
    m_from = fromMs;
    m_to = toMs;
    update();
}

void TimelineCanvas::setCursor(qint64 instantMs)
{
    m_cursor = instantMs;
    if (instantMs >= 0 && (instantMs < m_from || instantMs > m_to)) {
        const qint64 half = (m_to - m_from) / 2;
        setView(instantMs - half, instantMs + half);
    }
    update();
}

qint64 TimelineCanvas::instantAtX(int x, qint64 from, qint64 to) const
{
    return from + qint64(double(x - labelWidth) * double(to - from) / plotWidth());
}

int TimelineCanvas::xAt(qint64 ms, qint64 from, qint64 to) const
{
    return labelWidth + int(double(ms - from) * plotWidth() / double(std::max<qint64>(1, to - from)));
}

void TimelineCanvas::paintHistogram(QPainter &painter)
{
    const int w = plotWidth();
    const std::vector<qint64> counts = histogram(m_lanes, m_dataFrom, m_dataTo, w);
    const qint64 highest = std::max<qint64>(1, counts.empty() ? 1 : *std::max_element(counts.begin(), counts.end()));
    painter.fillRect(QRect(labelWidth, 0, w, histogramHeight), palette().base());
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().highlight().color().darker(120));
    const double scale = (histogramHeight - 4) / std::log1p(double(highest));
    for (int x = 0; x < w; ++x)
        if (counts[size_t(x)] > 0) {
            const int h = std::max(1, int(std::log1p(double(counts[size_t(x)])) * scale));
            painter.drawRect(labelWidth + x, histogramHeight - h, 1, h);
        }
    // The part the lanes show, and the brush being dragged.
    const int x0 = xAt(m_from, m_dataFrom, m_dataTo), x1 = xAt(m_to, m_dataFrom, m_dataTo);
    QColor view = palette().highlight().color();
    view.setAlpha(50);
    // Outlined and at least 3 px wide, so a zoom to minutes of a months-long log stays findable.
    const QRect shown(QPoint(x0, 0), QPoint(std::max(x0 + 2, x1), histogramHeight - 1));
    painter.fillRect(shown, view);
    painter.setPen(palette().highlight().color());
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(shown);
    painter.setPen(Qt::NoPen);
    if (m_drag == Drag::Brush) {
        view.setAlpha(110);
        painter.fillRect(QRect(QPoint(std::min(m_dragStartX, m_brushX), 0),
                             QPoint(std::max(m_dragStartX, m_brushX), histogramHeight)),
            view);
    }
    painter.setPen(palette().text().color());
    painter.drawText(QRect(4, 0, labelWidth - 8, histogramHeight), Qt::AlignVCenter | Qt::AlignLeft, tr("All events"));
}

void TimelineCanvas::setDisplayZone(const QTimeZone &zone)
{
    m_zone = zone.isValid() ? zone : QTimeZone::utc();
    update();
}

void TimelineCanvas::paintAxis(QPainter &painter, int top)
{
    const qint64 step = tickStep(m_to - m_from, plotWidth());
    const QString pattern = step < 1000 ? u"HH:mm:ss.zzz"_s : step < 86400000 ? u"MM-dd HH:mm:ss"_s : u"yyyy-MM-dd"_s;
    // Ticks fall on whole steps of the display zone's wall clock (midnight there, not in UTC).
    const qint64 offsetMs
        = qint64(m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(m_from, QTimeZone::utc()))) * 1000;
    painter.setPen(palette().mid().color());
    for (qint64 t = ((m_from + offsetMs) / step + 1) * step - offsetMs; t < m_to; t += step) {
        const int x = xAt(t, m_from, m_to);
        painter.drawLine(x, top, x, height());
        painter.setPen(palette().text().color());
        painter.drawText(x + 3, top + axisHeight - 5, QDateTime::fromMSecsSinceEpoch(t, m_zone).toString(pattern));
        painter.setPen(palette().mid().color());
    }
    painter.setPen(palette().text().color());
    const QString zoneName = m_zone == QTimeZone::utc() ? u"UTC"_s : QString::fromUtf8(m_zone.id());
    painter.drawText(QRect(4, top, labelWidth - 8, axisHeight), Qt::AlignVCenter,
        painter.fontMetrics().elidedText(zoneName, Qt::ElideMiddle, labelWidth - 8));
}

void TimelineCanvas::paintLane(QPainter &painter, const TimelineLane &lane, int top)
{
    const int w = plotWidth();
    const int h = laneHeight();
    if (lane.subLane >= 0)
        painter.fillRect(QRect(0, top, width(), h), palette().alternateBase());
    painter.setPen(palette().text().color());
    // Sources with sub-lanes get a disclosure mark; sub-lanes are indented under their source.
    QString label = lane.label;
    if (lane.subLaneCount > 0)
        label = (lane.expanded ? u"▾ "_s : u"▸ "_s) + label;
    const int indent = lane.subLane >= 0 ? 16 : 4;
    painter.drawText(QRect(indent, top, labelWidth - indent - 4, h), Qt::AlignVCenter | Qt::AlignLeft,
        painter.fontMetrics().elidedText(label, Qt::ElideMiddle, labelWidth - indent - 4));
    // Spans first, as bars in the lower half; failed ones in red.
    const int barTop = top + h / 2 + 2;
    for (const Span &span : lane.spans) {
        if (span.endMs < m_from || span.startMs > m_to)
            continue;
        const int x0 = std::max(labelWidth, xAt(span.startMs, m_from, m_to));
        const int x1 = std::min(labelWidth + w, xAt(span.open ? m_to : span.endMs, m_from, m_to));
        painter.fillRect(QRect(x0, barTop, std::max(2, x1 - x0), h / 2 - 5),
            StateColours::foreground(span.failed ? Mark::Error : Mark::Info, palette()));
    }
    // Event density: one tick per pixel column holding events, darker for more.
    const QColor tick = palette().text().color();
    std::vector<qint64> counts(size_t(w), 0);
    addBinCounts(lane.instants, m_from, m_to, counts);
    for (int x = 0; x < w; ++x) {
        const qint64 n = counts[size_t(x)];
        if (n == 0)
            continue;
        QColor c = tick;
        c.setAlpha(std::min(255, 90 + int(std::log2(double(n) + 1) * 30)));
        painter.fillRect(QRect(labelWidth + x, top + 4, 1, h / 2 - 4), c);
    }
    painter.setPen(palette().mid().color());
    painter.drawLine(0, top + h - 1, width(), top + h - 1);
}

void TimelineCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    paintHistogram(painter);
    paintAxis(painter, histogramHeight);
    painter.save();
    painter.setClipRect(0, lanesTop, width(), height() - lanesTop);
    int top = lanesTop - m_laneScroll->value();
    const int step = laneHeight();
    for (const TimelineLane &lane : m_lanes) {
        if (top + step > lanesTop && top < height())
            paintLane(painter, lane, top);
        top += step;
    }
    painter.restore();
    paintMarkers(painter);
    if (m_cursor >= m_from && m_cursor <= m_to) {
        painter.setPen(QPen(palette().highlight().color(), 2));
        const int x = xAt(m_cursor, m_from, m_to);
        painter.drawLine(x, histogramHeight, x, height());
    }
}

void TimelineCanvas::setMarkers(QList<Marker> markers)
{
    m_markers = std::move(markers);
    update();
}

void TimelineCanvas::paintMarkers(QPainter &painter)
{
    const QColor note(0xd3, 0x54, 0x00), database(0x8e, 0x44, 0xad);
    int labelRight = labelWidth; // labels that would overlap the previous one are left out
    for (const Marker &marker : std::as_const(m_markers)) {
        const QColor colour = marker.derived ? database : note;
        // Across the lanes, where the view shows it.
        if (marker.instantMs >= m_from && marker.instantMs <= m_to) {
            const int x = xAt(marker.instantMs, m_from, m_to);
            painter.setPen(QPen(colour, 1, Qt::DashLine));
            painter.drawLine(x, histogramHeight + axisHeight, x, height());
        }
        // In the overview, which spans all the data, labelled.
        if (marker.instantMs < m_dataFrom || marker.instantMs > m_dataTo)
            continue;
        const int x = xAt(marker.instantMs, m_dataFrom, m_dataTo);
        painter.setPen(colour);
        painter.drawLine(x, 0, x, histogramHeight);
        const QString text = painter.fontMetrics().elidedText(marker.text, Qt::ElideRight, 220);
        const int width = painter.fontMetrics().horizontalAdvance(text);
        if (x + 3 >= labelRight && x + 3 + width <= labelWidth + plotWidth()) {
            const QRect box(x + 1, 1, width + 4, painter.fontMetrics().height());
            painter.fillRect(box, palette().base());
            painter.drawText(box.adjusted(2, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
            labelRight = box.right() + 6;
        }
    }
}

void TimelineCanvas::wheelEvent(QWheelEvent *event)
{
    const int x = int(event->position().x());
    if (x < labelWidth) {
        // Over the labels the wheel scrolls the lanes (when they do not fit); elsewhere it zooms.
        if (m_laneScroll->isVisible())
            m_laneScroll->setValue(m_laneScroll->value() - event->angleDelta().y() / 120 * laneHeight());
        event->accept();
        return;
    }
    const qint64 pivot = instantAtX(x, m_from, m_to);
    const double factor = std::pow(0.8, event->angleDelta().y() / 120.0);
    const qint64 span = std::clamp<qint64>(
        qint64(double(m_to - m_from) * factor), 10, std::max<qint64>(10, (m_dataTo - m_dataFrom) * 2));
    const double left = double(pivot - m_from) / double(std::max<qint64>(1, m_to - m_from));
    const qint64 from = pivot - qint64(left * double(span));
    setView(from, from + span);
    event->accept();
}

void TimelineCanvas::mousePressEvent(QMouseEvent *event)
{
    const QPoint p = event->position().toPoint();
    if (p.x() < labelWidth) {
        const int lane = laneAt(p.y());
        if (lane >= 0 && m_lanes[size_t(lane)].subLaneCount > 0)
            Q_EMIT subLanesToggled(m_lanes[size_t(lane)].source);
        return;
    }
    m_dragStartX = m_brushX = p.x();
    m_dragFrom = m_from;
    m_dragTo = m_to;
    m_drag = p.y() < histogramHeight ? Drag::Brush : Drag::Pan;
}

void TimelineCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const int x = int(event->position().x());
    if (m_drag == Drag::Brush) {
        m_brushX = std::max(labelWidth, x);
        update();
    } else if (m_drag == Drag::Pan) {
        const qint64 shift = qint64(double(x - m_dragStartX) * double(m_dragTo - m_dragFrom) / plotWidth());
        setView(m_dragFrom - shift, m_dragTo - shift);
    }
}

void TimelineCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    const QPoint p = event->position().toPoint();
    if (m_drag == Drag::Brush && std::abs(p.x() - m_dragStartX) > 3) {
        const qint64 a = instantAtX(std::min(m_dragStartX, p.x()), m_dataFrom, m_dataTo);
        const qint64 b = instantAtX(std::max(m_dragStartX, p.x()), m_dataFrom, m_dataTo);
        setView(a, b);
        Q_EMIT rangeBrushed(a, b);
    } else if (m_drag == Drag::Brush) {
        // A click on the overview centres the lanes there.
        const qint64 at = instantAtX(p.x(), m_dataFrom, m_dataTo);
        const qint64 half = (m_to - m_from) / 2;
        setView(at - half, at + half);
    } else if (m_drag == Drag::Pan && std::abs(p.x() - m_dragStartX) <= 3) {
        const int lane = laneAt(p.y());
        if (lane >= 0)
            Q_EMIT instantClicked(lane, instantAtX(p.x(), m_from, m_to));
    }
    m_drag = Drag::None;
    update();
}

} // namespace salvage
