// The Timeline loader job, with no GUI: indexing, the parse pass and searches off the calling
// thread, as the Timeline view drives them; and the same steps run blocking, as the CLI runs them.
#include "core/error.h"
#include "jobs/jobcontrol.h"
#include "jobs/jobregistry.h"
#include "timeline/logcategory.h"
#include "timeline/timelineloader.h"

#include <QLoggingCategory>
#include <QRegularExpression>

#include <QSignalSpy>
#include <QTest>

#include "logfixture.h"

using namespace salvage;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(salvage::JobOutcome)

namespace {

QByteArray sidekiqLines(int count)
{
    QByteArray lines;
    for (int i = 0; i < count; ++i)
        lines += "2024-12-26T20:40:54.123Z pid=1 tid=a class=W jid=j" + QByteArray::number(i) + " INFO: start\n";
    return lines;
}

JobOutcome outcomeAt(const QSignalSpy &spy, int index)
{
    return spy.at(index).at(0).value<JobOutcome>();
}

} // namespace

class TestTimelineLoader : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;

private Q_SLOTS:
    void initTestCase() { qRegisterMetaType<JobOutcome>(); }

    // The CLI's way: the steps one after the other; an unreadable file stops it, or is skipped.
    void blockingSteps()
    {
        const QList<LogSource> sources { LogSource { m_files.write(u"steps.log"_s, sidekiqLines(3)), {}, {}, {}, 0 },
            LogSource { m_files.path(u"missing.log"_s), {}, {}, {}, 0 } };
        JobControl control;
        QVERIFY_THROWS_EXCEPTION(Error, TimelineLoader::index(sources, TimelineLoader::Unreadable::Fail, control));
        const TimelineLoader::Indexed indexed
            = TimelineLoader::index(sources, TimelineLoader::Unreadable::Skip, control);
        QCOMPARE(indexed.timeline->merged().size(), size_t(3));
        QCOMPARE(indexed.skipped.size(), 1);
        QVERIFY(indexed.skipped.first().contains(u"missing.log"_s));
        TimelineFilter key;
        key.keys = { u"j1"_s };
        QVERIFY_THROWS_EXCEPTION(Error, indexed.timeline->select(key)); // keys need the parse pass
        indexed.timeline->adopt(TimelineLoader::parse(*indexed.timeline, control));
        QCOMPARE(indexed.timeline->select(key).size(), size_t(1));
        JobControl cancelled;
        cancelled.requestCancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, TimelineLoader::parse(*indexed.timeline, cancelled));
    }

    // Diagnostics go to the room's category, off until QT_LOGGING_RULES (or these rules) turn them on.
    void logsToItsCategory()
    {
        QCOMPARE(QByteArray(lcTimeline().categoryName()), QByteArray("salvage.timeline"));
        if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
            QVERIFY(!lcTimeline().isDebugEnabled());
        QLoggingCategory::setFilterRules(u"salvage.timeline.debug=true"_s);
        QVERIFY(lcTimeline().isDebugEnabled());
        QTest::ignoreMessage(QtDebugMsg, QRegularExpression(u"^indexed 1 sources, 2 events in \\d+ ms"_s));
        JobControl control;
        TimelineLoader::index({ LogSource { m_files.write(u"logged.log"_s, sidekiqLines(2)), {}, {}, {}, 0 } },
            TimelineLoader::Unreadable::Fail, control);
        QLoggingCategory::setFilterRules({});
        QVERIFY(!lcTimeline().isDebugEnabled());
    }

    // The view's way: indexed, then the parse pass installed; both listed as jobs that are done.
    void loadsIndexesThenParses()
    {
        JobRegistry jobs;
        TimelineLoader loader(&jobs);
        QSignalSpy indexed(&loader, &TimelineLoader::indexed);
        QSignalSpy correlated(&loader, &TimelineLoader::correlated);
        loader.load({ LogSource { m_files.write(u"load.log"_s, sidekiqLines(5)), {}, {}, {}, 0 },
            LogSource { m_files.path(u"absent.log"_s), {}, {}, {}, 0 } });
        QVERIFY(loader.isLoading());
        QVERIFY(indexed.wait(30000));
        QCOMPARE(outcomeAt(indexed, 0), JobOutcome::Finished);
        QCOMPARE(indexed.first().at(2).toStringList().size(), 1); // absent.log, skipped
        QCOMPARE(loader.timeline()->merged().size(), size_t(5));
        QVERIFY(correlated.count() > 0 || correlated.wait(30000));
        QCOMPARE(outcomeAt(correlated, 0), JobOutcome::Finished);
        QVERIFY(loader.timeline()->hasCorrelation());
        QVERIFY(!loader.isLoading());
        QTRY_COMPARE(jobs.runningCount(), 0);
        QCOMPARE(jobs.rowCount(), 2);
        for (int row = 0; row < 2; ++row)
            QCOMPARE(jobs.index(row, 0).data(JobRegistry::ProgressRole).toInt(), 100); // done

        QSignalSpy selected(&loader, &TimelineLoader::selected);
        TimelineFilter key;
        key.keys = { u"j3"_s };
        loader.select(key); // no text to search: answered at once
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.first().at(1).value<std::vector<EventRef>>().size(), size_t(1));
    }

    void failsWhenNoSourceOpens()
    {
        TimelineLoader loader;
        QSignalSpy indexed(&loader, &TimelineLoader::indexed);
        QSignalSpy correlated(&loader, &TimelineLoader::correlated);
        loader.load({ LogSource { m_files.path(u"nowhere.log"_s), {}, {}, {}, 0 } });
        QVERIFY(indexed.wait(30000));
        QCOMPARE(outcomeAt(indexed, 0), JobOutcome::Failed);
        QVERIFY(indexed.first().at(1).toString().contains(u"nowhere.log"_s));
        QVERIFY(!loader.timeline());
        QVERIFY(!loader.isLoading());
        QCOMPARE(correlated.count(), 0);
    }

    // Cancel is the job's state: the parse pass says Cancelled, the jobs panel "cancelled".
    void cancelsTheParsePass()
    {
        JobRegistry jobs;
        TimelineLoader loader(&jobs);
        QSignalSpy correlated(&loader, &TimelineLoader::correlated);
        connect(&loader, &TimelineLoader::indexed, &loader, &TimelineLoader::cancel);
        loader.load({ LogSource { m_files.write(u"cancel.log"_s, sidekiqLines(20000)), {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        QCOMPARE(outcomeAt(correlated, 0), JobOutcome::Cancelled);
        QVERIFY(!loader.timeline()->hasCorrelation());
        QVERIFY(!loader.isLoading());
        QTRY_COMPARE(jobs.runningCount(), 0);
        QCOMPARE(jobs.index(0, JobRegistry::StateColumn).data().toString(), u"cancelled"_s);
    }

    // Sources given again before the first ones are indexed: only the newest are delivered.
    void newestLoadWins()
    {
        TimelineLoader loader;
        QSignalSpy indexed(&loader, &TimelineLoader::indexed);
        QSignalSpy correlated(&loader, &TimelineLoader::correlated);
        loader.load({ LogSource { m_files.write(u"first.log"_s, sidekiqLines(20000)), {}, {}, {}, 0 } });
        loader.load({ LogSource { m_files.write(u"second.log"_s, sidekiqLines(2)), {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        QTest::qWait(200); // time for a late result of the first load to show up, were it delivered
        QCOMPARE(indexed.count(), 1);
        QCOMPARE(correlated.count(), 1);
        QCOMPARE(loader.timeline()->merged().size(), size_t(2));
        QVERIFY(loader.timeline()->source(0).source().path.endsWith(u"second.log"_s));
    }

    // Text searches run off this thread and the newest request wins, a search or not.
    void newestSearchWins()
    {
        TimelineLoader loader;
        QSignalSpy correlated(&loader, &TimelineLoader::correlated);
        loader.load({ LogSource { m_files.write(u"search.log"_s, sidekiqLines(500)), {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(30000));
        QSignalSpy selected(&loader, &TimelineLoader::selected);
        TimelineFilter first;
        first.search = u"jid=j4"_s;
        TimelineFilter second;
        second.search = u"JID=J42 info"_s; // case is ignored
        loader.select(first);
        loader.select(second);
        QCOMPARE(selected.count(), 0); // not on this thread
        QTRY_VERIFY(!loader.isSearching());
        QTest::qWait(50);
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.first().at(0).value<TimelineFilter>().search, second.search);
        QCOMPARE(selected.first().at(1).value<std::vector<EventRef>>().size(), size_t(1));

        // A filter without text after a search: answered at once, and the search's rows dropped.
        loader.select(first);
        loader.select(TimelineFilter {});
        QCOMPARE(selected.count(), 2);
        QTRY_VERIFY(!loader.isSearching());
        QTest::qWait(50);
        QCOMPARE(selected.count(), 2);
        QCOMPARE(selected.last().at(1).value<std::vector<EventRef>>().size(), size_t(500));
    }

    // The parse pass changes what a search reads: one that finishes during a search is installed
    // after it. Searches follow one another until the parse job is done, so it ends during one.
    void parsePassWaitsForSearches()
    {
        JobRegistry jobs;
        TimelineLoader loader(&jobs);
        TimelineFilter search;
        search.search = u"class=w"_s;
        bool parseDoneDuringSearch = false;
        int searches = 0;
        auto parseJobDone
            = [&jobs] { return jobs.rowCount() == 2 && !jobs.index(0, 0).data(JobRegistry::RunningRole).toBool(); };
        connect(&loader, &TimelineLoader::indexed, &loader, [&] { loader.select(search); });
        connect(&loader, &TimelineLoader::selected, &loader, [&] {
            ++searches;
            if (parseJobDone()) {
                // Done, and its result waits: this search read the timeline as it was.
                parseDoneDuringSearch = !loader.timeline()->hasCorrelation();
                return;
            }
            if (searches < 100000)
                loader.select(search);
        });
        bool searchingWhenInstalled = true;
        connect(&loader, &TimelineLoader::correlated, &loader, [&](JobOutcome outcome) {
            searchingWhenInstalled = outcome != JobOutcome::Finished || loader.isSearching();
        });
        QSignalSpy correlated(&loader, &TimelineLoader::correlated);
        loader.load({ LogSource { m_files.write(u"busy.log"_s, sidekiqLines(20000)), {}, {}, {}, 0 } });
        QVERIFY(correlated.wait(60000));
        QVERIFY2(parseDoneDuringSearch, qPrintable(u"%1 searches"_s.arg(searches)));
        QVERIFY(!searchingWhenInstalled);
        QVERIFY(loader.timeline()->hasCorrelation());
    }
};

QTEST_GUILESS_MAIN(TestTimelineLoader)
#include "tst_timelineloader.moc"
