#pragma once

#include "core/mark.h"
#include "db/connectionprofile.h"

#include <QColor>
#include <QPalette>
#include <QString>

namespace salvage {

/// The colours of lost, new, changed and moved rows and of log levels, derived from a palette:
/// each mark keeps its hue (red lost, green new, amber changed, orange moved, blue info), and takes
/// its lightness from the palette's Text and Base, so it reads on light and dark themes alike.
/// Every view colours through here; none holds a colour of its own.
class StateColours
{
public:
    /// For text, lines and frames drawn on Base.
    static QColor foreground(Mark mark, const QPalette &palette);
    /// A tint of Base for a cell or a node's fill; Base itself for Mark::None.
    static QColor background(Mark mark, const QPalette &palette);
    /// A side's accent: LIVE, the database that can be harmed, warm (the moved hue); BACKUP cool.
    static QColor side(Side side, const QPalette &palette);
    /// "■ lost  ■ new  ■ moved" in the palette's colours, for a legend label.
    static QString legendHtml(const QPalette &palette);
};

} // namespace salvage
