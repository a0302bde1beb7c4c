#pragma once

#include "demo/demoparameters.h"

#include <QString>
#include <functional>

namespace salvage {

class PgCluster;

/// Puts the demo incident in place under a directory: a managed cluster with the databases
/// `backup` and `live`, the logs under logs/, and workspace.salvage for the GUI. Rebuilds only
/// when the databases are missing or were built from other parameters (recorded in demo.json).
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
        bool rebuilt = false;
    };

    /// Starts or reuses the cluster, builds when needed, writes the workspace. Throws salvage::Error.
    Result run(const DemoParameters &parameters);
    /// Stops the cluster when it runs.
    void stop();

    QString workspacePath() const { return m_dir + QStringLiteral("/workspace.salvage"); }

    /// Builds the two databases on `cluster` (replacing them) and the logs under `logsDir`.
    static void build(PgCluster &cluster, const QString &backupDatabase, const QString &liveDatabase,
        const QString &logsDir, const DemoParameters &parameters, const Progress &progress = {});

private:
    bool upToDate(PgCluster &cluster, const DemoParameters &parameters) const;
    QString recordPath() const { return m_dir + QStringLiteral("/demo.json"); }

    QString m_dir;
    Progress m_progress;
};

} // namespace salvage
