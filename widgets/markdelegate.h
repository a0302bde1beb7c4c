#pragma once

#include <QStyledItemDelegate>

namespace salvage {

/// Colours a cell by the Mark its model gives (MarkRole), from the view's palette through
/// StateColours: lost, new, changed and moved cells tinted, errors and warnings in their colour,
/// NULL and debug lines quieter. Any model can name marks; no model holds a colour.
class MarkDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

/// A checkable column drawn as a star (★ / ☆) in the palette's colours, toggled by a click or
/// Space: a style's check box can vanish on a dark palette, a glyph in the text colour does not.
class StarDelegate : public MarkDelegate
{
    Q_OBJECT
public:
    using MarkDelegate::MarkDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
        const QModelIndex &index) override;
};

} // namespace salvage
