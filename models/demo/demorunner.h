#pragma once

#include "demo/demoparameters.h"

#include <QDateTime>
#include <QString>
#include <functional>
#include <optional>

namespace salvage {

class PgCluster;

/// Puts the demo incident in place under a directory: a managed cluster with the databases
/// `backup` and `live`, the logs under logs/, and workspace.salvage for the GUI. Rebuilds only
/// when the databases are missing or were built from other parameters (recorded in demo.json).
/// Unless turned off, it also archives WAL and recovers a second BACKUP as of 1 s before the
/// merge (DemoPitr), which the workspace lists beside the nightly one.
class DemoRunner
{
public:
    /// Called with a short description as each step of a build begins.
    using Progress = std::function<void(const QString &step)>;

    explicit DemoRunner(QString dir, Progress progress = {})
        : m_dir(std::move(dir))
        , m_progress(std::move(progress))
    {
    }

    struct Result
    {
        QString liveConninfo;
        QString backupConninfo;
        QString pitrBackupConninfo; ///< `live` as of 1 s before the merge; empty without it
        QDateTime pitrTarget; ///< that instant (UTC, the server's clock)
        bool rebuilt = false;
    };

    /// Starts or reuses the cluster, builds when needed, writes the workspace. Throws salvage::Error.
    Result run(const DemoParameters &parameters);
    /// Stops the cluster when it runs, and removes the recovered point-in-time cluster.
    void stop();
    /// Whether run() builds the WAL archive and the point-in-time BACKUP (on by default).
    void setPointInTimeBackup(bool enabled) { m_pitr = enabled; }

    QString workspacePath() const { return m_dir + QStringLiteral("/workspace.salvage"); }

    /// The two moments of a build a point-in-time BACKUP needs: the backup database complete and
    /// live about to be copied from it (the nightly backup's time, T0), and the merge about to begin.
    struct Moments
    {
        std::function<void()> atBackupTime;
        std::function<void()> beforeIncident;
    };

    /// Builds the two databases on `cluster` (replacing them) and the logs under `logsDir`.
    static void build(PgCluster &cluster, const QString &backupDatabase, const QString &liveDatabase,
        const QString &logsDir, const DemoParameters &parameters, const Progress &progress = {},
        const Moments &moments = {});

private:
    /// The recorded merge start when the databases (and, with m_pitr, the WAL archive) are as
    /// `parameters` build them; std::nullopt otherwise (an invalid QDateTime without m_pitr).
    std::optional<QDateTime> upToDate(PgCluster &cluster, const DemoParameters &parameters) const;
    QString recordPath() const { return m_dir + QStringLiteral("/demo.json"); }

    QString m_dir;
    Progress m_progress;
    bool m_pitr = true;
};

} // namespace salvage
