#pragma once

#include <QDialog>

namespace salvage {

/// What Salvage is, and the versions of the libraries it runs on (for bug reports).
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);
    static QString versionsText();
};

} // namespace salvage
