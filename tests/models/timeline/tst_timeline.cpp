// Merging sources on one axis, filters, annotations saved with the workspace, the table model.
#include "core/error.h"
#include "timeline/annotations.h"
#include "timeline/databaseevents.h"
#include "timeline/timeline.h"
#include "timeline/timelinemodel.h"
#include "workspace/workspace.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include "logfixture.h"

using namespace salvage;
using namespace Qt::StringLiterals;

class TestTimeline : public QObject
{
    Q_OBJECT
    salvage::test::LogFixture m_files;
    QList<LogSource> m_sources;

    static qint64 ms(const char *iso)
    {
        return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODateWithMs).toMSecsSinceEpoch();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_sources = {
            LogSource {
                m_files.write(u"access.log"_s,
                    "203.0.113.9 - - [26/Dec/2024:20:30:54 +0000] \"POST /inbox HTTP/1.1\" 202 0 \"-\" \"http.rb\"\n"
                    "198.51.100.7 - - [26/Dec/2024:21:31:02 +0100] \"GET /api/v1/accounts/9001 HTTP/2.0\" 502 157 "
                    "\"-\" \"curl\"\n"),
                u"nginx"_s, {}, {}, 0 },
            LogSource { m_files.write(u"production.log"_s, salvage::test::LogFixture::railsLines()), u"rails"_s, {},
                u"Europe/Berlin"_s, 0 },
            // Out of order on purpose (two threads writing), and a skewed clock corrected by +1 s.
            LogSource { m_files.write(u"sidekiq.log"_s,
                            "2024-12-26T20:40:57.000Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: done\n"
                            "2024-12-26T20:40:53.000Z pid=1 tid=a class=AccountMergingWorker jid=j1 INFO: start\n"),
                u"sidekiq"_s, {}, {}, 1000 },
        };
    }

    // The GUI goes on without a file it cannot read; with none readable it says why.
    void readableSourcesOnly()
    {
        Timeline timeline;
        const QStringList skipped
            = timeline.setReadableSources({ LogSource { m_files.path(u"nope.log"_s), {}, {}, {}, 0 },
                LogSource { m_files.write(u"ok.log"_s, salvage::test::LogFixture::railsLines()), {}, {}, {}, 0 },
                LogSource { m_files.write(u"zoned.log"_s, salvage::test::LogFixture::railsLines()), {}, {},
                    u"Mars/Olympus"_s, 0 } });
        QCOMPARE(timeline.sourceCount(), 1);
        QCOMPARE(skipped.size(), 2);
        QVERIFY(skipped.first().contains(u"nope.log"_s));
        QVERIFY_THROWS_EXCEPTION(
            Error, timeline.setReadableSources({ LogSource { m_files.path(u"nope.log"_s), {}, {}, {}, 0 } }));
    }

    void mergesAllSourcesByInstant()
    {
        Timeline timeline;
        timeline.setSources(m_sources);
        timeline.build();
        const MergedOrder &merged = timeline.merged();
        QCOMPARE(merged.size(), size_t(6));
        for (size_t i = 1; i < merged.size(); ++i)
            QVERIFY(timeline.instant(merged[i - 1]) <= timeline.instant(merged[i]));
        QCOMPARE(merged.front(), (EventRef { 0, 0 }));
        QCOMPARE(timeline.instant(merged.back()), ms("2024-12-26T20:40:58.000Z")); // clock offset applied
        QCOMPARE(timeline.event(merged.back()).message, u"done"_s);
        QCOMPARE(timeline.instant({ 1, 0 }), ms("2024-12-26T20:30:54.071Z"));
    }

    void filters_data()
    {
        QTest::addColumn<TimelineFilter>("filter");
        QTest::addColumn<int>("count");
        TimelineFilter all;
        QTest::newRow("all") << all << 6;
        TimelineFilter range;
        range.fromMs = ms("2024-12-26T20:31:00Z");
        range.toMs = ms("2024-12-26T20:31:02Z");
        QTest::newRow("time range inclusive") << range << 2;
        TimelineFilter errors;
        errors.minimumLevel = LogLevel::Error;
        QTest::newRow("errors") << errors << 2;
        TimelineFilter source;
        source.sources = { 2 };
        QTest::newRow("one source") << source << 2;
        TimelineFilter key;
        key.keys = { u"b2f7c3a1-4d5e"_s };
        QTest::newRow("request id with inferred nginx line") << key << 2;
        TimelineFilter job;
        job.keys = { u"j1"_s, u"198.51.100.7"_s };
        QTest::newRow("any of two keys") << job << 3;
        TimelineFilter search;
        search.search = u"BOOM"_s;
        QTest::newRow("search") << search << 1;
    }
    void filters()
    {
        QFETCH(TimelineFilter, filter);
        QFETCH(int, count);
        Timeline timeline;
        timeline.setSources(m_sources);
        timeline.build();
        timeline.buildCorrelation(); // keys, and the levels of access logs
        QCOMPARE(int(timeline.select(filter).size()), count);
    }

    void annotationsRoundTripThroughWorkspace()
    {
        Annotations annotations;
        QSignalSpy marks(&annotations, &Annotations::markChanged);
        annotations.setStarred(u"/x/a.log#120"_s, true);
        annotations.setTags(u"/x/a.log#120"_s, { u"cause"_s, u""_s });
        annotations.setComment(u"/x/b.log#0"_s, u"first 502"_s);
        QCOMPARE(marks.count(), 3);
        annotations.addManual(ms("2024-12-26T17:58:00Z"), u"deploy, full downtime"_s, { u"deploy"_s });
        annotations.addManual(ms("2024-12-26T17:00:00Z"), u"backup taken"_s);
        QCOMPARE(annotations.manualEvents().first().text, u"backup taken"_s);

        Workspace workspace;
        annotations.saveTo(workspace);
        const QString path = m_files.path(u"case.salvage"_s);
        workspace.save(path);
        Annotations loaded;
        loaded.loadFrom(Workspace::load(path));
        QCOMPARE(loaded.toJson(), annotations.toJson());
        QCOMPARE(loaded.mark(u"/x/a.log#120"_s).tags, QStringList { u"cause"_s });
        QCOMPARE(loaded.starred(), QStringList { u"/x/a.log#120"_s });
        const QString id = loaded.addManual(0, u"new"_s);
        QCOMPARE(id, u"manual-3"_s); // ids continue after loaded ones
    }

    // What the databases date joins the notes; a new comparison replaces it, never the operator's notes.
    void databaseEventsFromAComparison()
    {
        DiffResult result;
        result.backupTime = double(ms("2024-05-02T00:59:58Z")) / 1000.0;
        TableDiff accounts;
        accounts.table = u"public.accounts"_s;
        for (const char *at : { "2024-05-02T14:10:00Z", "2024-05-02T12:50:00Z", "2024-05-01T00:00:00Z" }) {
            DiffRow row;
            row.status = DiffRow::Status::OnlyInLive;
            row.liveTime = double(ms(at)) / 1000.0;
            row.origin
                = *row.liveTime > *result.backupTime ? DiffRow::Origin::NewSinceBackup : DiffRow::Origin::Unexplained;
            accounts.rows.append(row);
        }
        TableDiff follows; // nothing new: no event
        follows.table = u"public.follows"_s;
        result.tables = { accounts, follows };

        const QList<Annotations::ManualEvent> events = DatabaseEvents::of(result);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(0).id, DatabaseEvents::backupPointId.toString());
        QCOMPARE(events.at(0).instantMs, ms("2024-05-02T00:59:58Z"));
        QCOMPARE(events.at(1).instantMs, ms("2024-05-02T12:50:00Z")); // the first of the two new ones
        QVERIFY2(
            events.at(1).text.contains(u"public.accounts: the first of 2 row(s)"_s), qPrintable(events.at(1).text));
        QVERIFY(events.at(1).text.contains(u"2024-05-02 14:10:00 UTC"_s));
        QVERIFY(!events.at(1).starred);

        Annotations annotations;
        annotations.addManual(ms("2024-05-02T12:41:00Z"), u"merge worker ran"_s);
        annotations.replaceDerived(DatabaseEvents::idPrefix, events);
        annotations.replaceDerived(DatabaseEvents::idPrefix, events); // again: replaced, not doubled
        QCOMPARE(annotations.manualEvents().size(), 3);
        QCOMPARE(annotations.manualEvents().at(1).text, u"merge worker ran"_s); // sorted by instant
        annotations.replaceDerived(DatabaseEvents::idPrefix, {});
        QCOMPARE(annotations.manualEvents().size(), 1);
    }

    void modelShowsEventsAndManualNotes()
    {
        Timeline timeline;
        timeline.setSources(m_sources);
        timeline.build();
        Annotations annotations;
        TimelineModel model(&timeline, &annotations);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFilter({});
        QCOMPARE(model.rowCount(), 6);
        annotations.addManual(ms("2024-12-26T20:35:00Z"), u"deploy"_s);
        QCOMPARE(model.rowCount(), 7);
        const int note = model.rowAtInstant(ms("2024-12-26T20:35:00Z"));
        QCOMPARE(model.data(model.index(note, TimelineModel::Message)).toString(), u"deploy"_s);
        QVERIFY(model.data(model.index(note, TimelineModel::Star), TimelineModel::ManualRole).toBool());

        QCOMPARE(model.data(model.index(0, TimelineModel::Source)).toString(), u"nginx"_s);
        QCOMPARE(model.data(model.index(0, TimelineModel::Original)).toString(), u"26/Dec/2024:20:30:54 +0000"_s);
        QVERIFY(model.data(model.index(0, TimelineModel::Keys)).toString().contains(u"ip=203.0.113.9"_s));
        QVERIFY(model.setData(model.index(1, TimelineModel::Star), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(model.setData(model.index(1, TimelineModel::Tags), u"cause, merge"_s));
        QCOMPARE(model.data(model.index(1, TimelineModel::Star), Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(annotations.mark(timeline.eventKey(model.refAt(1))).tags, (QStringList { u"cause"_s, u"merge"_s }));

        model.setDisplayZone(QTimeZone("Europe/Berlin"));
        QVERIFY(model.data(model.index(0, TimelineModel::Time)).toString().startsWith(u"2024-12-26 21:30:54.000"_s));

        TimelineFilter key;
        key.keys = { u"b2f7c3a1-4d5e"_s };
        timeline.buildCorrelation();
        model.setFilter(key);
        QCOMPARE(model.rowCount(), 3); // the two keyed events, and the note: notes always show as context
        QVERIFY(model.data(model.index(0, TimelineModel::Message), TimelineModel::InferredRole)
                    .toBool()); // nginx, inferred
        QVERIFY(!model.data(model.index(1, TimelineModel::Message), TimelineModel::InferredRole).toBool());
    }
};

QTEST_GUILESS_MAIN(TestTimeline)
#include "tst_timeline.moc"
