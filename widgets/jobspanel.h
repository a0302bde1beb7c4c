#pragma once

#include <QWidget>

class QTableView;
class QToolButton;

namespace salvage {

class JobRegistry;

/// The jobs dock: every running and recent job with its progress, and cancel for the running ones.
class JobsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit JobsPanel(JobRegistry *registry, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }

private:
    void updateButtons();

    JobRegistry *m_registry;
    QTableView *m_view;
    QToolButton *m_cancel;
};

} // namespace salvage
