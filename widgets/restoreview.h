#pragma once

#include "restore/declarations.h"
#include "restore/restoreplan.h"
#include "restore/undoguard.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTabWidget;
class QTreeWidget;

namespace salvage {

class Banner;
class Connection;
class LostDependantsPanel;
class DeclarationsPanel;
class JobRegistry;
class SqlEditor;
struct ExecutionReport;

/// The Restore view: roots from predicates, the plan as a tree (table → action → rows with
/// reasons), collisions and unrestorable rows, per-table policies, the script in a SQL editor
/// (read-only until unlocked), and Preview / Run / Undo. Planning runs on LIVE's worker with a
/// sibling BACKUP session; preview, run and undo run on the thread pool in their own writable
/// LIVE session, listed in the jobs panel with progress and cancel.
class RestoreView : public QWidget
{
    Q_OBJECT
public:
    RestoreView(Connection *live, Connection *backup, JobRegistry *jobs, QWidget *parent = nullptr);

    /// Adds a root ("TABLE WHERE PREDICATE", "TABLE:KEY,…", "TABLE MISSING"), e.g. from the Compare view.
    void addRoot(const QString &root);
    QString script() const;
    /// Declared relations, uniqueness and rules (the workspace's), used by every plan.
    Declarations declarations() const;
    void setDeclarations(const Declarations &declarations);
    /// The undo script "Undo last run" runs: the last run that changed rows; empty when none.
    QString lastUndo() const { return m_undoScripts.isEmpty() ? QString() : m_undoScripts.last(); }

Q_SIGNALS:
    void planned(const salvage::RestorePlan &plan);
    void executed(bool committed, const QString &summary);
    /// A run or an undo was committed on LIVE: a sentence for the incident's timeline.
    void committedToLive(const QString &note);
    /// The operator added or removed a declaration: the workspace file should be saved.
    void declarationsChanged();

private:
    void plan();
    void showPlan(const RestorePlan &plan);
    void preview();
    void run();
    void undo();
    /// Runs the last run's undo script; forced, it overwrites rows changed since the run.
    void runUndo(bool force);
    /// The undo was refused over rows changed since the run: lists them, offers to undo anyway.
    void offerForcedUndo(const UndoGuard::Refusal &refusal);
    void execute(
        const QString &title, const QByteArray &script, const QString &undoPath, bool commit, bool forceUndo = false);
    void showReport(const ExecutionReport &report);
    void setBusy(bool busy);
    /// The operator chose how `table`'s dependants come back (a lost-dependant finding): plan again.
    void choosePolicy(const QString &table, RestorePolicy policy);

    Connection *m_live;
    Connection *m_backup;
    JobRegistry *m_jobs;
    QPlainTextEdit *m_roots;
    QTreeWidget *m_tree;
    QTreeWidget *m_collisions;
    QTreeWidget *m_unrestorable;
    QTreeWidget *m_deletedSince;
    QTableWidget *m_policies;
    DeclarationsPanel *m_declarations;
    SqlEditor *m_editor;
    QCheckBox *m_unlock;
    QPlainTextEdit *m_output;
    QTabWidget *m_tabs;
    QLabel *m_status;
    QPushButton *m_planButton;
    QPushButton *m_previewButton;
    QPushButton *m_runButton;
    QPushButton *m_undoButton;
    Banner *m_findings;
    LostDependantsPanel *m_lostDependants;
    RestorePlan m_plan;
    /// A plan is consumed by its run: Run waits for a new plan (LIVE is no longer what it saw).
    bool m_planRan = false;
    /// Undo scripts of the committed runs that changed rows, newest last; an undo run pops its own.
    QStringList m_undoScripts;
};

} // namespace salvage
