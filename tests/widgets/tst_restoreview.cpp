// The Restore view on the incident fixture: plan from a root, the plan tree and lists, the script
// locked until unlocked, a preview that rolls back, and an undo refused over later changes.
#include "banner.h"
#include "db/connection.h"
#include "db/pgsession.h"
#include "declarationspanel.h"
#include "jobs/jobregistry.h"
#include "lostdependantspanel.h"
#include "modaldialogs.h"
#include "restoreview.h"
#include "sqleditor.h"
#include "testcluster.h"
#include "undorefuseddialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QTreeWidget>

using namespace salvage;
using salvage::test::answerNextMessageBox;
using salvage::test::confirmNextMessageBox;
using salvage::test::onNextModal;
using salvage::test::TestCluster;

namespace {

QString fixture(const char *name)
{
    QFile file(QStringLiteral(RESTORE_FIXTURES "/") + QLatin1String(name));
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QPushButton *button(QWidget *view, const QString &text)
{
    for (QPushButton *candidate : view->findChildren<QPushButton *>())
        if (candidate->text() == text)
            return candidate;
    return nullptr;
}

/// Creates `name`_backup from `backup` and `name`_live from `backup` + `incident`, and opens both sides on them.
bool openPair(
    const QString &name, const QString &backup, const QString &incident, Connection &live, Connection &backupSide)
{
    TestCluster &cluster = TestCluster::instance();
    for (const QString &side : { QStringLiteral("_backup"), QStringLiteral("_live") }) {
        cluster.createDatabase(name + side);
        cluster.execute(name + side, backup);
    }
    cluster.execute(name + QStringLiteral("_live"), incident);
    live.open(ConnectionProfile { {}, cluster.conninfo(name + QStringLiteral("_live")) });
    backupSide.open(ConnectionProfile { {}, cluster.conninfo(name + QStringLiteral("_backup")) });
    return QTest::qWaitFor(
        [&] { return !live.schema().tables.isEmpty() && !backupSide.schema().tables.isEmpty(); }, 10000);
}

int liveCount(const QString &database, const QString &sql)
{
    PgSession check(TestCluster::instance().conninfo(database), PgSession::Options { true, {}, 15 });
    return check.exec(sql)[0][0].as<int>();
}

} // namespace

class TestRestoreView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // undo scripts go to a test directory

    // A plan is consumed by its run; "Undo last run" means the last run that changed rows, and an
    // undo takes its run off the list.
    void runConsumesThePlanAndUndoMeansTheLastRunThatChangedRows()
    {
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        const QString liveDb = QStringLiteral("tst_restoreview_run_live");
        QVERIFY(openPair(QStringLiteral("tst_restoreview_run"), fixture("incident_backup.sql"),
            fixture("incident_live.sql"), live, backup));
        JobRegistry jobs;
        RestoreView view(&live, &backup, &jobs);
        view.show();
        QPushButton *run = button(&view, QStringLiteral("&Run…"));
        QPushButton *preview = button(&view, QStringLiteral("Pre&view"));
        QPushButton *undo = button(&view, QStringLiteral("&Undo last run…"));
        const QString restored = QStringLiteral("SELECT count(*) FROM accounts WHERE id BETWEEN 3 AND 8");

        QSignalSpy planned(&view, &RestoreView::planned);
        QSignalSpy executed(&view, &RestoreView::executed);
        view.addRoot(QStringLiteral("accounts WHERE id BETWEEN 3 AND 8"));
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        QVERIFY(run->isEnabled());
        QVERIFY(!undo->isEnabled());
        confirmNextMessageBox();
        run->click();
        QVERIFY(executed.wait(60000));
        QVERIFY(executed.last().first().toBool());
        QCOMPARE(liveCount(liveDb, restored), 6);
        const QString firstUndo = view.lastUndo();
        QVERIFY(QFile::exists(firstUndo));
        // The plan is spent: a second click would commit a no-op.
        QVERIFY(!run->isEnabled());
        QVERIFY(!preview->isEnabled());
        QVERIFY(undo->isEnabled());

        // A new plan over rows already back writes nothing; its run changes no row and leaves undo alone.
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        QCOMPARE(planned.last().first().value<RestorePlan>().rowsToWrite(), 0);
        QVERIFY(run->isEnabled());
        confirmNextMessageBox();
        run->click();
        QVERIFY(executed.wait(60000));
        QVERIFY(executed.last().first().toBool());
        QVERIFY(!run->isEnabled());
        QCOMPARE(view.lastUndo(), firstUndo);

        // Undo runs the first run's undo script, and then nothing is left to undo.
        confirmNextMessageBox();
        undo->click();
        QVERIFY(executed.wait(60000));
        QVERIFY(executed.last().first().toBool());
        QCOMPARE(liveCount(liveDb, restored), 0);
        QVERIFY(view.lastUndo().isEmpty());
        QVERIFY(!undo->isEnabled());
        QVERIFY(!run->isEnabled());
    }

    // A restored user whose e-mail row cannot come back (a newcomer registered the address): flagged
    // before the run with merge / remap / skip, each a policy of the dependant's table and a new plan;
    // after the run, in its report.
    void lostDependantsBeforeAndAfterTheRun()
    {
        const QString schema = QStringLiteral(
            "CREATE TABLE users (id integer PRIMARY KEY, handle text NOT NULL UNIQUE);"
            "CREATE TABLE user_emails (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users ON DELETE "
            "CASCADE, email text NOT NULL UNIQUE);"
            "INSERT INTO users VALUES (1, 'alice'), (2, 'bob'), (12, 'val');"
            "INSERT INTO user_emails VALUES (701, 1, 'alice@example.org'), (702, 2, 'bob@example.org'), "
            "(801, 12, 'val@example.org');");
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        QVERIFY(openPair(QStringLiteral("tst_restoreview_lost"), schema,
            QStringLiteral("DELETE FROM users WHERE id = 12; INSERT INTO users VALUES (20, 'val2');"
                           "INSERT INTO user_emails VALUES (805, 20, 'val@example.org');"),
            live, backup));
        JobRegistry jobs;
        RestoreView view(&live, &backup, &jobs);
        view.resize(1100, 700);
        view.show();
        QSignalSpy planned(&view, &RestoreView::planned);
        view.addRoot(QStringLiteral("users:12"));
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        const QList<PlanListing> findings = LostDependantsPanel::of(planned.last().first().value<RestorePlan>());
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings.first().table, QStringLiteral("public.users"));
        QCOMPARE(findings.first().key, QStringLiteral("12"));
        QCOMPARE(findings.first().dependantTable, QStringLiteral("public.user_emails"));

        // Flagged above the tabs, listed in its own tab with the choices.
        auto *banner = view.findChild<Banner *>(QStringLiteral("lostDependantsBanner"));
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QLatin1String("without a dependant")));
        auto *tree = view.findChild<QTreeWidget *>(QStringLiteral("lostDependants"));
        QCOMPARE(tree->topLevelItemCount(), 1);
        QTreeWidgetItem *group = tree->topLevelItem(0);
        QCOMPARE(group->text(0), QStringLiteral("public.user_emails"));
        QCOMPARE(group->childCount(), 1);
        QCOMPARE(group->child(0)->text(0), QStringLiteral("public.users 12"));
        QVERIFY(group->child(0)->text(2).contains(QLatin1String("801")));
        button(banner, QStringLiteral("Review…"))->click();
        QVERIFY(tree->isVisible());

        // Merge: the dependant's table gets the policy "restore" and a new plan, where nothing is lost.
        const auto policyOf = [&view](const QString &table) {
            auto *policies = view.findChild<QTableWidget *>();
            for (int row = 0; row < policies->rowCount(); ++row)
                if (policies->item(row, 0)->text() == table)
                    return qobject_cast<QComboBox *>(policies->cellWidget(row, 1))->currentText();
            return QString();
        };
        tree->itemWidget(group, 1)->findChild<QPushButton *>(QStringLiteral("choice-restore"))->click();
        QVERIFY(planned.wait(30000));
        QCOMPARE(policyOf(QStringLiteral("public.user_emails")), QStringLiteral("restore"));
        QVERIFY(LostDependantsPanel::of(planned.last().first().value<RestorePlan>()).isEmpty());
        QVERIFY(!banner->isVisible());
        QCOMPARE(tree->topLevelItemCount(), 0);

        // Skip: as first planned, the user comes back without the address.
        view.findChild<QTabWidget *>()->setCurrentIndex(0);
        auto *policies = view.findChild<QTableWidget *>();
        for (int row = 0; row < policies->rowCount(); ++row)
            qobject_cast<QComboBox *>(policies->cellWidget(row, 1))->setCurrentIndex(0);
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        QCOMPARE(tree->topLevelItemCount(), 1);
        tree->itemWidget(tree->topLevelItem(0), 1)->findChild<QPushButton *>(QStringLiteral("choice-skip"))->click();
        QVERIFY(planned.wait(30000));
        QCOMPARE(policyOf(QStringLiteral("public.user_emails")), QStringLiteral("skip"));
        QCOMPARE(LostDependantsPanel::of(planned.last().first().value<RestorePlan>()).size(), 1);

        // After the run: in its report, and the banner says what was done.
        QSignalSpy executed(&view, &RestoreView::executed);
        confirmNextMessageBox();
        button(&view, QStringLiteral("&Run…"))->click();
        QVERIFY(executed.wait(60000));
        QVERIFY(executed.last().first().toBool());
        const QString report = view.findChild<QPlainTextEdit *>(QStringLiteral("restoreOutput"))->toPlainText();
        QVERIFY2(report.contains(QLatin1String("Restored without a dependant")), qPrintable(report));
        QVERIFY(report.contains(QLatin1String("public.users 12")));
        QVERIFY(banner->isVisible());
        QVERIFY(banner->text().contains(QLatin1String("were restored without a dependant")));
        QVERIFY(tree->itemWidget(tree->topLevelItem(0), 1) == nullptr); // no choices left after the run
        QCOMPARE(liveCount(QStringLiteral("tst_restoreview_lost_live"),
                     QStringLiteral("SELECT count(*) FROM users "
                                    "WHERE id = 12")),
            1);
        QCOMPARE(
            liveCount(QStringLiteral("tst_restoreview_lost_live"),
                QStringLiteral("SELECT count(*) FROM user_emails WHERE email = 'val@example.org' AND user_id = 20")),
            1);
    }

    void planAndPreview()
    {
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        QVERIFY(openPair(QStringLiteral("tst_restoreview"), fixture("incident_backup.sql"),
            fixture("incident_live.sql"), live, backup));
        JobRegistry jobs;
        RestoreView view(&live, &backup, &jobs);
        view.show();

        QPushButton *preview = button(&view, QStringLiteral("Pre&view"));
        QVERIFY(preview);
        QVERIFY(!preview->isEnabled()); // nothing to preview before a plan

        QSignalSpy planned(&view, &RestoreView::planned);
        view.addRoot(QStringLiteral("accounts WHERE id BETWEEN 3 AND 8"));
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        const auto plan = planned.first().first().value<RestorePlan>();
        QVERIFY(plan.rowsToWrite() > 0);
        QVERIFY(view.script().contains(QLatin1String("COPY ")));
        auto *editor = view.findChild<SqlEditor *>();
        QVERIFY(editor->isReadOnly());
        view.findChild<QCheckBox *>(QStringLiteral("unlockScript"))->setChecked(true);
        QVERIFY(!editor->isReadOnly());
        // Rows deleted since the backup have their own list and a per-table override.
        const auto policies = view.findChildren<QCheckBox *>();
        QVERIFY(std::any_of(policies.cbegin(), policies.cend(),
            [](QCheckBox *box) { return box->text() == QLatin1String("restore them too"); }));
        const auto trees = view.findChildren<QTreeWidget *>();
        QVERIFY(std::any_of(trees.cbegin(), trees.cend(), [](QTreeWidget *tree) {
            return !tree->findItems(QStringLiteral("public.accounts"), Qt::MatchExactly).isEmpty();
        }));

        // Warnings open the plan tree, one row each.
        QVERIFY(!plan.warnings.isEmpty());
        QList<QTreeWidgetItem *> warnings;
        for (QTreeWidget *tree : trees)
            warnings << tree->findItems(QStringLiteral("Warnings"), Qt::MatchExactly);
        QCOMPARE(warnings.size(), 1);
        QCOMPARE(warnings.first()->childCount(), int(plan.warnings.size()));
        QVERIFY(warnings.first()->isExpanded());

        QSignalSpy executed(&view, &RestoreView::executed);
        QVERIFY(preview->isEnabled());
        preview->click();
        QVERIFY(executed.wait(30000));
        QCOMPARE(executed.first().first().toBool(), false);
        QVERIFY(executed.first().at(1).toString().contains(QLatin1String("public.accounts: 6")));
        PgSession check(TestCluster::instance().conninfo(QStringLiteral("tst_restoreview_live")),
            PgSession::Options { true, {}, 15 });
        QCOMPARE(
            check.exec(QStringLiteral("SELECT count(*) FROM accounts WHERE id BETWEEN 3 AND 8"))[0][0].as<int>(), 0);
    }

    void declarationsTab()
    {
        // A counter cache (users.documents_count) and, without any foreign key, events pointing at rooms.
        const QString schema = QStringLiteral(
            "CREATE SCHEMA app; CREATE TABLE app.users (id integer PRIMARY KEY, name text NOT NULL, documents_count "
            "integer NOT NULL);"
            "CREATE TABLE app.documents (id integer PRIMARY KEY, owner_id integer NOT NULL REFERENCES app.users);"
            "INSERT INTO app.users SELECT g, 'user' || g, 2 FROM generate_series(1, 12) g;"
            "INSERT INTO app.documents SELECT g, 1 + g % 12 FROM generate_series(1, 24) g;"
            "CREATE TABLE app.rooms (room_id text PRIMARY KEY); CREATE TABLE app.events (event_id text NOT NULL, "
            "room_id text);"
            "INSERT INTO app.rooms SELECT '!r' || g FROM generate_series(1, 12) g;"
            "INSERT INTO app.events SELECT '$e' || g, '!r' || (1 + g % 12) FROM generate_series(1, 30) g;");
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        QVERIFY(openPair(QStringLiteral("tst_restoreview_decl"), schema,
            QStringLiteral(
                "UPDATE app.documents SET owner_id = 1 WHERE owner_id = 4; DELETE FROM app.users WHERE id = 4;"),
            live, backup));
        JobRegistry jobs;
        RestoreView view(&live, &backup, &jobs);
        view.show();
        auto *panel = view.findChild<DeclarationsPanel *>();
        QVERIFY(panel);
        QSignalSpy changed(&view, &RestoreView::declarationsChanged);

        // Typed: a malformed one is refused with the reason, a good one listed.
        auto *text = panel->findChild<QLineEdit *>(QStringLiteral("declarationText"));
        auto *kind = panel->findChild<QComboBox *>();
        kind->setCurrentText(QStringLiteral("unique"));
        text->setText(QStringLiteral("app.users lower(name)"));
        button(panel, QStringLiteral("&Add"))->click();
        QVERIFY(view.declarations().isEmpty());
        const auto labels = panel->findChildren<QLabel *>();
        QVERIFY(std::any_of(labels.cbegin(), labels.cend(),
            [](QLabel *label) { return label->text().contains(QLatin1String("TABLE (expression")); }));
        text->setText(QStringLiteral("app.users (lower(name))"));
        button(panel, QStringLiteral("&Add"))->click();
        QCOMPARE(view.declarations().uniques.size(), 1);
        QCOMPARE(changed.size(), 1);
        auto *declared = panel->findChild<QTreeWidget *>(QStringLiteral("declared"));
        QCOMPARE(declared->topLevelItemCount(), 1);
        QCOMPARE(declared->topLevelItem(0)->text(1), QStringLiteral("app.users (lower(name))"));

        // Candidates come from BACKUP off the GUI thread; one click accepts one.
        QSignalSpy found(panel, &DeclarationsPanel::candidatesFound);
        button(panel, QStringLiteral("&Find candidates in BACKUP"))->click();
        QVERIFY(found.wait(30000));
        auto *candidates = panel->findChild<QTreeWidget *>(QStringLiteral("candidates"));
        const auto rooms = candidates->findItems(QStringLiteral("app.events.room_id=app.rooms"), Qt::MatchExactly, 1);
        QCOMPARE(rooms.size(), 1);
        auto *accept = qobject_cast<QPushButton *>(candidates->itemWidget(rooms.first(), 2));
        QVERIFY(accept);
        accept->click();
        QCOMPARE(view.declarations().relations.size(), 1);
        QCOMPARE(
            Declarations::text(view.declarations().relations.first()), QStringLiteral("app.events.room_id=app.rooms"));
        QVERIFY(!accept->isEnabled());

        // Removed again.
        declared->findItems(QStringLiteral("app.events.room_id=app.rooms"), Qt::MatchExactly, 1)
            .first()
            ->setSelected(true);
        button(panel, QStringLiteral("Re&move"))->click();
        QVERIFY(view.declarations().relations.isEmpty());
        QCOMPARE(changed.size(), 3);

        // Counter caches: recomputed by default, a warning when the box is cleared.
        QSignalSpy planned(&view, &RestoreView::planned);
        view.addRoot(QStringLiteral("app.users:4"));
        const auto counterSteps = [&planned] {
            const auto plan = planned.last().first().value<RestorePlan>();
            return std::count_if(plan.steps.cbegin(), plan.steps.cend(),
                [](const PlanStep &step) { return step.kind == PlanStep::Kind::RecomputeCounter; });
        };
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        QCOMPARE(counterSteps(), 1);
        QVERIFY(view.script().contains(QLatin1String("counter app.users.documents_count recomputed for 2 parents")));
        panel->findChild<QCheckBox *>(QStringLiteral("recomputeCounters"))->setChecked(false);
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        QCOMPARE(counterSteps(), 0);
        QVERIFY(view.script().contains(QLatin1String("app.users.documents_count is a counter cache")));
    }

    // "Undo last run…" over a row changed since the run: the undo is refused and changes nothing; a
    // dialog lists the row and keeps LIVE by default; "undo anyway" runs it forced.
    void undoRefusedOffersToUndoAnyway()
    {
        QStandardPaths::setTestModeEnabled(true); // the run's undo script goes to a test location
        Connection live(Side::Live);
        Connection backup(Side::Backup);
        QVERIFY(openPair(QStringLiteral("tst_restoreview_undo"), fixture("incident_backup.sql"),
            fixture("incident_live.sql"), live, backup));
        JobRegistry jobs;
        RestoreView view(&live, &backup, &jobs);
        view.show();
        const auto liveValue = [](const QString &sql) {
            PgSession check(TestCluster::instance().conninfo(QStringLiteral("tst_restoreview_undo_live")),
                PgSession::Options { true, {}, 15 });
            return QString::fromUtf8(check.exec(sql)[0][0].c_str());
        };
        const QString restored = QStringLiteral("SELECT count(*) FROM accounts WHERE id BETWEEN 3 AND 8");

        QSignalSpy planned(&view, &RestoreView::planned);
        view.addRoot(QStringLiteral("accounts WHERE id BETWEEN 3 AND 8"));
        button(&view, QStringLiteral("&Plan"))->click();
        QVERIFY(planned.wait(30000));
        QSignalSpy executed(&view, &RestoreView::executed);
        answerNextMessageBox(QMessageBox::Yes);
        button(&view, QStringLiteral("&Run…"))->click();
        QVERIFY(executed.wait(60000));
        QCOMPARE(executed.last().first().toBool(), true);
        QCOMPARE(liveValue(restored), QStringLiteral("6"));

        // Changed since the run: the undo would overwrite it.
        TestCluster::instance().execute(QStringLiteral("tst_restoreview_undo_live"),
            QStringLiteral("UPDATE accounts SET display_name = 'edited since the run' WHERE id = 3"));
        QStringList listed; // what the refusal dialog showed
        const auto undoOnce = [&](const char *buttonName) {
            listed.clear();
            answerNextMessageBox(QMessageBox::Yes);
            onNextModal<UndoRefusedDialog>([&listed, buttonName](UndoRefusedDialog *dialog) {
                auto *rows = dialog->findChild<QListWidget *>(QStringLiteral("refusedRows"));
                for (int i = 0; rows && i < rows->count(); ++i)
                    listed << rows->item(i)->text();
                dialog->findChild<QPushButton *>(QLatin1String(buttonName))->click();
            });
            button(&view, QStringLiteral("&Undo last run…"))->click();
        };

        // Refused, listed, kept: LIVE as it was after the change.
        const qsizetype before = executed.size();
        undoOnce("keepLive");
        QVERIFY(executed.wait(60000));
        QCOMPARE(executed.last().first().toBool(), false);
        QVERIFY(QTest::qWaitFor([&] { return !listed.isEmpty(); }, 10000));
        QCOMPARE(
            listed, QStringList { QStringLiteral("public.accounts (id)=(3) changed since the run: display_name") });
        QTest::qWait(200); // no forced undo follows
        QCOMPARE(executed.size(), before + 1);
        QCOMPARE(liveValue(restored), QStringLiteral("6"));
        QCOMPARE(liveValue(QStringLiteral("SELECT display_name FROM accounts WHERE id = 3")),
            QStringLiteral("edited since the run"));

        // Undo anyway: the run is undone, the change since overwritten.
        undoOnce("undoAnyway");
        QVERIFY(QTest::qWaitFor([&] { return executed.size() == before + 3; }, 60000));
        QCOMPARE(executed.at(before + 1).first().toBool(), false); // refused again
        QCOMPARE(executed.last().first().toBool(), true); // then forced
        QCOMPARE(listed.size(), 1);
        QCOMPARE(liveValue(restored), QStringLiteral("0"));
    }
};

QTEST_MAIN(TestRestoreView)
#include "tst_restoreview.moc"
