#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace salvage::theme {

namespace {

QPalette darkPalette()
{
    QPalette palette;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xdf, 0xe1, 0xe5);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::red);
    palette.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    palette.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6f, 0x72, 0x78));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6f, 0x72, 0x78));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6f, 0x72, 0x78));
    return palette;
}

} // namespace

void apply(Choice choice)
{
    if (choice == Choice::System) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    // Fusion honours a custom palette everywhere; platform styles may not.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(choice == Choice::Dark ? darkPalette() : QApplication::style()->standardPalette());
}

Choice fromString(const QString &name)
{
    if (name == QLatin1String("dark"))
        return Choice::Dark;
    if (name == QLatin1String("light"))
        return Choice::Light;
    return Choice::System;
}

QString toString(Choice choice)
{
    switch (choice) {
    case Choice::Dark:
        return QStringLiteral("dark");
    case Choice::Light:
        return QStringLiteral("light");
    case Choice::System:
        break;
    }
    return QStringLiteral("system");
}

} // namespace salvage::theme
