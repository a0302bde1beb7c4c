// The operator's night (issue 13): docs/demo.md's story walked click by click on the demo incident,
// each step asserting what the operator sees against the demo's own data. With SALVAGE_SCREENSHOTS
// set to a directory, every step is also saved as a screenshot there (tests/widgets/screenshots.sh
// runs it under Xvfb at 1280x800, 3840x2160 and with the dark theme).
#include "compareview.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "db/queryresultmodel.h"
#include "demo/demologwriter.h"
#include "demo/demoparameters.h"
#include "demo/demorunner.h"
#include "graphview.h"
#include "mainwindow.h"
#include "modaldialogs.h"
#include "overviewpage.h"
#include "restoreview.h"
#include "sqlconsole.h"
#include "sqleditor.h"
#include "testcluster.h"
#include "theme.h"
#include "timeline/timelinemodel.h"
#include "timelineview.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QToolButton>

using namespace salvage;
using namespace Qt::StringLiterals;
using salvage::test::TestCluster;

namespace {

const QString kBackup = u"tst_story_backup"_s;
const QString kLive = u"tst_story_live"_s;

QStringList column(const QString &database, const QString &sql)
{
    PgSession session(TestCluster::instance().conninfo(database), PgSession::Options { true, {}, 15 });
    QStringList values;
    for (const auto &row : session.exec(sql))
        values << QString::fromUtf8(row[0].c_str());
    return values;
}

QString value(const QString &database, const QString &sql)
{
    return column(database, sql).value(0);
}

/// The "Open in" button `name` of row `row` of an overview table.
QToolButton *entry(QTableWidget *table, int row, const char *name)
{
    QWidget *cell = table->cellWidget(row, table->columnCount() - 1);
    return cell ? cell->findChild<QToolButton *>(QLatin1String(name)) : nullptr;
}

int rowOf(QTableWidget *table, const QString &title)
{
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 0) && table->item(row, 0)->text() == title)
            return row;
    return -1;
}

QPushButton *button(QWidget *view, const QString &text)
{
    for (QPushButton *candidate : view->findChildren<QPushButton *>())
        if (candidate->text() == text)
            return candidate;
    return nullptr;
}

/// The merge job's start and end (UTC ms), read from the demo's Sidekiq log.
std::pair<qint64, qint64> mergeJob(const QString &logs)
{
    QFile file(logs + u"/sidekiq/sidekiq.log"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    static const QRegularExpression line(u"^(\\S+Z) .*class=AccountMergingWorker .*INFO: (start|done)$"_s);
    qint64 start = 0, done = 0;
    for (const QByteArray &text : file.readAll().split('\n')) {
        const QRegularExpressionMatch m = line.match(QString::fromUtf8(text));
        if (m.hasMatch())
            (m.captured(2) == "start"_L1 ? start : done)
                = QDateTime::fromString(m.captured(1), Qt::ISODateWithMs).toMSecsSinceEpoch();
    }
    return { start, done };
}

qint64 utcMs(const QString &text)
{
    QDateTime time = QDateTime::fromString(text, u"yyyy-MM-dd HH:mm:ss"_s);
    time.setTimeZone(QTimeZone::utc());
    return time.toMSecsSinceEpoch();
}

} // namespace

class TestStory : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    QString m_victim; ///< the first victim's id (44 with the default seed)
    QStringList m_victims;
    QString m_remote; ///< the remote account the victims' rows were re-pointed at
    QString m_shots; ///< where screenshots go; empty: none
    QString m_shotTag;

    QString logs() const { return m_dir.path() + u"/logs"_s; }
    template <typename T> T *find(const QString &name = {}) const { return m_window->findChild<T *>(name); }
    QTabWidget *views() const { return find<QTabWidget>(); }

    /// A screenshot of the whole screen (`import -window root` under X), named after the step.
    void shoot(const QString &step)
    {
        if (m_shots.isEmpty())
            return;
        QTest::qWait(400); // jobs' last repaints
        const QString path = u"%1/%2-%3.png"_s.arg(m_shots, m_shotTag, step);
        if (QGuiApplication::platformName() == "xcb"_L1 && !QStandardPaths::findExecutable(u"import"_s).isEmpty())
            QVERIFY(QProcess::execute(u"import"_s, { u"-window"_s, u"root"_s, path }) == 0);
        else
            QVERIFY(m_window->grab().save(path));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"salvage-tests"_s);
        QCoreApplication::setApplicationName(u"tst_story"_s);
        QSettings().clear();
        m_shots = qEnvironmentVariable("SALVAGE_SCREENSHOTS");
        if (!m_shots.isEmpty()) {
            QDir().mkpath(m_shots);
            const QSize screen
                = QGuiApplication::primaryScreen()->size() * QGuiApplication::primaryScreen()->devicePixelRatio();
            m_shotTag = u"%1x%2"_s.arg(screen.width()).arg(screen.height());
        }
        if (qEnvironmentVariable("SALVAGE_THEME") == "dark"_L1) {
            theme::apply(theme::Choice::Dark);
            m_shotTag += u"-dark"_s;
        }
        // The demo with its default seed and scale, as `salvage-cli demo` builds it, on the test cluster.
        DemoRunner::build(TestCluster::instance().cluster(), kBackup, kLive, logs(), DemoParameters {});
        Workspace workspace;
        workspace.live = { u"Demo live"_s, TestCluster::instance().conninfo(kLive) };
        workspace.backup = { u"Demo backup (T0)"_s, TestCluster::instance().conninfo(kBackup) };
        workspace.logs = DemoLogWriter::sources();
        workspace.save(m_dir.filePath(u"workspace.salvage"_s), SafeFileWriter::Existing::Replace);

        // The victims as docs/demo.md defines them: local accounts with an empty uri.
        m_victims = column(
            kBackup, u"SELECT id::text FROM accounts WHERE domain IS NULL AND uri = '' ORDER BY accounts.id"_s);
        QCOMPARE(m_victims.size(), int(DemoParameters {}.victims()));
        m_victim = m_victims.first();
        m_remote = value(kBackup, u"SELECT min(id)::text FROM accounts WHERE domain = 'fedi.example.org'"_s);

        m_window = std::make_unique<MainWindow>();
        if (QGuiApplication::platformName() == "xcb"_L1)
            m_window->setGeometry(QGuiApplication::primaryScreen()->availableGeometry());
        else
            m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        if (m_window)
            m_window->close();
        m_window.reset();
    }

    // `./run demo`: the workspace opens both sides and indexes the five logs.
    void openTheDemoWorkspace()
    {
        QString error;
        QVERIFY2(m_window->openWorkspace(m_dir.filePath(u"workspace.salvage"_s), &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->connection(Side::Live)->state(), Connection::State::Open, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->connection(Side::Backup)->state(), Connection::State::Open, 30000);
        QCOMPARE(views()->currentWidget(), find<OverviewPage>());
    }

    // The Overview: the incident at a glance, filled in by the comparison and the logs.
    void overviewShowsTheIncident()
    {
        auto *overview = find<OverviewPage>();
        QTRY_VERIFY_WITH_TIMEOUT(overview->hasComparison(), 120000);
        const QStringList backupIds = column(kBackup, u"SELECT id::text FROM accounts"_s);
        const QStringList liveIds = column(kLive, u"SELECT id::text FROM accounts"_s);
        const qsizetype lostAccounts = QSet<QString>(backupIds.begin(), backupIds.end())
                                           .subtract(QSet<QString>(liveIds.begin(), liveIds.end()))
                                           .size();
        QCOMPARE(lostAccounts, m_victims.size()); // the merge deleted the victims and no other account
        auto *tables = find<QTableWidget>(u"overviewTables"_s);
        const int accounts = rowOf(tables, u"public.accounts"_s);
        QVERIFY(accounts >= 0);
        QCOMPARE(tables->item(accounts, 1)->text(), QLocale().toString(lostAccounts));
        // The merge, the largest fan-in: every victim's rows re-pointed at the remote account.
        auto *fanIns = find<QTableWidget>(u"overviewFanIns"_s);
        QCOMPARE(fanIns->item(0, 0)->text(), u"%1 accounts' rows → accounts %2"_s.arg(m_victims.size()).arg(m_remote));

        // The log window: the last event touching a lost row is the merge job's; the first came before it.
        QTRY_VERIFY_WITH_TIMEOUT(overview->windowText().contains("first event"_L1), 120000);
        static const QRegularExpression times(u"(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC"_s);
        QList<qint64> instants;
        for (auto it = times.globalMatch(overview->windowText()); it.hasNext();)
            instants << utcMs(it.next().captured(1));
        QCOMPARE(instants.size(), 2);
        const auto [start, done] = mergeJob(logs());
        QVERIFY(start > 0 && done > start);
        QVERIFY2(instants.at(1) >= start / 1000 * 1000 && instants.at(1) <= done, qPrintable(overview->windowText()));
        QVERIFY(instants.at(0) < start);
        shoot(u"1-overview"_s);
    }

    // Compare: public.accounts, a lost victim, "Show in timeline": its DELETE and the requests naming it.
    void compareShowsAVictimInTheTimeline()
    {
        auto *tables = find<QTableWidget>(u"overviewTables"_s);
        entry(tables, rowOf(tables, u"public.accounts"_s), "openCompare")->click();
        auto *compare = find<CompareView>();
        QCOMPARE(views()->currentWidget(), compare);
        QCOMPARE(find<QTableView>(u"compareTables"_s)->currentIndex().siblingAtColumn(0).data().toString(),
            u"public.accounts"_s);
        auto *rows = find<QTableView>(u"compareRows"_s);
        int victimRow = -1;
        for (int row = 0; row < rows->model()->rowCount() && victimRow < 0; ++row)
            if (rows->model()->index(row, 0).data().toString() == "lost"_L1
                && rows->model()->index(row, 1).data().toString() == m_victim)
                victimRow = row;
        QVERIFY2(victimRow >= 0, qPrintable(m_victim));
        rows->selectRow(victimRow);
        shoot(u"2-compare"_s);

        auto *timeline = find<TimelineView>();
        QSignalSpy filtered(timeline, &TimelineView::filtered);
        rows->findChild<QAction *>(u"showRowsInTimeline"_s)->trigger();
        QCOMPARE(views()->currentWidget(), timeline);
        // The key filter: the account as a row of its table (its username is in no log of the demo).
        QTRY_VERIFY_WITH_TIMEOUT(timeline->filter().keys.contains(u"accounts:"_s + m_victim), 120000);
        QVERIFY(!timeline->filter().keys.contains(m_victim)); // a bare number is any table's row

        auto *model = qobject_cast<TimelineModel *>(timeline->findChild<QTableView *>()->model());
        QVERIFY(model);
        const auto [start, done] = mergeJob(logs());
        bool deleted = false;
        int requests = 0;
        QStringList others;
        for (const QString &victim : std::as_const(m_victims))
            if (victim != m_victim)
                others << u"/accounts/%1/"_s.arg(victim);
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, 0).data(TimelineModel::ManualRole).toBool())
                continue; // the databases' own events
            const QString raw = model->index(row, 0).data(TimelineModel::RawRole).toString();
            const qint64 at = model->index(row, 0).data(TimelineModel::InstantRole).toLongLong();
            if (raw.contains("DELETE FROM \"accounts\""_L1) && raw.contains(u"$1 = '%1'"_s.arg(m_victim))) {
                deleted = true;
                QVERIFY2(at >= start / 1000 * 1000 && at <= done, qPrintable(raw)); // during the merge job
            }
            if (raw.contains(u"/api/v1/accounts/%1/"_s.arg(m_victim)))
                ++requests;
            QVERIFY2(!raw.contains(u"/statuses/%1"_s.arg(m_victim)), qPrintable(raw)); // not a status 44
            for (const QString &other : std::as_const(others))
                QVERIFY2(!raw.contains(other), qPrintable(raw)); // not another victim
        }
        // The first of them is selected, not a database note above it: the detail pane shows it.
        const QModelIndex current = timeline->findChild<QTableView *>()->currentIndex();
        QVERIFY(current.isValid());
        QVERIFY(!current.data(TimelineModel::ManualRole).toBool());
        QVERIFY(deleted);
        QVERIFY2(requests >= 2, qPrintable(QString::number(requests))); // nginx and Rails
        shoot(u"3-timeline-victim"_s);
    }

    // The fan-in's Timeline entry: the remote account and the victims, each as an id of accounts.
    void fanInInTheTimeline()
    {
        views()->setCurrentWidget(find<OverviewPage>());
        auto *timeline = find<TimelineView>();
        entry(find<QTableWidget>(u"overviewFanIns"_s), 0, "openTimeline")->click();
        QCOMPARE(views()->currentWidget(), timeline);
        QTRY_VERIFY_WITH_TIMEOUT(timeline->filter().keys.contains(u"accounts:"_s + m_victim), 30000);
        for (const QString &key : timeline->filter().keys)
            QVERIFY2(key.startsWith("accounts:"_L1), qPrintable(key));
        auto *model = qobject_cast<TimelineModel *>(timeline->findChild<QTableView *>()->model());
        QVERIFY(model->eventCount() >= m_victims.size()); // at least each victim's DELETE
    }

    // Graph: the fan-in's entry opens the incident's view: the remote account and the rows moved onto it.
    void graphShowsTheMerge()
    {
        views()->setCurrentWidget(find<OverviewPage>());
        auto *graph = find<GraphView>();
        QSignalSpy ready(graph, &GraphView::graphReady);
        entry(find<QTableWidget>(u"overviewFanIns"_s), 0, "openGraph")->click();
        QCOMPARE(views()->currentWidget(), graph);
        QCOMPARE(find<QLineEdit>(u"graphRoot"_s)->text(), u"public.accounts:"_s + m_remote);
        QCOMPARE(graph->scope(), GraphView::Scope::Incident);
        QVERIFY(ready.wait(120000));
        const RelationGraph &drawn = graph->graph();
        QVERIFY(drawn.node(u"public.accounts:"_s + m_remote));
        const qsizetype moved = std::count_if(
            drawn.edges.cbegin(), drawn.edges.cend(), [](const GraphEdge &e) { return e.presence == Presence::Moved; });
        QVERIFY(moved > 0);
        // A picture, not a hairball: the folded fans keep it small.
        QVERIFY2(drawn.nodes.size() <= 120, qPrintable(QString::number(drawn.nodes.size())));
        // Readable labels: none shown covers another (those with no room appear on hover).
        QList<QRectF> labels;
        for (QGraphicsItem *item : find<QGraphicsView>()->scene()->items())
            if (item->data(0).toString() == "edgeLabel"_L1 && item->isVisible()) {
                for (const QRectF &other : std::as_const(labels))
                    QVERIFY(!other.intersects(item->sceneBoundingRect()));
                labels << item->sceneBoundingRect();
            }
        QVERIFY(labels.size() >= moved); // every move keeps its count in sight
        shoot(u"4-graph"_s);
    }

    // Restore the victims from the fan-in: plan, preview (rolled back), run, undo.
    void restoreRunsAndUndoes()
    {
        views()->setCurrentWidget(find<OverviewPage>());
        entry(find<QTableWidget>(u"overviewFanIns"_s), 0, "openRestore")->click();
        auto *restore = find<RestoreView>();
        QCOMPARE(views()->currentWidget(), restore);
        const QString roots = find<QPlainTextEdit>(u"restoreRoots"_s)->toPlainText().trimmed();
        QStringList keys = roots.section(u':', 1).split(u',');
        std::sort(keys.begin(), keys.end(),
            [](const QString &a, const QString &b) { return a.toLongLong() < b.toLongLong(); });
        QCOMPARE(keys, m_victims);

        QSignalSpy planned(restore, &RestoreView::planned);
        QSignalSpy executed(restore, &RestoreView::executed);
        button(restore, u"&Plan"_s)->click();
        QVERIFY(planned.wait(120000));
        const RestorePlan plan = planned.last().first().value<RestorePlan>();
        QVERIFY(plan.rowsToWrite() >= m_victims.size());
        shoot(u"5-restore-plan"_s);
        const auto victimInLive
            = [this]() { return value(kLive, u"SELECT count(*) FROM accounts WHERE id = %1"_s.arg(m_victim)); };

        button(restore, u"Pre&view"_s)->click();
        QVERIFY(executed.wait(120000));
        QCOMPARE(executed.last().first().toBool(), false);
        QCOMPARE(find<QLabel>(u"restoreStatus"_s)->text(), u"Preview done; rolled back."_s);
        QCOMPARE(victimInLive(), u"0"_s);

        test::confirmNextMessageBox();
        button(restore, u"&Run…"_s)->click();
        QVERIFY(executed.wait(120000));
        QVERIFY2(executed.last().first().toBool(), qPrintable(find<QLabel>(u"restoreStatus"_s)->text()));
        QCOMPARE(victimInLive(), u"1"_s);
        QVERIFY(!button(restore, u"&Run…"_s)->isEnabled()); // the plan is consumed by its run
        shoot(u"6-restore-run"_s);

        // The SQL console on LIVE sees the victim back.
        auto *console = find<SqlConsole>();
        views()->setCurrentWidget(console);
        QSignalSpy queried(console, &SqlConsole::finished);
        console->setSide(Side::Live);
        console->editor()->setText(u"SELECT id, username FROM accounts WHERE id = %1"_s.arg(m_victim));
        console->run();
        QVERIFY(queried.wait(30000));
        QCOMPARE(console->resultModel()->rowCount(), 1);
        shoot(u"7-console"_s);

        views()->setCurrentWidget(restore);
        test::confirmNextMessageBox();
        button(restore, u"&Undo last run…"_s)->click();
        QVERIFY(executed.wait(120000));
        QVERIFY2(executed.last().first().toBool(), qPrintable(find<QLabel>(u"restoreStatus"_s)->text()));
        QCOMPARE(victimInLive(), u"0"_s);
        // The comparison refreshes by itself after each commit: the overview tells the incident again.
        auto *overview = find<OverviewPage>();
        auto *tables = find<QTableWidget>(u"overviewTables"_s);
        QTRY_VERIFY_WITH_TIMEOUT(overview->hasComparison() && rowOf(tables, u"public.accounts"_s) >= 0
                && tables->item(rowOf(tables, u"public.accounts"_s), 1)->text() == QLocale().toString(m_victims.size()),
            120000);
    }

    // The postmortem: a starred event, then Export… → Markdown with the summary, the loss table, the
    // figures beside it and every marked event, whatever the filter.
    void postmortemExport()
    {
        auto *timeline = find<TimelineView>();
        views()->setCurrentWidget(timeline);
        timeline->setKeyFilter(u"accounts:"_s + m_victim);
        QTRY_VERIFY(timeline->filter().keys == QStringList { u"accounts:"_s + m_victim });
        auto *table = timeline->findChild<QTableView *>();
        auto *model = qobject_cast<TimelineModel *>(table->model());
        QTRY_VERIFY(model->rowCount() > 0);
        int deleteRow = -1;
        for (int row = 0; row < model->rowCount() && deleteRow < 0; ++row)
            if (model->index(row, 0).data(TimelineModel::RawRole).toString().contains("DELETE FROM \"accounts\""_L1))
                deleteRow = row;
        QVERIFY(deleteRow >= 0);
        QVERIFY(model->setData(model->index(deleteRow, TimelineModel::Star), Qt::Checked, Qt::CheckStateRole));
        timeline->setKeyFilter({}); // the star is kept in the export anyway

        const QString path = m_dir.filePath(u"postmortem.md"_s);
        QSignalSpy exported(timeline, &TimelineView::exported);
        test::onNextModal<QFileDialog>([this, path](QFileDialog *dialog) {
            shoot(u"8-export-dialog"_s);
            // Typed, as the operator does (selectFile's name is cleared when the folder loads under X).
            dialog->findChild<QLineEdit *>(u"fileNameEdit"_s)->setText(path);
            QMetaObject::invokeMethod(dialog, "accept");
        });
        button(timeline, u"Export…"_s)->click();
        QVERIFY(exported.wait(120000));
        QCOMPARE(exported.last().at(1).toString(), QString());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString markdown = QString::fromUtf8(file.readAll());
        QVERIFY(markdown.contains("## Summary"_L1));
        QVERIFY2(markdown.contains(u"| public.accounts | %1 |"_s.arg(m_victims.size())),
            qPrintable(markdown.mid(markdown.indexOf("## Summary"_L1), 2500).replace(u'\n', u" / "_s)));
        QVERIFY(markdown.contains("First event touching a lost row"_L1));
        // The restore and its undo are part of the story.
        QVERIFY(markdown.contains("### What was restored"_L1));
        static const QRegularExpression figure(u"!\\[[^\\]]*\\]\\(([^)]+)\\)"_s);
        int figures = 0;
        for (auto it = figure.globalMatch(markdown); it.hasNext(); ++figures)
            QVERIFY(QFileInfo::exists(m_dir.filePath(QUrl::fromPercentEncoding(it.next().captured(1).toUtf8()))));
        QVERIFY(figures >= 2);
        const qsizetype keyEvents = markdown.indexOf("## Key events"_L1);
        QVERIFY(keyEvents >= 0);
        QVERIFY(markdown.indexOf(u"$1 = '%1'"_s.arg(m_victim), keyEvents) > keyEvents);
        shoot(u"9-exported"_s);
    }
};

QTEST_MAIN(TestStory)
#include "tst_story.moc"
