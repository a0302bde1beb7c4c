#pragma once

#include "jobs/jobcontrol.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace salvage {

class Connection;
class QueryResultModel;
class SqlEditor;

/// Read-only queries on LIVE or BACKUP: an SQL editor, Run (Ctrl+Return) and Cancel, and a result
/// grid that keeps the first rows only. Runs on the chosen connection's thread, never on the GUI's.
class SqlConsole : public QWidget
{
    Q_OBJECT
public:
    SqlConsole(Connection *live, Connection *backup, QWidget *parent = nullptr);

    SqlEditor *editor() const { return m_editor; }
    QueryResultModel *resultModel() const { return m_model; }
    QString statusText() const;

    static constexpr int kMaxRows = 10000;

public Q_SLOTS:
    void run();
    void cancel();

Q_SIGNALS:
    void finished(bool ok);

private:
    Connection *current() const;

    Connection *m_live;
    Connection *m_backup;
    QComboBox *m_side;
    SqlEditor *m_editor;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QLabel *m_status;
    QTableView *m_grid;
    QueryResultModel *m_model;
    Generation m_generation;
    quint64 m_runningJob = 0;
    Connection *m_runningOn = nullptr;
};

} // namespace salvage
