#pragma once

#include <QDateTime>
#include <QString>

namespace salvage {

class PgCluster;

/// The demo's point-in-time BACKUP: the demo cluster archives its WAL into a directory, a base
/// backup is taken at the nightly backup's moment (T0), and after the incident a scratch cluster
/// is recovered to one second before the merge began. The archive and base backup sit beside
/// the demo cluster's data directory (where its server user can write); the recovered cluster is
/// `DIR/pitr`.
class DemoPitr
{
public:
    /// `cluster`: the demo's running cluster; `demoDir`: the demo's directory.
    DemoPitr(PgCluster &cluster, QString demoDir);

    /// Turns archive_mode on (a restart when it was off), archiving nothing yet. Throws salvage::Error.
    void enableArchiving();
    /// Clears archive and base backup, starts copying WAL into the archive and takes the base
    /// backup: the state of every database now. Throws salvage::Error.
    void takeBaseBackup();
    /// Waits until one second and a little has passed since the last commit (so "1 s before the
    /// merge" holds everything before it) and returns the server's clock: when the merge begins.
    QDateTime markIncidentStart();
    /// Closes the current WAL segment, waits until it is archived and archives nothing more.
    /// Throws salvage::Error when the archiver does not catch up.
    void finishArchive();
    /// True when the archive and base backup of a previous build are there.
    bool hasSource() const;

    /// The recovered cluster (recovered anew when missing, otherwise started), its database `database`
    /// as of `target`. Returns its conninfo. Throws salvage::Error.
    QString ensureRecovered(const QDateTime &target, const QString &database);
    /// Stops the recovered cluster and removes it.
    void removeRecovered();

    QString archiveDir() const;
    QString baseBackupDir() const;
    QString recoveredDir() const { return m_demoDir + QStringLiteral("/pitr"); }

    /// "Demo backup as of 1 s before the merge": the workspace's name for it.
    static QString profileName();
    /// The recovery target for a merge that began at `incidentStart`.
    static QDateTime targetFor(const QDateTime &incidentStart) { return incidentStart.addMSecs(-1000); }

private:
    void setArchiveCommand(const QString &command);
    QString serverDir() const;

    PgCluster &m_cluster;
    QString m_demoDir;
};

} // namespace salvage
