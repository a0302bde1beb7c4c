// The Timeline view indexes off the GUI thread, fills lanes and table, and filters by key.
#include "jobs/jobregistry.h"
#include "report/reportwriter.h"
#include "timeline/databaseevents.h"
#include "timeline/timelinemodel.h"
#include "timelinecanvas.h"
#include "timelineview.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include "logfixture.h"

using namespace salvage;
using namespace Qt::StringLiterals;

// A shown Timeline view with its jobs panel model.
struct ShownView
{
    JobRegistry jobs;
    TimelineView view { &jobs };
    ShownView()
    {
        view.resize(1000, 700);
        view.show();
    }
    /// Shows one log file and waits for its parse pass.
    bool showParsed(const QString &path, const QString &label = u"sidekiq"_s)
    {
        QSignalSpy correlated(&view, &TimelineView::correlated);
        view.setSources({ LogSource { path, label, {}, {}, 0 } });
        return correlated.wait(30000);
    }
};

// Two job lines of one worker, 20:40:54.123 and 20:40:58.623 UTC.
const QByteArray kTwoJobLines = "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
                                "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 "
                                "INFO: done\n";

// Opens the context menu of `row` and hands it to `use` while it is open (it runs its own loop).
void withRowMenu(QTableView *table, int row, const std::function<void(QMenu *)> &use)
{
    bool used = false;
    QTimer::singleShot(0, table, [&] {
        auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
        QVERIFY(menu);
        use(menu);
        used = true;
        menu->close();
    });
    const QPoint at = table->visualRect(table->model()->index(row, 5)).center();
    Q_EMIT table->customContextMenuRequested(at);
    QVERIFY(used);
}

// Exports what `view` shows to `path` in `format`, waits, and returns the file's text; empty when
// the export reported an error or wrote nothing (the callers' checks of the text then fail).
QString exportedText(TimelineView &view, const QString &path, ReportWriter::Format format)
{
    QSignalSpy exported(&view, &TimelineView::exported);
    view.exportTo(path, format);
    if (!exported.wait(30000) || !exported.first().at(1).toString().isEmpty())
        return {};
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QAction *actionNamed(QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions())
        if (action->text() == text)
            return action;
    return nullptr;
}

class TestTimelineView : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;

private Q_SLOTS:
    void indexesAndFilters()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        JobRegistry &jobs = shown.jobs;
        QSignalSpy indexed(&view, &TimelineView::indexed);
        QSignalSpy correlated(&view, &TimelineView::correlated);
        view.setSources({
            LogSource { m_files.write(u"production.log"_s, salvage::test::LogFixture::railsLines()), u"rails"_s, {},
                u"Europe/Berlin"_s, 0 },
            LogSource {
                m_files.write(u"sidekiq.log"_s,
                    "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
                    "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n"),
                u"sidekiq"_s, {}, {}, 0 },
        });
        QVERIFY(indexed.wait(30000));
        QCOMPARE(indexed.first().at(0).toLongLong(), qint64(4));
        QVERIFY(indexed.first().at(2).toString().isEmpty());
        auto *table = view.findChild<QTableView *>();
        QVERIFY(table && table->model());
        QCOMPARE(table->model()->rowCount(), 4);
        // A source's own zone is a display choice next to UTC and local time.
        auto *zones = view.findChild<QComboBox *>(u"displayZone"_s);
        QVERIFY(zones && zones->findData(QByteArray("Europe/Berlin")) >= 0);
        // A key typed while the parse pass runs applies when it is done.
        view.setKeyFilter(u"j1"_s);
        QVERIFY(correlated.count() > 0 || correlated.wait(30000));
        QCOMPARE(table->model()->rowCount(), 2);
        QCOMPARE(view.filter().keys, QStringList { u"j1"_s });
        table->selectRow(0);
        view.setKeyFilter({});
        QCOMPARE(table->model()->rowCount(), 4);
        // A database row followed into the logs: the values the logs carry become keys (not pid 1).
        view.showRow(u"public.jobs 7"_s, { u"7"_s, u"j1"_s, u"b2f7c3a1-4d5e"_s, u"1"_s });
        QCOMPARE(view.filter().keys, (QStringList { u"j1"_s, u"b2f7c3a1-4d5e"_s }));
        QCOMPARE(table->model()->rowCount(), 3);
        // A row the logs do not know leaves the filter as it was.
        view.showRow(u"public.jobs 8"_s, { u"8"_s });
        QCOMPARE(table->model()->rowCount(), 3);
        view.setKeyFilter({});
        QVERIFY(jobs.rowCount() >= 2); // the index job and the parse job
    }

    // "Show in timeline" on an account row (Compare or Graph give "accounts:44" with the row's
    // values): its request, its DELETE statement and the job that got it as an argument; not
    // status 44, and not by the bare 44.
    void accountRowFindsItsEvents()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QSignalSpy correlated(&view, &TimelineView::correlated);
        view.setSources({
            LogSource { m_files.write(u"row-access.log"_s,
                            "198.51.100.7 - - [02/May/2024:14:41:05 +0200] \"GET /api/v1/accounts/44/statuses "
                            "HTTP/1.1\" 200 157 \"-\" \"curl\"\n"
                            "198.51.100.8 - - [02/May/2024:14:41:06 +0200] \"GET /api/v1/statuses/44 HTTP/1.1\" 200 "
                            "157 \"-\" \"curl\"\n"),
                u"nginx"_s, {}, {}, 0 },
            LogSource { m_files.write(u"row-postgresql.log"_s,
                            "2024-05-02 14:41:07.698 CEST [23817] LOG:  duration: 69.628 ms  execute a44: DELETE FROM "
                            "\"accounts\" WHERE \"accounts\".\"id\" = $1\n"
                            "2024-05-02 14:41:07.698 CEST [23817] DETAIL:  parameters: $1 = '44'\n"),
                u"postgresql"_s, {}, {}, 0 },
            LogSource { m_files.write(u"row-sidekiq.log"_s,
                            "2024-05-02T12:41:07.000Z pid=7 tid=1sat class=AccountMergingWorker jid=403379ed44f8 INFO: "
                            "start args=[44]\n"),
                u"sidekiq"_s, {}, {}, 0 },
        });
        QVERIFY(correlated.wait(30000));
        auto *table = view.findChild<QTableView *>();
        QCOMPARE(table->model()->rowCount(), 4);
        view.showRow(u"public.accounts 44 (alice)"_s, { u"accounts:44"_s, u"44"_s, u"alice"_s });
        QCOMPARE(view.filter().keys, QStringList { u"accounts:44"_s });
        QCOMPARE(table->model()->rowCount(), 3);
        QString shownText;
        for (int row = 0; row < 3; ++row)
            for (int column = 0; column < table->model()->columnCount(); ++column)
                shownText += table->model()->index(row, column).data().toString() + u'\n';
        QVERIFY2(shownText.contains(u"accounts/44"_s) && shownText.contains(u"DELETE FROM"_s)
                && shownText.contains(u"argument=44"_s),
            qPrintable(shownText));
        QVERIFY(!shownText.contains(u"statuses/44"_s));
    }

    // The Export button's work: what the table shows, with the operator's marks, as a postmortem.
    void exportsWithMarks()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(
            m_files.write(u"export-sidekiq.log"_s,
                "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
                "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n"),
            u"sidekiq"_s));
        view.annotations()->setComment(
            view.timeline()->eventKey(view.timeline()->merged().front()), u"the merge starts"_s);
        view.annotations()->addManual(QDateTime::fromString(u"2024-12-26T20:41:30Z"_s, Qt::ISODate).toMSecsSinceEpoch(),
            u"users report lost posts"_s);
        const QString text = exportedText(view, m_files.path(u"postmortem.md"_s), ReportWriter::Format::Markdown);
        QVERIFY2(text.contains(u"users report lost posts"_s), qPrintable(text));
        QVERIFY(text.contains(u"the merge starts"_s));
        QVERIFY(text.contains(u"done"_s));
        // A place that cannot be written: said, and nothing left behind.
        QSignalSpy exported(&view, &TimelineView::exported);
        const QString bad = m_files.path(u"no-such-dir/postmortem.md"_s);
        view.exportTo(bad, ReportWriter::Format::Markdown);
        QVERIFY(exported.wait(30000));
        QVERIFY(!exported.last().at(1).toString().isEmpty());
        QVERIFY(!QFile::exists(bad));
    }

    // What the export says of each line stands on its own: nginx times with their offset are not
    // "naive", and a worker's Timesketch message names the class and the job, not a bare "start".
    void exportsSayWhatEachLineIs()
    {
        JobRegistry jobs;
        TimelineView view(&jobs);
        QSignalSpy correlated(&view, &TimelineView::correlated);
        view.setSources(
            { LogSource { m_files.write(u"access.log"_s,
                              "198.51.100.37 - - [26/Dec/2024:21:40:50 +0100] \"POST /inbox HTTP/1.1\" 202 0 "
                              "\"-\" \"http.rb/5.1.1\"\n"),
                  u"nginx"_s, {}, {}, 0 },
                LogSource { m_files.write(u"workers.log"_s, kTwoJobLines), u"sidekiq"_s, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        QCOMPARE(view.timeline()->merged().size(), size_t(3));
        const QString text = exportedText(view, m_files.path(u"lines.md"_s), ReportWriter::Format::Markdown);
        QVERIFY(!text.isEmpty());
        QVERIFY2(!text.contains(u"naive"_s), qPrintable(text));
        const QString jsonl = exportedText(view, m_files.path(u"lines.jsonl"_s), ReportWriter::Format::Jsonl);
        int workerLines = 0;
        for (const QByteArray &line : jsonl.toUtf8().split('\n')) {
            const QString message = QJsonDocument::fromJson(line).object().value(u"message"_s).toString();
            if (!message.contains(u"INFO"_s) && !line.contains("AccountMergingWorker"))
                continue;
            ++workerLines;
            QVERIFY2(message.contains(u"AccountMergingWorker"_s) && message.contains(u"j1"_s), qPrintable(message));
        }
        QCOMPARE(workerLines, 2);
    }

    // A source whose times cannot be trusted is said up front, and stays said after filtering.
    void caveatsLeadTheStatus()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(m_files.write(u"words.txt"_s, "just some words\n"), u"notes"_s));
        auto *status = view.findChild<QLabel *>(u"timelineStatus"_s);
        QVERIFY2(status->text().startsWith(u"⚠ notes: no known log format"_s), qPrintable(status->text()));
        view.setKeyFilter({});
        QVERIFY(status->text().startsWith(u"⚠"_s));
    }

    // A text search reads every file: it runs off the GUI thread and its result arrives later.
    void searchRunsOffTheGuiThread()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QByteArray lines;
        for (int i = 0; i < 500; ++i)
            lines += "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=j" + QByteArray::number(i) + " INFO: start\n";
        QVERIFY(shown.showParsed(m_files.write(u"search-view.log"_s, lines), u"sidekiq"_s));
        auto *table = view.findChild<QTableView *>();
        QCOMPARE(table->model()->rowCount(), 500);
        QSignalSpy filtered(&view, &TimelineView::filtered);
        auto *search = view.findChild<QLineEdit *>(u"searchRawLines"_s);
        search->setText(u"JID=J42 info"_s); // case is ignored
        QTest::keyClick(search, Qt::Key_Return);
        QCOMPARE(table->model()->rowCount(), 500); // not yet: the search runs on another thread
        QVERIFY(filtered.wait(30000));
        QCOMPARE(table->model()->rowCount(), 1);
    }

    // Notes and the backup's point in time are drawn across the lanes; rows created since are not.
    void markersForNotesAndTheBackup()
    {
        ShownView shown;
        Annotations *annotations = shown.view.annotations();
        annotations->addManual(1000, u"deploy"_s);
        Annotations::ManualEvent backup { DatabaseEvents::backupPointId.toString(), 500, u"BACKUP point in time"_s, {},
            false };
        Annotations::ManualEvent created { DatabaseEvents::idPrefix.toString() + u"new:public.t"_s, 700, u"rows"_s, {},
            false };
        annotations->replaceDerived(DatabaseEvents::idPrefix, { backup, created });
        const QList<TimelineCanvas::Marker> markers = shown.view.findChild<TimelineCanvas *>()->markers();
        QCOMPARE(markers.size(), 2);
        QCOMPARE(markers.at(0).instantMs, 500);
        QVERIFY(markers.at(0).derived);
        QCOMPARE(markers.at(1).text, u"deploy"_s);
        QVERIFY(!markers.at(1).derived);
    }

    // Brushing a range on the overview brings the table's first event of that range to the top.
    void tableFollowsTheBrushedRange()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QByteArray lines;
        for (int minute = 0; minute < 600; ++minute)
            lines += u"2024-12-26T%1:%2:00.000Z pid=1 tid=a class=W jid=j%3 INFO: start\n"_s.arg(10 + minute / 60)
                         .arg(minute % 60, 2, 10, QChar(u'0'))
                         .arg(minute)
                         .toUtf8();
        QVERIFY(shown.showParsed(m_files.write(u"many.log"_s, lines), u"sidekiq"_s));
        auto *table = view.findChild<QTableView *>();
        QCOMPARE(table->model()->rowCount(), 600);
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(table->rowAt(0), 0);
        const qint64 at = QDateTime::fromString(u"2024-12-26T15:00:00Z"_s, Qt::ISODate).toMSecsSinceEpoch();
        Q_EMIT view.findChild<TimelineCanvas *>()->rangeBrushed(at, at + 600000);
        QTRY_COMPARE(table->rowAt(0), 300); // 15:00 is the 300th minute
    }

    // Worker classes become sub-lanes under their source once parsed; a click on the label folds them.
    void subLanesPerWorkerClass()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(
            m_files.write(u"workers.log"_s,
                "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
                "2024-12-26T20:40:55.000Z pid=1 tid=b class=LinkCrawlWorker jid=j2 INFO: start\n"
                "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n"),
            u"sidekiq"_s));
        auto *canvas = view.findChild<TimelineCanvas *>();
        QVERIFY(canvas);
        QCOMPARE(canvas->lanes().size(), size_t(3));
        QCOMPARE(canvas->lanes().at(1).label, u"AccountMergingWorker"_s);
        QCOMPARE(canvas->lanes().at(1).instants.size(), size_t(2));
        QCOMPARE(canvas->lanes().at(1).spans.size(), 1);
        QCOMPARE(canvas->lanes().at(2).label, u"LinkCrawlWorker"_s);
        const QPoint label(20, TimelineCanvas::histogramHeight + TimelineCanvas::axisHeight + canvas->laneHeight() / 2);
        QTest::mouseClick(canvas, Qt::LeftButton, {}, label);
        QCOMPARE(canvas->lanes().size(), size_t(1));
        QCOMPARE(canvas->lanes().at(0).subLaneCount, 2);
        QTest::mouseClick(canvas, Qt::LeftButton, {}, label);
        QCOMPARE(canvas->lanes().size(), size_t(3));
    }

    // "Add note…" starts at the selected event's time, also after the table was reset under it.
    void noteTimeIsTheSelectedEvents()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(m_files.write(u"note-time.log"_s, kTwoJobLines)));
        auto *table = view.findChild<QTableView *>();
        table->selectRow(1);
        const qint64 second
            = QDateTime::fromString(u"2024-12-26T20:40:58.623Z"_s, Qt::ISODateWithMs).toMSecsSinceEpoch();
        QCOMPARE(view.noteDefaultInstant(), second);
        view.annotations()->addManual(1000, u"an earlier note"_s); // resets the table and its selection
        QVERIFY(!table->selectionModel()->hasSelection());
        QCOMPARE(view.noteDefaultInstant(), second);
        // The dialog the button opens shows that time.
        QString shownTime;
        QTimer::singleShot(0, &view, [&shownTime] {
            auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            shownTime = dialog->textValue();
            dialog->reject();
        });
        for (QPushButton *button : view.findChildren<QPushButton *>())
            if (button->text() == u"Add note…"_s)
                button->click();
        QCOMPARE(shownTime, u"2024-12-26T20:40:58.623+00:00"_s);
    }

    // Tags and comments are columns to read and write: shown, wide enough, in sight.
    void tagAndCommentColumnsAreVisible()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        view.resize(1280, 800); // the smallest screen the issue was walked at
        QVERIFY(shown.showParsed(m_files.write(u"columns.log"_s, kTwoJobLines)));
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = view.findChild<QTableView *>();
        const int minimum = table->fontMetrics().horizontalAdvance(u"incident"_s);
        for (int column : { TimelineModel::Tags, TimelineModel::Comment }) {
            QVERIFY(!table->isColumnHidden(column));
            QVERIFY2(table->columnWidth(column) >= minimum, qPrintable(QString::number(table->columnWidth(column))));
            // In sight without scrolling sideways.
            const int right = table->columnViewportPosition(column) + table->columnWidth(column);
            QVERIFY2(right <= table->viewport()->width(),
                qPrintable(u"%1 ends at %2 of %3"_s.arg(column).arg(right).arg(table->viewport()->width())));
        }
        // A comment widens its column to fit, up to a third of the table: the message stays in sight.
        const QString comment = u"re-pointed follows"_s;
        const int before = table->columnWidth(TimelineModel::Comment);
        view.annotations()->setComment(view.timeline()->eventKey(view.timeline()->merged().front()), comment);
        QVERIFY(table->columnWidth(TimelineModel::Comment) >= table->fontMetrics().horizontalAdvance(comment));
        view.annotations()->setComment(view.timeline()->eventKey(view.timeline()->merged().back()),
            u"the merge re-pointed every follow of the victims to account 9001, then deleted them"_s);
        QVERIFY(table->columnWidth(TimelineModel::Comment) > before);
        QVERIFY(table->columnWidth(TimelineModel::Comment) <= std::max(200, table->viewport()->width() / 3));
        QVERIFY(table->columnViewportPosition(TimelineModel::Message) < table->viewport()->width());
        // Looked at by people too: the view at 1280×800 goes into the build tree.
        const QDir screenshots(QCoreApplication::applicationDirPath() + u"/screenshots"_s);
        QVERIFY(screenshots.mkpath(u"."_s));
        QVERIFY(shown.view.grab().save(screenshots.filePath(u"timeline-marks-columns.png"_s)));
    }

    // At 1280×800 the view gets about 790×600 pixels between the docks: the events get the room
    // (many rows, the message the widest column, the detail pane under the table), the lanes shrink
    // and scroll; on a wide screen the detail pane goes beside the table.
    void eventsGetTheRoomOnASmallScreen()
    {
        QByteArray lines;
        const char *classes[] = { "MergeWorker", "LinkCrawlWorker", "PollWorker", "FeedWorker", "PushWorker",
            "MailWorker", "PurgeWorker" };
        for (int i = 0; i < 80; ++i)
            lines += QByteArray("2024-12-26T20:40:%1.000Z pid=1 tid=a class=%2 jid=j%3 INFO: start\n")
                         .replace("%1", QByteArray::number(10 + i % 50))
                         .replace("%2", classes[i % 7])
                         .replace("%3", QByteArray::number(i));
        ShownView shown;
        TimelineView &view = shown.view;
        view.resize(790, 600);
        QVERIFY(shown.showParsed(m_files.write(u"room.log"_s, lines)));
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = view.findChild<QTableView *>();
        auto *canvas = view.findChild<TimelineCanvas *>();
        QCOMPARE(canvas->lanes().size(), size_t(8)); // the source and its seven worker classes
        const int rows = table->viewport()->height() / table->verticalHeader()->defaultSectionSize();
        QVERIFY2(rows >= 9, qPrintable(QString::number(rows)));
        const int messageRight
            = table->columnViewportPosition(TimelineModel::Message) + table->columnWidth(TimelineModel::Message);
        QVERIFY2(table->columnWidth(TimelineModel::Message) >= table->viewport()->width() * 35 / 100,
            qPrintable(u"%1 of %2"_s.arg(table->columnWidth(TimelineModel::Message)).arg(table->viewport()->width())));
        QVERIFY(messageRight <= table->viewport()->width() + 1);
        auto *detail = view.findChild<QWidget *>(u"timelineDetail"_s);
        QVERIFY(detail->mapTo(&view, QPoint()).y() > table->mapTo(&view, QPoint()).y() + table->height() / 2);
        // Every lane stays readable (a line of text) and reachable (scrolled when they overflow).
        QVERIFY(canvas->laneHeight() >= canvas->fontMetrics().height());
        const bool overflow = canvas->laneHeight() * int(canvas->lanes().size())
            > canvas->height() - TimelineCanvas::histogramHeight - TimelineCanvas::axisHeight;
        QCOMPARE(canvas->laneScrollBar()->isVisible(), overflow);

        view.resize(1800, 1000);
        QTRY_VERIFY(detail->mapTo(&view, QPoint()).x() > table->mapTo(&view, QPoint()).x() + table->width() / 2);
        QTRY_VERIFY(table->columnViewportPosition(TimelineModel::Message) + table->columnWidth(TimelineModel::Message)
            <= table->viewport()->width() + 1);
        QVERIFY(!canvas->laneScrollBar()->isVisible());
    }

    // Right-click on a row: star, tag, comment, copy a key, follow it into another view.
    void rowContextMenu()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(m_files.write(u"menu.log"_s, kTwoJobLines)));
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = view.findChild<QTableView *>();
        const QString key = view.timeline()->eventKey(view.timeline()->merged().front());
        withRowMenu(table, 0, [](QMenu *menu) {
            QStringList texts;
            for (QAction *action : menu->actions())
                if (!action->isSeparator())
                    texts << action->text();
            QCOMPARE(texts,
                (QStringList { u"Star"_s, u"Tag…"_s, u"Comment…"_s, u"Copy key"_s, u"Show in timeline"_s,
                    u"Show in graph"_s, u"Show in compare"_s, u"BACKUP as of just before this event…"_s }));
            actionNamed(menu, u"Star"_s)->trigger();
        });
        QVERIFY(view.annotations()->mark(key).starred);
        withRowMenu(table, 0, [](QMenu *menu) {
            QVERIFY(actionNamed(menu, u"Unstar"_s));
            const QDir screenshots(QCoreApplication::applicationDirPath() + u"/screenshots"_s);
            QVERIFY(screenshots.mkpath(u"."_s));
            QVERIFY(menu->grab().save(screenshots.filePath(u"timeline-row-menu.png"_s)));
        });
        // Tag… and Comment… open the cell's editor.
        withRowMenu(table, 0, [](QMenu *menu) { actionNamed(menu, u"Comment…"_s)->trigger(); });
        QCOMPARE(table->currentIndex().column(), int(TimelineModel::Comment));
        auto *editor = table->viewport()->findChild<QLineEdit *>();
        QVERIFY(editor && editor->isVisible());
        QTest::keyClick(editor, Qt::Key_Escape);
        withRowMenu(table, 0, [](QMenu *menu) {
            QMenu *copy = actionNamed(menu, u"Copy key"_s)->menu();
            actionNamed(copy, u"job=j1"_s)->trigger();
        });
        QCOMPARE(QGuiApplication::clipboard()->text(), u"j1"_s);
        QSignalSpy graph(&view, &TimelineView::graphRequested);
        QSignalSpy compare(&view, &TimelineView::compareRequested);
        withRowMenu(table, 0, [](QMenu *menu) {
            actionNamed(actionNamed(menu, u"Show in graph"_s)->menu(), u"class=AccountMergingWorker"_s)->trigger();
            actionNamed(actionNamed(menu, u"Show in compare"_s)->menu(), u"job=j1"_s)->trigger();
        });
        QCOMPARE(graph.size(), 1);
        QCOMPARE(graph.first(), (QVariantList { u"class"_s, u"AccountMergingWorker"_s }));
        QCOMPARE(compare.first(), (QVariantList { u"job"_s, u"j1"_s }));
        withRowMenu(table, 1,
            [](QMenu *menu) { actionNamed(actionNamed(menu, u"Show in timeline"_s)->menu(), u"job=j1"_s)->trigger(); });
        QCOMPARE(view.filter().keys, QStringList { u"j1"_s });
    }

    // "BACKUP as of just before this event…" hands the main window the event's own instant (the
    // margin is chosen in the PITR dialog).
    void backupAsOfJustBeforeAnEvent()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(m_files.write(u"pitr.log"_s, kTwoJobLines)));
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto *table = view.findChild<QTableView *>();
        QSignalSpy requested(&view, &TimelineView::backupAsOfRequested);
        withRowMenu(
            table, 1, [](QMenu *menu) { actionNamed(menu, u"BACKUP as of just before this event…"_s)->trigger(); });
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().first().toLongLong(),
            QDateTime::fromString(u"2024-12-26T20:40:58.623Z"_s, Qt::ISODateWithMs).toMSecsSinceEpoch());
    }

    // Notes share the table but are not log events: "2 of 2 events · 3 notes", never "5 of 2".
    void countsEventsApartFromNotes()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(m_files.write(u"count.log"_s, kTwoJobLines)));
        for (int i = 0; i < 3; ++i)
            view.annotations()->addManual(1735245654000 + i, u"note %1"_s.arg(i));
        view.setKeyFilter({});
        auto *status = view.findChild<QLabel *>(u"timelineStatus"_s);
        QVERIFY2(status->text().endsWith(u"2 of 2 events · 3 notes"_s), qPrintable(status->text()));
        view.setKeyFilter(u"nothing-carries-this"_s);
        QVERIFY2(status->text().endsWith(u"0 of 2 events · 3 notes"_s), qPrintable(status->text()));
    }

    // The GUI exports through TimelineExport, as the CLI does: marks the filter hides are key
    // events, and HTML gets its summary and figures beside it.
    void exportHoldsHiddenMarksAndFigures()
    {
        ShownView shown;
        TimelineView &view = shown.view;
        QVERIFY(shown.showParsed(m_files.write(u"gui-export.log"_s,
            kTwoJobLines + "2024-12-26T20:41:10.000Z pid=1 tid=b class=LinkCrawlWorker jid=j2 INFO: start\n")));
        const Timeline *timeline = view.timeline();
        view.annotations()->setStarred(timeline->eventKey(timeline->merged().front()), true);
        view.annotations()->setComment(timeline->eventKey(timeline->merged().front()), u"the merge starts"_s);
        view.setKeyFilter(u"j2"_s); // hides the starred event
        const QString html = exportedText(view, m_files.path(u"gui-postmortem.html"_s), ReportWriter::Format::Html);
        const QString keyEvents = html.section(u"<h2>Key events</h2>"_s, 1).section(u"<h2>Timeline</h2>"_s, 0, 0);
        const QString rows = html.section(u"<h2>Timeline</h2>"_s, 1);
        QVERIFY2(keyEvents.contains(u"the merge starts"_s), qPrintable(html));
        QVERIFY(!rows.contains(u"the merge starts"_s));
        QVERIFY(rows.contains(u"LinkCrawlWorker"_s));
        QVERIFY(html.contains(u"<h2>Summary</h2>"_s));
        QVERIFY(html.contains(u"<img src=\"gui-postmortem-events.svg\""_s));
        QVERIFY(QFile::exists(m_files.path(u"gui-postmortem-events.svg"_s)));
    }

    void unreadableSourceReportsError()
    {
        JobRegistry jobs;
        TimelineView view(&jobs);
        QSignalSpy indexed(&view, &TimelineView::indexed);
        view.setSources({ LogSource { m_files.path(u"missing.log"_s), {}, {}, {}, 0 } });
        QVERIFY(indexed.wait(30000));
        QVERIFY(indexed.first().at(2).toString().contains(u"missing.log"_s));
    }

    // One file that cannot be read does not take the others down: it is named, they are shown.
    void oneUnreadableSourceAmongOthers()
    {
        ShownView shown;
        QSignalSpy indexed(&shown.view, &TimelineView::indexed);
        shown.view.setSources({ LogSource { m_files.path(u"gone.log"_s), {}, {}, {}, 0 },
            LogSource {
                m_files.write(u"here.log"_s, salvage::test::LogFixture::railsLines()), u"rails"_s, {}, {}, 0 } });
        QVERIFY(indexed.wait(30000));
        QVERIFY(indexed.first().at(2).toString().isEmpty());
        QCOMPARE(indexed.first().at(1).toInt(), 1);
        QVERIFY2(shown.view.findChild<QLabel *>(u"timelineStatus"_s)->text().contains(u"gone.log"_s),
            qPrintable(shown.view.findChild<QLabel *>(u"timelineStatus"_s)->text()));
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
