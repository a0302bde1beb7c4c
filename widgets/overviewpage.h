#pragma once

#include <QWidget>

class QLabel;

namespace salvage {

class Connection;

/// The first page the operator sees: where the investigation stands, step by step.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    OverviewPage(Connection *live, Connection *backup, QWidget *parent = nullptr);

    void refresh();

private:
    Connection *m_live;
    Connection *m_backup;
    QLabel *m_text;
};

} // namespace salvage
