#pragma once

#include <QFrame>

class QHBoxLayout;
class QLabel;
class QPushButton;

namespace salvage {

/// A one-line notice across the top of a view (stale results, findings to decide before a run),
/// with buttons. Its colours come from the palette (the highlight blended into the window), so it
/// stands out in light and dark themes alike and follows a theme change.
class Banner : public QFrame
{
    Q_OBJECT
public:
    explicit Banner(QWidget *parent = nullptr);

    /// Shows the banner with `text` (rich text allowed).
    void showMessage(const QString &text);
    QString text() const;
    /// A button at the banner's right end; connect its clicked().
    QPushButton *addButton(const QString &text);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyColours();

    QLabel *m_text;
    QHBoxLayout *m_layout;
    bool m_applying = false;
};

} // namespace salvage
