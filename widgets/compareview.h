#pragma once

#include "db/connectionprofile.h"
#include "diff/backupgain.h"
#include "diff/diffresult.h"
#include "diff/diffrowstext.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTableWidget;

namespace salvage {

class BackupGainPanel;
class Connection;
class DiffJob;
class DiffRowsModel;
class DiffTablesModel;
class JobRegistry;

/// Compare: every table of BACKUP against LIVE. A sortable, filterable table list with counts per
/// category, the selected table's differing rows side by side (backup | live, changed cells
/// highlighted, NULL distinct from empty) and a Moves panel; fills in while the diff runs. The rows
/// pane copies its selection as CSV or SQL INSERTs and hands it on ("select these rows").
class CompareView : public QWidget
{
    Q_OBJECT
public:
    CompareView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent = nullptr);

    const DiffResult &result() const { return m_result; }

public Q_SLOTS:
    /// Starts (or restarts) the comparison of all tables.
    void compare();
    void cancel();
    /// Shows `table` ("schema.table") in the table list and its rows, whatever the filter hid.
    void selectTable(const QString &table);
    /// A second BACKUP of the same data: after each comparison, what it recovers beside BACKUP
    /// (BackupGainPanel). An empty conninfo: none.
    void setOtherBackup(const salvage::ConnectionProfile &other);

Q_SIGNALS:
    void finished(const salvage::DiffResult &result);
    /// The comparison so far, after each table.
    void progressed(const salvage::DiffResult &result);
    void failed(const QString &message, bool cancelled);
    /// The operator asked to restore rows of a table (a restore root such as "public.accounts MISSING").
    void restoreRequested(const QString &root);
    /// "Show in timeline" on rows: a name for people and the rows' values that could be log keys.
    void logsRequested(const QString &rowName, const QStringList &values);
    /// "Select these rows": the differing rows picked in the rows pane, for the other views.
    void rowsSelected(const salvage::DiffRowSelection &selection);
    /// What the second BACKUP recovers beside BACKUP, after a comparison.
    void backupGainComputed(std::shared_ptr<const salvage::BackupGain> gain);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void showResult(const DiffResult &result);
    /// The Moves pane: the incident's moves with the names of the rows they left and joined, a
    /// sum of what moved, and life's small re-points in one line.
    void showMoves();
    /// Looks up, on each side, the names (label column) of the rows the moves point at.
    void fetchMoveLabels();
    /// "44 · alice": a moved key with the name of its row on `side`'s preferred database.
    QString withLabel(const QString &table, const DiffValue &value, bool preferLive) const;
    /// Widens the table list to its name and counts (within a quarter to 55 % of the view; the name
    /// elided when more is needed) until the operator moves the splitter.
    void fitTableList();
    void showSelectedTable();
    void applyFilter();
    void createRowActions();
    /// The rows picked in the rows pane, as indexes into the shown table's rows, in view order.
    QList<int> selectedRows() const;

    Connection *m_live;
    Connection *m_backup;
    JobRegistry *m_jobs;
    DiffJob *m_job;
    DiffResult m_result;
    DiffTablesModel *m_tables;
    QSortFilterProxyModel *m_tablesProxy;
    DiffRowsModel *m_rows;
    QTableView *m_tableList;
    QTableView *m_rowView;
    QTableWidget *m_moves;
    QLabel *m_movesSummary;
    BackupGainPanel *m_gain;
    /// "schema.table\x1fkey" → label, as each side names the row.
    QHash<QString, QString> m_liveLabels;
    QHash<QString, QString> m_backupLabels;
    quint64 m_labelsGeneration = 0;
    QSplitter *m_split;
    bool m_splitMoved = false;
    QComboBox *m_filter;
    QLabel *m_status;
    QPushButton *m_compareButton;
    QPushButton *m_cancelButton;
};

} // namespace salvage
