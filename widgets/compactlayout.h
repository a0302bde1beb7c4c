#pragma once

class QWidget;

namespace salvage {

/// Lets a view fit a 1280-pixel screen between the two source docks: its combo boxes take their
/// width from a dozen characters rather than from their longest entry (a time-zone name, a table),
/// and its tab bars scroll rather than widen the window.
void compactLayout(QWidget *view);

} // namespace salvage
