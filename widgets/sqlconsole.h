#pragma once

#include "db/connectionprofile.h"
#include "jobs/jobcontrol.h"

#include <QWidget>
#include <optional>

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
/// The side is never assumed: it is the one last chosen here or elsewhere in the window (setSide),
/// remembered across sessions, and shown in the side's colour; with none chosen, Run asks.
class SqlConsole : public QWidget
{
    Q_OBJECT
public:
    SqlConsole(Connection *live, Connection *backup, QWidget *parent = nullptr);

    SqlEditor *editor() const { return m_editor; }
    QueryResultModel *resultModel() const { return m_model; }
    QString statusText() const;

    static constexpr int kMaxRows = 10000;

    /// The side queries run on; nullopt until one was chosen.
    std::optional<Side> side() const;

public Q_SLOTS:
    void run();
    void cancel();
    /// The operator picked `side` (here, or in another view): queries run there from now on.
    void setSide(salvage::Side side);

Q_SIGNALS:
    void finished(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    Connection *current() const;
    void showSide();

    Connection *m_live;
    Connection *m_backup;
    QComboBox *m_side;
    QLabel *m_sideBadge;
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
