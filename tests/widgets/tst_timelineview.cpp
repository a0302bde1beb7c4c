// The Timeline view indexes off the GUI thread, fills lanes and table, and filters by key.
#include "jobs/jobregistry.h"
#include "timelineview.h"

#include <QAbstractItemModel>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace salvage;
using namespace Qt::StringLiterals;

class TestTimelineView : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly))
            qFatal("cannot write fixture");
        file.write(bytes);
        return file.fileName();
    }

private Q_SLOTS:
    void indexesAndFilters()
    {
        JobRegistry jobs;
        TimelineView view(&jobs);
        view.resize(1000, 700);
        view.show();
        QSignalSpy indexed(&view, &TimelineView::indexed);
        view.setSources({
            LogSource{write(u"production.log"_s,
                            "I, [2024-12-26T21:30:54.071002 #1514]  INFO -- : [b2f7c3a1-4d5e] method=POST path=/inbox status=202 duration=1.0\n"
                            "E, [2024-12-26T21:31:00.000001 #1514] ERROR -- : [0f1e2d3c-4b5a] boom\n"),
                      u"rails"_s, {}, u"Europe/Berlin"_s, 0},
            LogSource{write(u"sidekiq.log"_s,
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
        view.setKeyFilter(u"j1"_s);
        QCOMPARE(table->model()->rowCount(), 2);
        QCOMPARE(view.filter().keys, QStringList{u"j1"_s});
        table->selectRow(0);
        view.setKeyFilter({});
        QCOMPARE(table->model()->rowCount(), 4);
        QVERIFY(jobs.rowCount() >= 1);
    }

    void unreadableSourceReportsError()
    {
        JobRegistry jobs;
        TimelineView view(&jobs);
        QSignalSpy indexed(&view, &TimelineView::indexed);
        view.setSources({LogSource{m_dir.filePath(u"missing.log"_s), {}, {}, {}, 0}});
        QVERIFY(indexed.wait(30000));
        QVERIFY(indexed.first().at(2).toString().contains(u"missing.log"_s));
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
