#include "postmortemfigures.h"

#include "core/error.h"
#include "graph/graphlayout.h"
#include "timeline/timeline.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {

// Readable on white and apart from each other (Okabe–Ito).
constexpr const char *kPalette[]
    = { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000" };

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString hhmm(qint64 ms, qint64 span)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
    // Over half a day the date tells the ticks apart.
    return time.toString(span > 43200000LL ? u"MM-dd HH:mm"_s : span > 600000 ? u"HH:mm"_s : u"HH:mm:ss"_s);
}

GraphNode rowNode(const QString &id, const QString &table, const QString &value, Presence presence)
{
    GraphNode node;
    node.id = id;
    node.table = table;
    node.key = QStringList { value };
    node.label = value;
    node.presence = presence;
    return node;
}

QString svgOpen(int width, int height)
{
    return u"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%1\" height=\"%2\" viewBox=\"0 0 %1 %2\" "
           "font-family=\"DejaVu Sans, sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" "
           "fill=\"white\"/>\n"_s.arg(width)
               .arg(height);
}

} // namespace

QByteArray PostmortemFigures::eventsHistogram(const Timeline &timeline, const PostmortemSummary &summary, int buckets)
{
    const MergedOrder &merged = timeline.merged();
    if (merged.empty() || buckets <= 0)
        return {};
    qint64 from = timeline.instant(merged.front()), to = timeline.instant(merged.back());
    if (summary.incidentWindow) {
        // Around the incident: as much before and after as it lasted (a minute at least).
        const auto [first, last] = *summary.incidentWindow;
        const qint64 pad = std::max<qint64>(60000, last - first);
        from = std::max(from, first - pad);
        to = std::min(to, last + pad);
    }
    const qint64 span = std::max<qint64>(1, to - from);
    const qint64 step = std::max<qint64>(1, (span + buckets - 1) / buckets);
    const int sources = timeline.sourceCount();
    std::vector<std::vector<qint64>> counts(size_t(sources), std::vector<qint64>(size_t(buckets), 0));
    const auto begin = std::lower_bound(merged.begin(), merged.end(), from,
        [&timeline](EventRef ref, qint64 ms) { return timeline.instant(ref) < ms; });
    for (auto it = begin; it != merged.end() && timeline.instant(*it) <= to; ++it)
        ++counts[(*it).source][size_t(std::min<qint64>(buckets - 1, (timeline.instant(*it) - from) / step))];
    qint64 peak = 1;
    for (int b = 0; b < buckets; ++b) {
        qint64 total = 0;
        for (int s = 0; s < sources; ++s)
            total += counts[size_t(s)][size_t(b)];
        peak = std::max(peak, total);
    }

    constexpr int width = 900, left = 56, right = 16, top = 28, plot = 200;
    const int legendRows = (sources + 3) / 4;
    const int height = top + plot + 36 + 18 * legendRows;
    const double barWidth = double(width - left - right) / buckets;
    QString svg = svgOpen(width, height);
    svg += u"<text x=\"%1\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Events per source, %2 to %3 UTC (%4 per "
           "bar)</text>\n"_s.arg(left)
               .arg(hhmm(from, span), hhmm(to, span))
               .arg(step >= 60000 ? u"%1 min"_s.arg(step / 60000.0, 0, 'g', 3)
                                  : u"%1 s"_s.arg(step / 1000.0, 0, 'g', 3));
    // Axis and a scale.
    svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%3\" y2=\"%2\" stroke=\"#444\"/>\n"_s.arg(left)
               .arg(top + plot)
               .arg(width - right);
    svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" stroke=\"#444\"/>\n"_s.arg(left).arg(top).arg(top + plot);
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%L3</text>\n"_s.arg(left - 4).arg(top + 4).arg(peak);
    svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"end\">0</text>\n"_s.arg(left - 4).arg(top + plot);
    for (int b = 0; b < buckets; ++b) {
        double y = top + plot;
        for (int s = 0; s < sources; ++s) {
            const qint64 n = counts[size_t(s)][size_t(b)];
            if (n == 0)
                continue;
            const double h = double(n) * plot / double(peak);
            y -= h;
            svg += u"<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"%4\" fill=\"%5\"><title>%6: %7</title></rect>\n"_s
                       .arg(left + b * barWidth, 0, 'f', 1)
                       .arg(y, 0, 'f', 1)
                       .arg(std::max(1.0, barWidth - 1), 0, 'f', 1)
                       .arg(h, 0, 'f', 1)
                       .arg(QLatin1StringView(kPalette[s % std::size(kPalette)]))
                       .arg(esc(timeline.source(s).label()), QLocale().toString(n));
        }
    }
    for (int tick = 0; tick <= 4; ++tick) {
        const double x = left + (width - left - right) * tick / 4.0;
        // The end ticks stay inside the picture.
        const QString anchor = tick == 0 ? u"start"_s : tick == 4 ? u"end"_s : u"middle"_s;
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"%4\">%3</text>\n"_s.arg(x, 0, 'f', 1)
                   .arg(top + plot + 14)
                   .arg(hhmm(from + span * tick / 4, span))
                   .arg(anchor);
    }
    if (summary.incidentWindow) {
        const auto [first, last] = *summary.incidentWindow;
        for (const auto &[at, label] : { std::pair(first, u"first lost-row event"_s), std::pair(last, u"last"_s) }) {
            const double x = left + double(at - from) * (width - left - right) / double(span);
            svg += u"<line x1=\"%1\" y1=\"%2\" x2=\"%1\" y2=\"%3\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>\n"
                   "<text x=\"%4\" y=\"%5\" fill=\"#c00\">%6</text>\n"_s.arg(x, 0, 'f', 1)
                       .arg(top)
                       .arg(top + plot)
                       .arg(x + 3, 0, 'f', 1)
                       .arg(top + 10)
                       .arg(label);
        }
    }
    for (int s = 0; s < sources; ++s) {
        const int x = left + (s % 4) * 210, y = top + plot + 32 + (s / 4) * 18;
        svg += u"<rect x=\"%1\" y=\"%2\" width=\"10\" height=\"10\" fill=\"%3\"/><text x=\"%4\" y=\"%5\">%6</text>\n"_s
                   .arg(x)
                   .arg(y - 9)
                   .arg(QLatin1StringView(kPalette[s % std::size(kPalette)]))
                   .arg(x + 14)
                   .arg(y)
                   .arg(esc(timeline.source(s).label()));
    }
    return (svg + u"</svg>\n"_s).toUtf8();
}

QByteArray PostmortemFigures::lossChart(const QList<TableLoss> &losses, int maxTables)
{
    const QList<TableLoss> shown = losses.mid(0, maxTables);
    if (shown.isEmpty())
        return {};
    qint64 peak = 1;
    for (const TableLoss &loss : shown)
        peak = std::max(peak, loss.lost + loss.added + loss.changed);
    constexpr int width = 900, left = 220, right = 110, top = 40, row = 22;
    const int height = top + row * int(shown.size()) + 30;
    const struct
    {
        const char *label;
        const char *colour;
        qint64 TableLoss::*count;
    } parts[] = { { "lost", "#D55E00", &TableLoss::lost }, { "new", "#009E73", &TableLoss::added },
        { "changed", "#E69F00", &TableLoss::changed } };
    QString svg = svgOpen(width, height);
    svg += u"<text x=\"8\" y=\"16\" font-size=\"13\" font-weight=\"bold\">Rows lost, new and changed per table "
           "(BACKUP → LIVE)</text>\n"_s;
    int legendX = 8;
    for (const auto &part : parts) {
        svg += u"<rect x=\"%1\" y=\"24\" width=\"10\" height=\"10\" fill=\"%2\"/><text x=\"%3\" y=\"33\">%4</text>\n"_s
                   .arg(legendX)
                   .arg(QLatin1StringView(part.colour))
                   .arg(legendX + 14)
                   .arg(QLatin1StringView(part.label));
        legendX += 90;
    }
    for (int i = 0; i < shown.size(); ++i) {
        const TableLoss &loss = shown.at(i);
        const int y = top + i * row;
        svg += u"<text x=\"%1\" y=\"%2\" text-anchor=\"end\">%3</text>\n"_s.arg(left - 6).arg(y + 14).arg(
            esc(loss.table));
        double x = left;
        for (const auto &part : parts) {
            const qint64 n = loss.*part.count;
            if (n == 0)
                continue;
            const double w = std::max(1.0, double(n) * (width - left - right) / double(peak));
            svg += u"<rect x=\"%1\" y=\"%2\" width=\"%3\" height=\"16\" fill=\"%4\"><title>%5 %6</title></rect>\n"_s
                       .arg(x, 0, 'f', 1)
                       .arg(y + 2)
                       .arg(w, 0, 'f', 1)
                       .arg(QLatin1StringView(part.colour))
                       .arg(n)
                       .arg(QLatin1StringView(part.label));
            x += w;
        }
        svg += u"<text x=\"%1\" y=\"%2\">−%L3 +%L4 ~%L5</text>\n"_s.arg(x + 6, 0, 'f', 1)
                   .arg(y + 14)
                   .arg(loss.lost)
                   .arg(loss.added)
                   .arg(loss.changed);
    }
    if (losses.size() > shown.size())
        svg += u"<text x=\"%1\" y=\"%2\" fill=\"#555\">and %3 more tables</text>\n"_s.arg(left)
                   .arg(height - 8)
                   .arg(losses.size() - shown.size());
    return (svg + u"</svg>\n"_s).toUtf8();
}

RelationGraph PostmortemFigures::movesGraph(const DiffResult &diff, int maxTargets, int maxSources)
{
    RelationGraph graph;
    const QList<DiffMove> moves = diff.moves();
    int targets = 0;
    for (const DiffFanIn &fan : diff.fanIn()) {
        // Rows whose reference was cleared (NULL) point at no row: a loss, but not a move into one.
        if (!fan.target)
            continue;
        if (!fan.incident || targets++ >= maxTargets)
            break;
        const QString target = *fan.target;
        const QString targetId = fan.table + u':' + target;
        if (graph.root.isEmpty())
            graph.root = targetId;
        graph.nodes.append(rowNode(targetId, fan.table, target, Presence::Both));
        // Rows per source value, across the referencing tables.
        QMap<QString, qint64> rowsFrom;
        QMap<QString, QStringList> via;
        for (const DiffMove &move : moves) {
            if (move.target != fan.table || move.to != fan.target)
                continue;
            const QString from = move.from.value_or(u"NULL"_s);
            rowsFrom[from] += move.rows;
            const QString name = move.table.section(u'.', -1) + u'.' + move.column;
            if (!via[from].contains(name))
                via[from].append(name);
        }
        QList<std::pair<qint64, QString>> ranked;
        for (auto it = rowsFrom.begin(); it != rowsFrom.end(); ++it)
            ranked.append({ it.value(), it.key() });
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        qint64 restRows = 0;
        for (int i = 0; i < ranked.size(); ++i) {
            const auto &[rows, from] = ranked.at(i);
            if (i >= maxSources) {
                restRows += rows;
                continue;
            }
            const QString id = fan.table + u':' + from;
            if (!graph.node(id))
                graph.nodes.append(rowNode(id, fan.table, from, Presence::OnlyBackup));
            graph.edges.append({ id, targetId, via.value(from).join(u", "_s), rows, rows, rows, Presence::Moved });
        }
        if (ranked.size() > maxSources) {
            const QString id = targetId + u":more"_s;
            const QString label = u"%L1 more rows (%L2 rows moved)"_s.arg(ranked.size() - maxSources).arg(restRows);
            GraphNode more = rowNode(id, fan.table, {}, Presence::OnlyBackup);
            more.key.clear();
            more.label = label;
            more.group = true;
            more.rows = ranked.size() - maxSources;
            graph.nodes.append(more);
            graph.edges.append({ id, targetId, u"moves"_s, restRows, restRows, restRows, Presence::Moved });
        }
    }
    return graph;
}

void PostmortemFigures::addAll(const Timeline &timeline, const PostmortemInputs &inputs, PostmortemSummary &summary)
{
    if (const QByteArray events = eventsHistogram(timeline, summary); !events.isEmpty())
        summary.figures.append({ u"events"_s,
            summary.incidentWindow ? u"Events per source around the incident (dashed: first and last event touching "
                                     "a lost row)"_s
                                   : u"Events per source"_s,
            events, {} });
    if (!inputs.diff)
        return;
    if (const QByteArray losses = lossChart(summary.losses); !losses.isEmpty())
        summary.figures.append({ u"losses"_s, u"Rows lost, new and changed per table"_s, losses, {} });
    const RelationGraph moves = movesGraph(*inputs.diff);
    if (moves.nodes.isEmpty())
        return;
    if (!GraphLayout::hasGraphviz()) {
        summary.what << u"The moves graph needs Graphviz, which this build lacks."_s;
        return;
    }
    try {
        summary.figures.append({ u"moves"_s, u"Moves: rows re-pointed into the largest fan-in targets"_s,
            GraphLayout::renderSvg(moves), {} });
    } catch (const Error &failure) {
        summary.what << u"The moves graph could not be drawn: %1"_s.arg(failure.message());
    }
}

} // namespace salvage
