// The Restore view on the incident fixture: plan from a root, the plan tree and lists, the script
// locked until unlocked, and a preview that rolls back.
#include "db/connection.h"
#include "db/pgsession.h"
#include "jobs/jobregistry.h"
#include "restoreview.h"
#include "sqleditor.h"
#include "testcluster.h"

#include <QCheckBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace salvage;
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

} // namespace

class TestRestoreView : public QObject
{
    Q_OBJECT

private slots:
    void planAndPreview()
    {
        TestCluster &cluster = TestCluster::instance();
        cluster.createDatabase(QStringLiteral("tst_restoreview_backup"));
        cluster.execute(QStringLiteral("tst_restoreview_backup"), fixture("incident_backup.sql"));
        cluster.createDatabase(QStringLiteral("tst_restoreview_live"));
        cluster.execute(QStringLiteral("tst_restoreview_live"), fixture("incident_backup.sql"));
        cluster.execute(QStringLiteral("tst_restoreview_live"), fixture("incident_live.sql"));

        Connection live(Side::Live);
        Connection backup(Side::Backup);
        live.open(ConnectionProfile{{}, cluster.conninfo(QStringLiteral("tst_restoreview_live"))});
        backup.open(ConnectionProfile{{}, cluster.conninfo(QStringLiteral("tst_restoreview_backup"))});
        QTRY_VERIFY_WITH_TIMEOUT(!live.schema().tables.isEmpty() && !backup.schema().tables.isEmpty(), 10000);
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
        PgSession check(cluster.conninfo(QStringLiteral("tst_restoreview_live")), PgSession::Options{true, {}, 15});
        QCOMPARE(check.exec(QStringLiteral("SELECT count(*) FROM accounts WHERE id BETWEEN 3 AND 8"))[0][0].as<int>(), 0);
    }
};

QTEST_MAIN(TestRestoreView)
#include "tst_restoreview.moc"
