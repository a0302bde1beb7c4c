// How long the Timeline view's canvas takes to paint a frame over a million events (issue 6:
// "stays smooth with a million events"), at the zoom levels an operator uses: everything, an
// hour, a second. Prints milliseconds per frame next to the 60 Hz frame budget.
// Usage: timelinepaintbenchmark [--events N]   (run with QT_QPA_PLATFORM=offscreen when headless)
#include "timelinecanvas.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdio>

using namespace salvage;
using namespace Qt::StringLiterals;

namespace {

// Three sources over three days, bursty like a real incident: a steady trickle and a dense hour.
std::vector<TimelineLane> makeLanes(qint64 events, qint64 fromMs, qint64 spanMs)
{
    std::vector<TimelineLane> lanes(3);
    const char *names[] = { "nginx", "Rails", "Sidekiq" };
    quint64 seed = 7;
    for (qint64 i = 0; i < events; ++i) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        const double u = double(seed >> 11) / double(1ULL << 53);
        const bool burst = (seed >> 7) % 4 == 0;
        const qint64 at = burst ? fromMs + spanMs / 2 + qint64(u * 3600000.0) : fromMs + qint64(u * double(spanMs));
        lanes[size_t((seed >> 3) % 3)].instants.push_back(at);
    }
    for (size_t l = 0; l < lanes.size(); ++l) {
        lanes[l].label = QString::fromLatin1(names[l]);
        lanes[l].source = int(l);
        std::sort(lanes[l].instants.begin(), lanes[l].instants.end());
    }
    // Jobs on the worker lane: a span every few minutes.
    for (qint64 t = fromMs; t < fromMs + spanMs; t += 180000)
        lanes[2].spans.append(Span { u"job"_s, u"Worker"_s, 2, t, t + 4500, false, false, false });
    return lanes;
}

double frameMs(TimelineCanvas &canvas, QImage &image)
{
    double best = 1e9;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer timer;
        timer.start();
        image.fill(Qt::white);
        QPainter painter(&image);
        canvas.render(&painter);
        painter.end();
        best = std::min(best, double(timer.nsecsElapsed()) / 1e6);
    }
    return best;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    qint64 events = 1'000'000;
    const QStringList args = app.arguments();
    if (const qsizetype at = args.indexOf(u"--events"_s); at >= 0 && at + 1 < args.size())
        events = args.at(at + 1).toLongLong();
    const qint64 from = 1714600000000, span = 3 * 86400000LL;
    TimelineCanvas canvas;
    canvas.resize(1600, 400);
    std::vector<TimelineLane> lanes = makeLanes(events, from, span);
    QElapsedTimer timer;
    timer.start();
    canvas.setLanes(std::move(lanes));
    const double setMs = double(timer.nsecsElapsed()) / 1e6;
    QImage image(canvas.size(), QImage::Format_ARGB32_Premultiplied);
    std::printf("%lld events in 3 lanes, %d spans, canvas 1600×400 (set lanes: %.1f ms)\n", events,
        int(canvas.lanes()[2].spans.size()), setMs);
    std::printf("frame budget at 60 Hz: 16.7 ms\n");
    const struct
    {
        const char *name;
        qint64 from, to;
    } views[] = { { "everything (3 days)", from, from + span },
        { "the dense hour", from + span / 2, from + span / 2 + 3600000 },
        { "one second", from + span / 2 + 1800000, from + span / 2 + 1801000 } };
    for (const auto &view : views) {
        canvas.setView(view.from, view.to);
        std::printf("  %-22s %8.2f ms a frame\n", view.name, frameMs(canvas, image));
    }
    return 0;
}
