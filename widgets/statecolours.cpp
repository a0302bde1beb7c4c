#include "statecolours.h"

#include <QCoreApplication>

namespace salvage {

namespace {

/// The hue that names a mark; -1: none (the palette's own text colour, dimmed or not).
int hueOf(Mark mark)
{
    switch (mark) {
    case Mark::Lost:
    case Mark::Error:
        return 0;
    case Mark::New:
        return 130;
    case Mark::Changed:
    case Mark::Warning:
        return 42;
    case Mark::Moved:
        return 22;
    case Mark::Info:
        return 210;
    case Mark::None:
    case Mark::Null:
    case Mark::Debug:
        break;
    }
    return -1;
}

QColor mix(const QColor &a, const QColor &b, double weightOfA)
{
    return QColor::fromRgbF(float(a.redF() * weightOfA + b.redF() * (1 - weightOfA)),
        float(a.greenF() * weightOfA + b.greenF() * (1 - weightOfA)),
        float(a.blueF() * weightOfA + b.blueF() * (1 - weightOfA)));
}

} // namespace

QColor StateColours::foreground(Mark mark, const QPalette &palette)
{
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    const int hue = hueOf(mark);
    if (hue < 0)
        return mark == Mark::None ? text : mix(text, base, 0.55); // NULL and debug: quieter than text
    // Two thirds of the way from Base to Text: dark on a light Base, light on a dark one.
    const int lightness = (2 * text.lightness() + base.lightness()) / 3;
    return QColor::fromHsl(hue, 200, qBound(70, lightness, 190));
}

QColor StateColours::background(Mark mark, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const int hue = hueOf(mark);
    if (hue < 0 || mark == Mark::Info || mark == Mark::Error || mark == Mark::Warning)
        return base;
    // A fifth of the way from Base to Text: a tint the palette's text stays readable on.
    const int lightness = (palette.color(QPalette::Text).lightness() + 4 * base.lightness()) / 5;
    return QColor::fromHsl(hue, 150, lightness);
}

QColor StateColours::side(Side side, const QPalette &palette)
{
    return foreground(side == Side::Live ? Mark::Moved : Mark::Info, palette);
}

QString StateColours::legendHtml(const QPalette &palette)
{
    const auto entry = [&palette](Mark mark, const char *text) {
        return QStringLiteral("<span style='color:%1'>■ %2</span>")
            .arg(foreground(mark, palette).name(), QCoreApplication::translate("StateColours", text));
    };
    return entry(Mark::Lost, "only in BACKUP (lost)") + QStringLiteral("&nbsp;&nbsp;")
        + entry(Mark::New, "only in LIVE (new)") + QStringLiteral("&nbsp;&nbsp;") + entry(Mark::Moved, "moved");
}

} // namespace salvage
