#pragma once

#include "backup/pitrtarget.h"

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <memory>

namespace salvage {

class JobControl;
class PitrSource;

/// BACKUP as of any instant: a base backup plus a WAL archive replayed up to a target, in a
/// scratch cluster Salvage manages like the load-dump one (same directory scheme, port choice,
/// stop and cleanup). The operator's backup and archive are only read: the recovered server never
/// archives (archive_mode off) and runs on a copy.
class PitrRecovery
{
public:
    struct Request
    {
        std::shared_ptr<const PitrSource> source; ///< a base backup and WAL archive, or pgBackRest
        PitrTarget target;
        QString clusterDir; ///< the scratch cluster's directory
        bool replaceExisting = false; ///< a cluster already in clusterDir is removed first; otherwise an error
        QString database; ///< empty: the one non-template database, or a clear error naming them
        /// Stop paused at the target (a read-only hot standby, logged into as the backup's own
        /// bootstrap superuser) instead of promoting, so that retarget() can continue replay.
        bool pauseAtTarget = false;
    };

    struct Result
    {
        QString conninfo;
        QString database;
        QString stoppedAt; ///< the server's own words: "recovery stopping before commit of transaction …"
        QDateTime stoppedAtTime; ///< the commit time in stoppedAt (UTC); invalid when it named none
        QDateTime baseBackupStarted; ///< from backup_label (UTC); invalid when its zone was not UTC
        int segmentsReplayed = 0;
        QStringList databases; ///< every database the recovered cluster holds
        QString howReached; ///< retarget(): "continued replay from … to …" or "fresh restore: …"
    };

    /// Throws salvage::Error with one sentence (and the server's FATAL lines) or Cancelled; on any
    /// failure or cancel nothing is left running and the scratch cluster's files are removed.
    static Result recover(const Request &request, JobControl &control);

    /// Moves the recovery in request.clusterDir to request.target and leaves it paused there. A
    /// paused recovery of the same source continues replay when the new target is a later instant
    /// or WAL position (the server restarts from its last restartpoint with the new target; the base
    /// is not restored again); otherwise the base is restored afresh, replacing Salvage's paused copy
    /// of this source (anything else in clusterDir only with replaceExisting).
    /// howReached says which. Failure and cancel leave nothing, as recover().
    static Result retarget(const Request &request, JobControl &control);
};

} // namespace salvage
