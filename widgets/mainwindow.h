#pragma once

#include "backup/pitrsource.h"
#include "backup/pitrtarget.h"
#include "db/connectionprofile.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QHash>
#include <QMainWindow>

class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;
class QTimer;

namespace salvage {

class CompareView;
class Connection;
class GraphView;
class JobRegistry;
class JobsPanel;
class OverviewPage;
class PasswordStore;
class SourcePanel;
class SqlConsole;
class StaleMarks;
class RestoreView;
class TimelineView;

/// The workbench window. It wires things together and owns nothing but wiring: the LIVE and BACKUP
/// source docks side by side, the investigation views as tabs, the jobs dock, menus and status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    Connection *connection(Side side) const;
    SourcePanel *sourcePanel(Side side) const;
    JobRegistry *jobs() const { return m_jobs; }
    const Workspace &workspace() const { return m_workspace; }

    /// Opens `side` on `profile`; with no password, the keychain (if any) is asked first.
    void connectSide(Side side, const ConnectionProfile &profile, const QString &password = {});
    /// Loads a workspace and connects both sides. Returns false (and says why) when it cannot.
    bool openWorkspace(const QString &path, QString *error = nullptr);

    /// The timeline's log files (File ▸ Log sources…): indexed again, kept in the workspace.
    void setLogSources(const QList<LogSource> &sources);

    /// Restores a pg_dump file into a scratch cluster Salvage manages and connects BACKUP to it.
    void loadBackupFromDump(const QString &dumpPath);
    /// Asks for a source (base backup and WAL archive, pgBackRest, Barman) and a target, then recovers
    /// BACKUP to it in a background job. `event`, when valid, prefills the target: just before it,
    /// by a margin the operator chooses (the Timeline's "BACKUP as of just before this event…").
    void recoverBackupAsOf(const QDateTime &event = {});
    /// The recovery job behind both "BACKUP as of an instant" and the Connect dialog's PITR tab:
    /// one scratch cluster per source, left paused at its target, BACKUP connected to it.
    void startBackupRecovery(const PitrSourceSpec &source, const PitrTarget &target, const QString &database);

    /// Adds an investigation view as a tab with an entry in the Investigate menu.
    /// `id` matches one of the reserved entries (compare, graph, timeline, restore, console).
    void addView(const QString &id, const QString &title, QWidget *view);

Q_SIGNALS:
    void workspaceOpened(const salvage::Workspace &workspace);
    /// The workspace's first other BACKUP (empty when none), for Compare's "recoverable from each BACKUP".
    void otherBackupChanged(const salvage::ConnectionProfile &other);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    /// Makes `backup` the workspace's BACKUP, swapping it with an other BACKUP it is one of.
    void switchBackup(const ConnectionProfile &backup);
    void createDocks();
    /// The overview's findings open the views; a restore marks what it made out of date.
    void wireOverview(CompareView *compare, GraphView *graph, SqlConsole *console);
    void showConnectDialog(Side side);
    void openWorkspaceDialog();
    void saveWorkspaceDialog();
    void updateStatus();
    void restoreSettings();
    void saveSettings();
    /// Writes the timeline's annotations (and the log sources) into the open workspace file,
    /// debounced after each change; nothing when no file is open.
    void saveAnnotations();
    void editLogSources();
    /// The workspace's log sources with paths resolved against the workspace file.
    QList<LogSource> resolvedLogSources() const;

    Connection *m_live;
    Connection *m_backup;
    JobRegistry *m_jobs;
    PasswordStore *m_passwords;
    SourcePanel *m_livePanel = nullptr;
    SourcePanel *m_backupPanel = nullptr;
    JobsPanel *m_jobsPanel = nullptr;
    OverviewPage *m_overview = nullptr;
    TimelineView *m_timeline = nullptr;
    RestoreView *m_restore = nullptr;
    StaleMarks *m_stale = nullptr;
    QTabWidget *m_views = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_investigateMenu = nullptr;
    QHash<QString, QAction *> m_viewActions;
    QLabel *m_liveStatus = nullptr;
    QLabel *m_backupStatus = nullptr;
    QProgressBar *m_busy = nullptr;
    Workspace m_workspace;
    QString m_workspacePath;
    QTimer *m_annotationsAutosave = nullptr;
};

} // namespace salvage
