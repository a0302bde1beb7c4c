#include "mainwindow.h"

#include "aboutdialog.h"
#include "backup/pitrevents.h"
#include "backup/pitrrecovery.h"
#include "compactlayout.h"
#include "compareview.h"
#include "connectdialog.h"
#include "core/error.h"
#include "db/connection.h"
#include "db/dumploader.h"
#include "db/queryresultmodel.h"
#include "db/recentconnections.h"
#include "graphview.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobregistry.h"
#include "jobspanel.h"
#include "logsourcesdialog.h"
#include "overviewpage.h"
#include "passwordstore.h"
#include "pitrdialog.h"
#include "pitrform.h"
#include "restoreview.h"
#include "sourcepanel.h"
#include "sqlconsole.h"
#include "stalemarks.h"
#include "theme.h"
#include "timeline/annotations.h"
#include "timeline/databaseevents.h"
#include "timeline/keytable.h"
#include "timelineview.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimeZone>
#include <QTimer>

namespace salvage {

namespace {

struct ReservedView
{
    const char *id;
    const char *title;
    const char *why;
    Qt::Key key;
};

// Views the workbench is built around; each arrives as its own widget and takes its place here.
const ReservedView kReservedViews[] = {
    { "compare", QT_TRANSLATE_NOOP("MainWindow", "&Compare"), "backup vs live, every table", Qt::Key_1 },
    { "graph", QT_TRANSLATE_NOOP("MainWindow", "&Graph"), "relationships around chosen rows", Qt::Key_2 },
    { "timeline", QT_TRANSLATE_NOOP("MainWindow", "&Timeline"), "logs on one time axis", Qt::Key_3 },
    { "restore", QT_TRANSLATE_NOOP("MainWindow", "&Restore"), "plan, preview, run and undo", Qt::Key_4 },
    { "console", QT_TRANSLATE_NOOP("MainWindow", "&SQL console"), "read-only queries on either side", Qt::Key_5 },
};

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_live(new Connection(Side::Live, this))
    , m_backup(new Connection(Side::Backup, this))
    , m_jobs(new JobRegistry(this))
    , m_passwords(new PasswordStore(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    setWindowTitle(tr("Salvage"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/salvage.svg")));
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks);
    m_jobs->track(m_live);
    m_jobs->track(m_backup);

    m_views = new QTabWidget(this);
    m_views->setDocumentMode(true);
    m_overview = new OverviewPage(m_live, m_backup, m_jobs, m_views);
    m_views->addTab(m_overview, tr("Overview"));
    setCentralWidget(m_views);

    createDocks();
    createMenus();
    auto *compare = new CompareView(m_live, m_backup, m_jobs, this);
    addView(QStringLiteral("compare"), tr("&Compare"), compare);
    auto *graph = new GraphView(m_live, m_backup, m_jobs, this);
    addView(QStringLiteral("graph"), tr("&Graph"), graph);
    m_timeline = new TimelineView(m_jobs, this);
    addView(QStringLiteral("timeline"), tr("&Timeline"), m_timeline);
    auto *restore = new RestoreView(m_live, m_backup, m_jobs, this);
    m_restore = restore;
    addView(QStringLiteral("restore"), tr("&Restore"), restore);
    connect(compare, &CompareView::restoreRequested, this, [this, restore](const QString &root) {
        restore->addRoot(root);
        m_views->setCurrentWidget(restore);
    });
    // "Select these rows": they become a restore root, and the graph centres on the first of them.
    connect(compare, &CompareView::rowsSelected, this, [this, restore, graph](const DiffRowSelection &selection) {
        graph->showRoot(selection.graphRoot());
        restore->addRoot(selection.restoreRoot());
        m_views->setCurrentWidget(restore);
    });
    // A row followed into the logs: the timeline filters to the events carrying its values.
    const auto showInTimeline = [this](const QString &rowName, const QStringList &values) {
        m_timeline->showRow(rowName, values);
        m_views->setCurrentWidget(m_timeline);
    };
    connect(graph, &GraphView::logsRequested, this, showInTimeline);
    // Row keys in the logs name tables by their path or column words; the schemas say which exist.
    const auto tableNames = [this]() {
        QStringList names;
        for (const Connection *side : { m_live, m_backup })
            for (const Table &table : side->schema().tables)
                if (!names.contains(table.name))
                    names << table.name;
        m_timeline->setTableNames(names);
    };
    connect(m_live, &Connection::schemaChanged, this, tableNames);
    connect(m_backup, &Connection::schemaChanged, this, tableNames);
    connect(compare, &CompareView::logsRequested, this, showInTimeline);
    // A restore committed on LIVE is part of the incident's story: a starred note at that instant.
    connect(restore, &RestoreView::committedToLive, this, [this](const QString &note) {
        m_timeline->annotations()->addManual(QDateTime::currentMSecsSinceEpoch(), note, { QStringLiteral("restore") });
    });
    // What the databases date (the backup's point in time, rows created since) joins the logs.
    connect(compare, &CompareView::finished, this, [this](const DiffResult &result) {
        m_timeline->annotations()->replaceDerived(DatabaseEvents::idPrefix, DatabaseEvents::of(result));
        m_timeline->setComparison(result); // the postmortem's loss table, moves and incident window
        m_timeline->setBackupGain(nullptr); // until the second BACKUP's count for this comparison comes
    });
    connect(this, &MainWindow::otherBackupChanged, compare, &CompareView::setOtherBackup);
    connect(compare, &CompareView::backupGainComputed, m_timeline, &TimelineView::setBackupGain);
    // A timeline row's key followed into the databases: the table its kind names, on LIVE's schema.
    const auto tableFor = [this](const QString &kind) {
        const QString table = KeyTable::forKind(kind, m_live->schema());
        if (table.isEmpty())
            statusBar()->showMessage(tr("No table answers to the key kind “%1” on LIVE.").arg(kind), 8000);
        return table;
    };
    connect(m_timeline, &TimelineView::graphRequested, this,
        [this, graph, tableFor](const QString &kind, const QString &value) {
            if (const QString table = tableFor(kind); !table.isEmpty()) {
                graph->showRoot(table + QLatin1Char(':') + value);
                m_views->setCurrentWidget(graph);
            }
        });
    connect(m_timeline, &TimelineView::backupAsOfRequested, this,
        [this](qint64 instantMs) { recoverBackupAsOf(QDateTime::fromMSecsSinceEpoch(instantMs, QTimeZone::utc())); });
    connect(m_timeline, &TimelineView::compareRequested, this,
        [this, compare, tableFor](const QString &kind, const QString &) {
            if (const QString table = tableFor(kind); !table.isEmpty()) {
                compare->selectTable(table);
                m_views->setCurrentWidget(compare);
            }
        });
    auto *console = new SqlConsole(m_live, m_backup, this);
    addView(QStringLiteral("console"), tr("&SQL console"), console);
    // The console runs on the side the operator last clicked into.
    connect(m_livePanel, &SourcePanel::sideSelected, console, &SqlConsole::setSide);
    connect(m_backupPanel, &SourcePanel::sideSelected, console, &SqlConsole::setSide);
    wireOverview(compare, graph, console);
    // The workspace's log sources go to the timeline, paths taken relative to the workspace file.
    connect(this, &MainWindow::workspaceOpened, this, [this](const Workspace &workspace) {
        try {
            m_restore->setDeclarations(Declarations::loadFrom(workspace));
        } catch (const Error &failure) {
            statusBar()->showMessage(failure.message(), 15000);
        }
        m_timeline->loadAnnotations(workspace);
        if (!workspace.logs.isEmpty())
            m_timeline->setSources(resolvedLogSources());
    });

    // Stars, tags, comments and notes are the night's work: they go into the open workspace file a
    // second after each change, not only when the operator remembers "Save workspace".
    m_annotationsAutosave = new QTimer(this);
    m_annotationsAutosave->setSingleShot(true);
    m_annotationsAutosave->setInterval(1000);
    connect(m_annotationsAutosave, &QTimer::timeout, this, &MainWindow::saveAnnotations);
    connect(m_timeline->annotations(), &Annotations::markChanged, m_annotationsAutosave, qOverload<>(&QTimer::start));
    connect(m_timeline->annotations(), &Annotations::manualEventsChanged, m_annotationsAutosave,
        qOverload<>(&QTimer::start));
    connect(m_restore, &RestoreView::declarationsChanged, m_annotationsAutosave, qOverload<>(&QTimer::start));

    m_liveStatus = new QLabel(this);
    m_backupStatus = new QLabel(this);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setVisible(false);
    statusBar()->addWidget(m_liveStatus);
    statusBar()->addWidget(m_backupStatus);
    statusBar()->addPermanentWidget(m_busy);
    connect(m_live, &Connection::stateChanged, this, &MainWindow::updateStatus);
    connect(m_backup, &Connection::stateChanged, this, &MainWindow::updateStatus);
    connect(m_jobs, &JobRegistry::runningCountChanged, this, &MainWindow::updateStatus);
    updateStatus();
    restoreSettings();
}

MainWindow::~MainWindow() = default;

Connection *MainWindow::connection(Side side) const
{
    return side == Side::Live ? m_live : m_backup;
}

SourcePanel *MainWindow::sourcePanel(Side side) const
{
    return side == Side::Live ? m_livePanel : m_backupPanel;
}

void MainWindow::wireOverview(CompareView *compare, GraphView *graph, SqlConsole *console)
{
    // One diff for both: the overview asks Compare's job to run and reads its progress.
    connect(m_overview, &OverviewPage::comparisonWanted, compare, &CompareView::compare);
    connect(compare, &CompareView::progressed, m_overview, &OverviewPage::showComparison);
    connect(compare, &CompareView::finished, m_overview, &OverviewPage::showComparison);
    connect(compare, &CompareView::failed, m_overview,
        [this](const QString &message, bool) { m_overview->comparisonFailed(message); });
    connect(m_overview, &OverviewPage::compareRequested, this, [this, compare](const QString &table) {
        compare->selectTable(table);
        m_views->setCurrentWidget(compare);
    });
    connect(m_overview, &OverviewPage::graphRequested, this, [this, graph](const QString &root) {
        graph->showRoot(root);
        m_views->setCurrentWidget(graph);
    });
    connect(m_overview, &OverviewPage::timelineRequested, this, [this](const QString &name, const QStringList &values) {
        m_timeline->showRow(name, values);
        m_views->setCurrentWidget(m_timeline);
    });
    connect(m_overview, &OverviewPage::restoreRequested, this, [this](const QString &root) {
        m_restore->addRoot(root);
        m_views->setCurrentWidget(m_restore);
    });
    const auto timelineReady = [this]() { m_overview->setTimeline(m_timeline->sharedTimeline()); };
    connect(m_timeline, &TimelineView::indexed, m_overview, timelineReady);
    connect(m_timeline, &TimelineView::correlated, m_overview, timelineReady);

    // A restore or an undo committed on LIVE: what the views read from LIVE before is out of date.
    m_stale = new StaleMarks(this);
    m_stale->track(compare,
        { [compare]() { return !compare->result().tables.isEmpty(); }, [this]() { m_overview->recompare(); },
            [this]() { return m_overview->lastComparisonMs() >= 0 && m_overview->lastComparisonMs() < 30000; } });
    m_stale->track(m_overview, { [this]() { return m_overview->hasComparison(); }, {}, {}, compare });
    m_stale->track(m_timeline, { [compare]() { return !compare->result().tables.isEmpty(); }, {}, {}, compare });
    m_stale->track(graph, { [graph]() { return !graph->graph().nodes.isEmpty(); }, [graph]() { graph->draw(); }, {} });
    m_stale->track(console,
        { [console]() { return console->resultModel()->columnCount() > 0; }, [console]() { console->run(); }, {} });
    connect(compare, &CompareView::finished, m_stale, [this, compare]() { m_stale->markFresh(compare); });
    connect(graph, &GraphView::graphReady, m_stale, [this, graph]() { m_stale->markFresh(graph); });
    connect(console, &SqlConsole::finished, m_stale, [this, console]() { m_stale->markFresh(console); });
    connect(m_restore, &RestoreView::committedToLive, m_stale, [this](const QString &note) {
        m_stale->markStale(tr("LIVE changed at %1 (%2).")
                               .arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")), note));
    });
}

void MainWindow::createDocks()
{
    auto makeDock = [this](const QString &objectName, const QString &title, QWidget *content, Qt::DockWidgetArea area) {
        auto *dock = new QDockWidget(title, this);
        dock->setObjectName(objectName);
        dock->setWidget(content);
        addDockWidget(area, dock);
        return dock;
    };
    m_livePanel = new SourcePanel(m_live, this);
    m_backupPanel = new SourcePanel(m_backup, this);
    m_jobsPanel = new JobsPanel(m_jobs, this);
    // LIVE and BACKUP side by side, left and right of the views.
    makeDock(QStringLiteral("liveDock"), tr("LIVE"), m_livePanel, Qt::LeftDockWidgetArea);
    makeDock(QStringLiteral("backupDock"), tr("BACKUP"), m_backupPanel, Qt::RightDockWidgetArea);
    makeDock(QStringLiteral("jobsDock"), tr("Jobs"), m_jobsPanel, Qt::BottomDockWidgetArea);
    connect(m_livePanel, &SourcePanel::connectRequested, this, &MainWindow::showConnectDialog);
    connect(m_backupPanel, &SourcePanel::connectRequested, this, &MainWindow::showConnectDialog);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open workspace…"), QKeySequence::Open, this, &MainWindow::openWorkspaceDialog);
    file->addAction(tr("&Save workspace as…"), QKeySequence::SaveAs, this, &MainWindow::saveWorkspaceDialog);
    file->addSeparator();
    file->addAction(
        tr("&Log sources…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L), this, &MainWindow::editLogSources);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *connectMenu = menuBar()->addMenu(tr("&Connect"));
    connectMenu->addAction(
        tr("Connect &LIVE…"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this]() { showConnectDialog(Side::Live); });
    connectMenu->addAction(tr("Connect &BACKUP…"), QKeySequence(Qt::CTRL | Qt::Key_B), this,
        [this]() { showConnectDialog(Side::Backup); });
    connectMenu->addAction(tr("Load BACKUP from a pg_&dump file…"), this, [this]() {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load a backup dump"), QString(),
            tr("pg_dump files (*.dump *.backup *.sql *.sql.gz *.tar);;All files (*)"));
        if (!path.isEmpty())
            loadBackupFromDump(path);
    });
    connectMenu->addAction(
        tr("BACKUP as of an &instant (WAL archive, pgBackRest, Barman)…"), this, [this]() { recoverBackupAsOf(); });
    connectMenu->addSeparator();
    connectMenu->addAction(tr("Disconnect both"), this, [this]() {
        m_live->close();
        m_backup->close();
    });

    m_investigateMenu = menuBar()->addMenu(tr("&Investigate"));
    for (const ReservedView &view : kReservedViews) {
        QAction *action = m_investigateMenu->addAction(tr(view.title));
        action->setShortcut(QKeySequence(Qt::CTRL | view.key));
        action->setEnabled(false);
        action->setToolTip(tr("%1 — not available in this build yet").arg(QString::fromLatin1(view.why)));
        m_investigateMenu->setToolTipsVisible(true);
        m_viewActions.insert(QString::fromLatin1(view.id), action);
    }

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    for (QDockWidget *dock : findChildren<QDockWidget *>())
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
    QMenu *themeMenu = m_viewMenu->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(this);
    const theme::Choice current = theme::fromString(QSettings().value(QStringLiteral("ui/theme")).toString());
    for (theme::Choice choice : { theme::Choice::System, theme::Choice::Light, theme::Choice::Dark }) {
        const QString name = theme::toString(choice);
        QAction *action = themeMenu->addAction(name.at(0).toUpper() + name.mid(1));
        action->setCheckable(true);
        action->setChecked(choice == current);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [choice]() {
            theme::apply(choice);
            QSettings().setValue(QStringLiteral("ui/theme"), theme::toString(choice));
        });
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Salvage"), this, [this]() { AboutDialog(this).exec(); });
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::addView(const QString &id, const QString &title, QWidget *view)
{
    compactLayout(view);
    const int tab = m_views->addTab(view, QString(title).remove(QLatin1Char('&')));
    QAction *action = m_viewActions.value(id);
    if (!action) {
        action = m_investigateMenu->addAction(title);
        m_viewActions.insert(id, action);
    }
    action->setEnabled(true);
    action->setToolTip(QString());
    view->setObjectName(id + QStringLiteral("View"));
    connect(action, &QAction::triggered, this, [this, tab]() { m_views->setCurrentIndex(tab); });
}

void MainWindow::connectSide(Side side, const ConnectionProfile &profile, const QString &password)
{
    QSettings settings;
    RecentConnections(settings).remember(side, profile);
    if (side == Side::Live)
        m_workspace.live = ConnectionProfile { profile.name, profile.conninfoWithoutPassword() };
    else
        switchBackup(ConnectionProfile { profile.name, profile.conninfoWithoutPassword() });
    Connection *target = connection(side);
    if (!password.isEmpty() || profile.embedsPassword() || !PasswordStore::isAvailable()) {
        target->open(profile, password);
        return;
    }
    m_passwords->read(
        profile.keychainKey(), [target, profile](const QString &stored) { target->open(profile, stored); });
}

void MainWindow::switchBackup(const ConnectionProfile &backup)
{
    // Switching to one of the workspace's other BACKUPs puts the one left into their place, so the
    // workspace keeps knowing both and Compare counts what the other recovers.
    const auto other = std::find_if(m_workspace.otherBackups.begin(), m_workspace.otherBackups.end(),
        [&backup](const ConnectionProfile &known) { return known.conninfo == backup.conninfo; });
    if (other != m_workspace.otherBackups.end()) {
        if (m_workspace.backup.conninfo.isEmpty())
            m_workspace.otherBackups.erase(other);
        else
            *other = m_workspace.backup;
    }
    m_workspace.backup = backup;
    Q_EMIT otherBackupChanged(m_workspace.otherBackups.value(0));
}

void MainWindow::loadBackupFromDump(const QString &dumpPath)
{
    // One scratch cluster per dump file, so loading it again later finds it in place.
    const QString key
        = QString::fromLatin1(QCryptographicHash::hash(dumpPath.toUtf8(), QCryptographicHash::Sha1).toHex().left(12));
    const QString clusterDir
        = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/dumps/") + key;
    const QString database = DumpLoader::databaseNameFor(dumpPath);
    const QString name = QFileInfo(dumpPath).fileName();
    statusBar()->showMessage(tr("Loading %1 into a scratch cluster…").arg(name));
    BackgroundJob::start<DumpLoader::Result>(
        m_jobs, tr("Load dump %1").arg(name), tr("BACKUP"),
        [dumpPath, clusterDir, database](
            JobControl &control) { return DumpLoader::load(dumpPath, clusterDir, database, control); },
        this,
        [this, name](DumpLoader::Result result) {
            statusBar()->showMessage(result.warnings.isEmpty()
                    ? tr("Loaded %1.").arg(name)
                    : tr("Loaded %1 with %n warning(s); see the jobs panel.", nullptr, int(result.warnings.size()))
                          .arg(name),
                15000);
            connectSide(Side::Backup, ConnectionProfile { tr("dump %1").arg(name), result.conninfo });
        },
        [this](const QString &message, bool cancelled) {
            statusBar()->showMessage(cancelled ? tr("Loading the dump was cancelled.") : message, 15000);
        });
}

namespace {

/// The PITR source last recovered from, offered again.
PitrSourceSpec rememberedPitrSource()
{
    QSettings settings;
    PitrSourceSpec last;
    last.baseBackup = settings.value(QStringLiteral("pitr/base")).toString();
    last.walArchive = settings.value(QStringLiteral("pitr/wal")).toString();
    last.pgBackRestStanza = settings.value(QStringLiteral("pitr/stanza")).toString();
    last.pgBackRestRepo = settings.value(QStringLiteral("pitr/repo")).toString();
    last.barmanServer = settings.value(QStringLiteral("pitr/barman")).toString();
    last.barmanConfig = settings.value(QStringLiteral("pitr/barmanConfig")).toString();
    return last;
}

void rememberPitrSource(const PitrSourceSpec &source)
{
    QSettings settings;
    settings.setValue(QStringLiteral("pitr/base"), source.baseBackup);
    settings.setValue(QStringLiteral("pitr/wal"), source.walArchive);
    settings.setValue(QStringLiteral("pitr/stanza"), source.pgBackRestStanza);
    settings.setValue(QStringLiteral("pitr/repo"), source.pgBackRestRepo);
    settings.setValue(QStringLiteral("pitr/barman"), source.barmanServer);
    settings.setValue(QStringLiteral("pitr/barmanConfig"), source.barmanConfig);
}

} // namespace

void MainWindow::recoverBackupAsOf(const QDateTime &event)
{
    PitrDialog dialog(this);
    dialog.setSource(rememberedPitrSource());
    if (event.isValid())
        dialog.setTargetJustBefore(event);
    if (dialog.exec() != QDialog::Accepted)
        return;
    startBackupRecovery(dialog.source(), dialog.target(), dialog.database());
}

void MainWindow::startBackupRecovery(const PitrSourceSpec &source, const PitrTarget &target, const QString &database)
{
    rememberPitrSource(source);
    PitrRecovery::Request request;
    request.target = target;
    request.database = database;
    // One scratch cluster per source, left paused at its target: a later target continues its replay,
    // an earlier one replaces Salvage's own copy.
    const QString key = QString::fromLatin1(
        QCryptographicHash::hash(source.identity().toUtf8(), QCryptographicHash::Sha1).toHex().left(12));
    request.clusterDir
        = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/pitr/") + key;
    request.replaceExisting = true;
    const QString what = request.target.describe();
    statusBar()->showMessage(tr("Recovering BACKUP as of %1…").arg(what));
    BackgroundJob::start<PitrRecovery::Result>(
        m_jobs, tr("BACKUP as of %1").arg(what), tr("BACKUP"),
        [source, request](JobControl &control) mutable {
            request.source = source.make();
            return PitrRecovery::retarget(request, control); // a later target continues the paused replay
        },
        this,
        [this, what, target](PitrRecovery::Result result) {
            statusBar()->showMessage(
                tr("BACKUP recovered as of %1 (%2): %3").arg(what, result.howReached, result.stoppedAt), 15000);
            m_timeline->annotations()->replaceDerived(PitrEvents::idPrefix, PitrEvents::of(result, target));
            connectSide(Side::Backup, ConnectionProfile { tr("as of %1").arg(what), result.conninfo });
        },
        [this](const QString &message, bool cancelled) {
            statusBar()->showMessage(
                cancelled ? tr("The recovery was cancelled; nothing is left of it.") : message, 15000);
        });
}

void MainWindow::showConnectDialog(Side side)
{
    QSettings settings;
    ConnectDialog dialog(side, RecentConnections(settings).list(side), this);
    const ConnectionProfile current = connection(side)->profile();
    if (!current.conninfo.isEmpty())
        dialog.setProfile(current);
    if (PitrForm *pitr = dialog.pitrForm())
        pitr->setSource(rememberedPitrSource());
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (dialog.recoversAsOfInstant()) {
        startBackupRecovery(dialog.pitrForm()->source(), dialog.pitrForm()->target(), dialog.pitrForm()->database());
        return;
    }
    if (dialog.rememberPassword())
        m_passwords->write(dialog.profile().keychainKey(), dialog.password());
    connectSide(side, dialog.profile(), dialog.password());
}

bool MainWindow::openWorkspace(const QString &path, QString *error)
{
    try {
        m_workspace = Workspace::load(path);
    } catch (const Error &failure) {
        if (error)
            *error = failure.message();
        statusBar()->showMessage(failure.message(), 15000);
        return false;
    }
    m_workspacePath = QFileInfo(path).absoluteFilePath();
    setWindowTitle(tr("Salvage — %1").arg(QFileInfo(path).completeBaseName()));
    const Workspace loaded = m_workspace;
    // The other BACKUPs are offered in the Connect dialog (behind the one connected now).
    QSettings settings;
    for (const ConnectionProfile &other : loaded.otherBackups)
        RecentConnections(settings).remember(Side::Backup, other);
    Q_EMIT otherBackupChanged(loaded.otherBackups.value(0));
    if (!loaded.live.conninfo.isEmpty())
        connectSide(Side::Live, loaded.live);
    if (!loaded.backup.conninfo.isEmpty())
        connectSide(Side::Backup, loaded.backup);
    m_workspace = loaded;
    Q_EMIT workspaceOpened(m_workspace);
    return true;
}

void MainWindow::openWorkspaceDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open workspace"), QString(), tr("Salvage workspaces (*.salvage);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openWorkspace(path, &error))
        QMessageBox::warning(this, tr("Open workspace"), error);
}

void MainWindow::saveWorkspaceDialog()
{
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save workspace"), m_workspacePath, tr("Salvage workspaces (*.salvage)"));
    if (path.isEmpty())
        return;
    // The dialog confirmed replacing the name it returned, not one with the suffix added here.
    const bool confirmed = path.endsWith(QLatin1String(".salvage"));
    if (!confirmed)
        path += QStringLiteral(".salvage");
    try {
        m_timeline->annotations()->saveTo(m_workspace);
        m_restore->declarations().saveTo(m_workspace);
        m_workspace.save(path, confirmed ? SafeFileWriter::Existing::Replace : SafeFileWriter::Existing::Keep);
        m_workspacePath = path;
        statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    } catch (const Error &failure) {
        QMessageBox::warning(this, tr("Save workspace"), failure.message());
    }
}

void MainWindow::updateStatus()
{
    auto describe = [](const Connection *connection) {
        const QString side = sideName(connection->side());
        switch (connection->state()) {
        case Connection::State::Open:
            return tr("%1: %2").arg(side, connection->profile().displayName());
        case Connection::State::Opening:
            return tr("%1: connecting…").arg(side);
        case Connection::State::Failed:
            return tr("%1: failed").arg(side);
        case Connection::State::Closed:
            break;
        }
        return tr("%1: not connected").arg(side);
    };
    m_liveStatus->setText(describe(m_live));
    m_liveStatus->setToolTip(m_live->state() == Connection::State::Failed ? m_live->lastError() : m_live->where());
    m_backupStatus->setText(describe(m_backup));
    m_backupStatus->setToolTip(
        m_backup->state() == Connection::State::Failed ? m_backup->lastError() : m_backup->where());
    const int running = m_jobs->runningCount();
    m_busy->setVisible(running > 0);
    m_busy->setFormat(tr("%n job(s)", nullptr, running));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("ui/geometry")).toByteArray())) {
        // A first start fills most of the screen it is on; docks are sized in characters and lines,
        // so that a 4K screen's larger fonts get room too.
        const QRect available = screen()->availableGeometry();
        resize(available.width() * 9 / 10, available.height() * 9 / 10);
        const QFontMetrics metrics = fontMetrics();
        resizeDocks(
            findChildren<QDockWidget *>(QStringLiteral("jobsDock")), { metrics.lineSpacing() * 8 }, Qt::Vertical);
        const int dockWidth = qMin(metrics.averageCharWidth() * 34, available.width() / 5);
        resizeDocks({ findChild<QDockWidget *>(QStringLiteral("liveDock")),
                        findChild<QDockWidget *>(QStringLiteral("backupDock")) },
            { dockWidth, dockWidth }, Qt::Horizontal);
    }
    restoreState(settings.value(QStringLiteral("ui/state")).toByteArray());
}

void MainWindow::saveSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("ui/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("ui/state"), saveState());
}

QList<LogSource> MainWindow::resolvedLogSources() const
{
    return m_workspace.resolvedLogs(m_workspacePath);
}

void MainWindow::setLogSources(const QList<LogSource> &sources)
{
    m_workspace.logs = sources;
    m_timeline->setSources(resolvedLogSources());
    saveAnnotations(); // the sources are part of the open workspace file too
}

void MainWindow::editLogSources()
{
    LogSourcesDialog dialog(resolvedLogSources(), this);
    if (dialog.exec() == QDialog::Accepted)
        setLogSources(dialog.sources());
}

void MainWindow::saveAnnotations()
{
    m_annotationsAutosave->stop();
    if (m_workspacePath.isEmpty())
        return; // no file yet: closing asks
    try {
        m_timeline->annotations()->saveTo(m_workspace);
        m_restore->declarations().saveTo(m_workspace);
        m_workspace.save(m_workspacePath, SafeFileWriter::Existing::Replace); // its own file
    } catch (const Error &failure) {
        statusBar()->showMessage(tr("Your notes could not be saved: %1").arg(failure.message()), 15000);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_annotationsAutosave->isActive())
        saveAnnotations();
    if (m_workspacePath.isEmpty() && (!m_timeline->annotations()->isEmpty() || !m_restore->declarations().isEmpty())) {
        const auto answer = QMessageBox::question(this, tr("Keep your notes?"),
            tr("The timeline has stars, tags, comments or notes, or the Restore view declarations, that are in no "
               "workspace file yet. "
               "Save a workspace with them?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save) {
            saveWorkspaceDialog();
            if (m_workspacePath.isEmpty()) {
                event->ignore(); // the save dialog was cancelled: stay open rather than lose them
                return;
            }
        }
    }
    saveSettings();
    m_live->cancelAll();
    m_backup->cancelAll();
    event->accept();
}

} // namespace salvage
