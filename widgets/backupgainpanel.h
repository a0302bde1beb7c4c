#pragma once

#include "db/connection.h"
#include "diff/backupgain.h"

#include <QWidget>
#include <functional>
#include <memory>

class QLabel;
class QTreeWidget;

namespace salvage {

class JobRegistry;

/// Part of Compare when the workspace knows a second BACKUP of the same data (the demo's PITR one
/// beside the nightly): per table, the rows lost in LIVE each BACKUP holds and how many only one of
/// them does, worked out in a background job after each comparison. Hidden without a second BACKUP.
class BackupGainPanel : public QWidget
{
    Q_OBJECT
public:
    explicit BackupGainPanel(JobRegistry *jobs, QWidget *parent = nullptr);
    ~BackupGainPanel() override;

    /// The second BACKUP; an empty conninfo hides the panel.
    void setOtherBackup(const ConnectionProfile &other);
    bool hasOtherBackup() const { return !m_other.conninfo.isEmpty(); }
    /// Starts the count for `diff` (the compared BACKUP against LIVE), dropping one still running.
    void compute(const DiffResult &diff, const Connection::SessionRecipe &backup, const QString &backupName,
        const Connection::SessionRecipe &live);

    std::shared_ptr<const BackupGain> gain() const { return m_gain; }

Q_SIGNALS:
    /// A finished count (also for the postmortem).
    void computed(std::shared_ptr<const salvage::BackupGain> gain);

private:
    void show(const BackupGain &gain);

    JobRegistry *m_jobs;
    ConnectionProfile m_other;
    std::shared_ptr<const BackupGain> m_gain;
    std::function<void()> m_cancel;
    quint64 m_generation = 0;
    QLabel *m_summary;
    QTreeWidget *m_table;
};

} // namespace salvage
