#include "backupgainpanel.h"

#include "db/pgsession.h"
#include "jobs/backgroundjob.h"
#include "jobs/jobcontrol.h"

#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace salvage {

BackupGainPanel::BackupGainPanel(JobRegistry *jobs, QWidget *parent)
    : QWidget(parent)
    , m_jobs(jobs)
{
    setObjectName(QStringLiteral("backupGain"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("backupGainSummary"));
    m_summary->setWordWrap(true);
    // A flat tree, not a QTableWidget: Compare's own table widget stays the one findChild finds.
    m_table = new QTreeWidget(this);
    m_table->setObjectName(QStringLiteral("backupGainTable"));
    m_table->setColumnCount(5);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_table);
    setVisible(false);
}

BackupGainPanel::~BackupGainPanel()
{
    if (m_cancel)
        m_cancel();
}

void BackupGainPanel::setOtherBackup(const ConnectionProfile &other)
{
    if (other == m_other)
        return;
    m_other = other;
    ++m_generation;
    if (m_cancel)
        m_cancel();
    m_gain.reset();
    m_table->clear();
    m_summary->setText(
        tr("Recoverable from each BACKUP: %1 is compared after the next comparison.").arg(other.displayName()));
    setVisible(hasOtherBackup());
}

void BackupGainPanel::compute(const DiffResult &diff, const Connection::SessionRecipe &backup,
    const QString &backupName, const Connection::SessionRecipe &live)
{
    if (!hasOtherBackup())
        return;
    if (m_cancel)
        m_cancel();
    const quint64 generation = ++m_generation;
    const Connection::SessionRecipe other { m_other, QString(), false, QStringLiteral("other BACKUP") };
    const QString otherName = m_other.displayName();
    m_summary->setText(tr("Comparing %1 with LIVE: what it recovers beside %2…").arg(otherName, backupName));
    auto compared = std::make_shared<const DiffResult>(diff);
    m_cancel = BackgroundJob::start<std::shared_ptr<const BackupGain>>(
        m_jobs, tr("What %1 recovers beside %2").arg(otherName, backupName), tr("BACKUP"),
        [compared, backup, other, live, backupName, otherName](JobControl &control) {
            const std::unique_ptr<PgSession> first = backup.open();
            const std::unique_ptr<PgSession> second = other.open();
            const std::unique_ptr<PgSession> liveSession = live.open();
            auto gain
                = std::make_shared<BackupGain>(BackupGain::compute(*compared, *first, *second, *liveSession, control));
            gain->firstName = backupName;
            gain->secondName = otherName;
            return std::shared_ptr<const BackupGain>(gain);
        },
        this,
        [this, generation](std::shared_ptr<const BackupGain> gain) {
            if (generation != m_generation)
                return;
            m_gain = gain;
            show(*gain);
            Q_EMIT computed(gain);
        },
        [this, generation](const QString &message, bool cancelled) {
            if (generation == m_generation)
                m_summary->setText(cancelled ? tr("Recoverable from each BACKUP: cancelled.") : message);
        });
}

void BackupGainPanel::show(const BackupGain &gain)
{
    const QLocale locale;
    m_summary->setText(tr("Recoverable from each BACKUP: %1 holds %2 lost rows that %3 does not; %3 holds %4 that "
                          "%1 does not.")
                           .arg(gain.secondName, locale.toString(gain.total(&BackupGain::Table::onlyFromSecond)),
                               gain.firstName, locale.toString(gain.total(&BackupGain::Table::onlyFromFirst))));
    m_table->setHeaderLabels(
        { tr("Table"), tr("Only in %1").arg(gain.secondName), tr("Lost, in %1").arg(gain.secondName),
            tr("Lost, in %1").arg(gain.firstName), tr("Only in %1").arg(gain.firstName) });
    m_table->clear();
    for (const BackupGain::Table &table : gain.tables) {
        auto *item = new QTreeWidgetItem(m_table);
        item->setText(0, table.table);
        const qint64 counts[]
            = { table.onlyFromSecond, table.lostFromSecond, table.lostFromFirst, table.onlyFromFirst };
        for (int column = 0; column < 4; ++column) {
            item->setText(column + 1, locale.toString(counts[column]));
            item->setTextAlignment(column + 1, Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    for (int column = 0; column < m_table->columnCount(); ++column)
        m_table->resizeColumnToContents(column);
}

} // namespace salvage
