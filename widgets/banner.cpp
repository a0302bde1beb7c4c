#include "banner.h"

#include <QEvent>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace salvage {

Banner::Banner(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_layout(new QHBoxLayout(this))
{
    setObjectName(QStringLiteral("banner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_layout->setContentsMargins(8, 4, 8, 4);
    m_layout->addWidget(m_text, 1);
    applyColours();
    setVisible(false);
}

void Banner::showMessage(const QString &text)
{
    m_text->setText(text);
    setVisible(true);
}

QString Banner::text() const
{
    return m_text->text();
}

QPushButton *Banner::addButton(const QString &text)
{
    auto *button = new QPushButton(text, this);
    m_layout->addWidget(button, 0, Qt::AlignVCenter);
    return button;
}

void Banner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) && !m_applying)
        applyColours();
}

void Banner::applyColours()
{
    // Derived from the application's palette, not ours: ours is what this sets.
    const QPalette base = QGuiApplication::palette();
    const QColor window = base.color(QPalette::Window);
    const QColor accent = base.color(QPalette::Highlight);
    const auto mix = [](const QColor &a, const QColor &b, double share) {
        return QColor::fromRgbF(float(a.redF() * (1 - share) + b.redF() * share),
            float(a.greenF() * (1 - share) + b.greenF() * share), float(a.blueF() * (1 - share) + b.blueF() * share));
    };
    QPalette own; // only the background is set: every other role follows the theme
    own.setColor(QPalette::Window, mix(window, accent, 0.22));
    m_applying = true;
    setPalette(own);
    m_applying = false;
}

} // namespace salvage
