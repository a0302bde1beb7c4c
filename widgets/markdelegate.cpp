#include "markdelegate.h"

#include "statecolours.h"

#include <QKeyEvent>
#include <QMouseEvent>

namespace salvage {

void MarkDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant value = index.data(MarkRole);
    if (!value.isValid())
        return;
    const Mark mark = Mark(value.toInt());
    switch (mark) {
    case Mark::None:
        return;
    case Mark::Lost:
    case Mark::New:
    case Mark::Changed:
    case Mark::Moved:
        option->backgroundBrush = StateColours::background(mark, option->palette);
        return;
    case Mark::Null:
    case Mark::Error:
    case Mark::Warning:
    case Mark::Info:
    case Mark::Debug:
        option->palette.setColor(QPalette::Text, StateColours::foreground(mark, option->palette));
        return;
    }
}

void StarDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    MarkDelegate::initStyleOption(option, index);
    const QVariant state = index.data(Qt::CheckStateRole);
    if (!state.isValid())
        return;
    const bool starred = state.value<Qt::CheckState>() == Qt::Checked;
    option->features &= ~QStyleOptionViewItem::HasCheckIndicator;
    option->features |= QStyleOptionViewItem::HasDisplay;
    option->text = starred ? QStringLiteral("★") : QStringLiteral("☆");
    option->displayAlignment = Qt::AlignCenter;
    option->palette.setColor(QPalette::Text,
        starred ? StateColours::foreground(Mark::Warning, option->palette)
                : StateColours::foreground(Mark::Debug, option->palette));
}

bool StarDelegate::editorEvent(
    QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (!(index.flags() & Qt::ItemIsUserCheckable) || !(index.flags() & Qt::ItemIsEnabled))
        return false;
    switch (event->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick:
        // Taken, so that a double click toggles once (on release) and opens no editor.
        return option.rect.contains(static_cast<QMouseEvent *>(event)->position().toPoint());
    case QEvent::MouseButtonRelease:
        if (!option.rect.contains(static_cast<QMouseEvent *>(event)->position().toPoint()))
            return false;
        break;
    case QEvent::KeyPress: {
        const int key = static_cast<QKeyEvent *>(event)->key();
        if (key != Qt::Key_Space && key != Qt::Key_Select)
            return false;
        break;
    }
    default:
        return false;
    }
    const bool starred = index.data(Qt::CheckStateRole).value<Qt::CheckState>() == Qt::Checked;
    return model->setData(index, starred ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
}

} // namespace salvage
