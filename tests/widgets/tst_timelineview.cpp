// The Timeline view indexes off the GUI thread, fills lanes and table, and filters by key.
#include "jobs/jobregistry.h"
#include "timelineview.h"

#include <QAbstractItemModel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include "logfixture.h"

using namespace salvage;
using namespace Qt::StringLiterals;

class TestTimelineView : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;


private Q_SLOTS:
    void indexesAndFilters()
    {
        JobRegistry jobs;
        TimelineView view(&jobs);
        view.resize(1000, 700);
        view.show();
        QSignalSpy indexed(&view, &TimelineView::indexed);
        QSignalSpy correlated(&view, &TimelineView::correlated);
        view.setSources({
            LogSource{m_files.write(u"production.log"_s,
                            salvage::test::LogFixture::railsLines()),
                      u"rails"_s, {}, u"Europe/Berlin"_s, 0},
            LogSource{m_files.write(u"sidekiq.log"_s,
                            "2024-12-26T20:40:54.123Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"
                            "2024-12-26T20:40:58.623Z pid=1 tid=a class=AccountMergingWorker jid=j1 elapsed=4.5 INFO: done\n"),
                      u"sidekiq"_s, {}, {}, 0},
        });
        QVERIFY(indexed.wait(30000));
        QCOMPARE(indexed.first().at(0).toLongLong(), qint64(4));
        QVERIFY(indexed.first().at(2).toString().isEmpty());
        auto *table = view.findChild<QTableView *>();
        QVERIFY(table && table->model());
        QCOMPARE(table->model()->rowCount(), 4);
        // A key typed while the parse pass runs applies when it is done.
        view.setKeyFilter(u"j1"_s);
        QVERIFY(correlated.count() > 0 || correlated.wait(30000));
        QCOMPARE(table->model()->rowCount(), 2);
        QCOMPARE(view.filter().keys, QStringList{u"j1"_s});
        table->selectRow(0);
        view.setKeyFilter({});
        QCOMPARE(table->model()->rowCount(), 4);
        QVERIFY(jobs.rowCount() >= 2); // the index job and the parse job
    }

    void unreadableSourceReportsError()
    {
        JobRegistry jobs;
        TimelineView view(&jobs);
        QSignalSpy indexed(&view, &TimelineView::indexed);
        view.setSources({LogSource{m_files.path(u"missing.log"_s), {}, {}, {}, 0}});
        QVERIFY(indexed.wait(30000));
        QVERIFY(indexed.first().at(2).toString().contains(u"missing.log"_s));
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
