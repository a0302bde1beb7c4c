#pragma once

#include "backup/basebackup.h"
#include "backup/pitrtarget.h"
#include "core/process.h"

#include <QString>
#include <memory>

namespace salvage {

class JobControl;

/// Where point-in-time recovery takes its base backup and WAL from. Each kind checks what it can
/// before work starts, puts the base into an empty data directory of ours, and says how the server
/// fetches WAL (restore_command). The operator's backups are only read.
class PitrSource
{
public:
    virtual ~PitrSource() = default;

    /// For messages: "base backup /b and WAL archive /w", "pgBackRest stanza main".
    virtual QString describe() const = 0;
    /// Puts the base backup that `target` needs into `dataDir` (existing, empty, the server user's).
    /// Throws salvage::Error or Cancelled.
    virtual void placeBase(const QString &dataDir, const PitrTarget &target, JobControl &control) const = 0;
    /// Checks the placed base against the source (e.g. its first WAL segment is there). Throws salvage::Error.
    virtual void checkPlaced(const QString &dataDir, const BaseBackup::Label &label) const;
    /// The shell command the server in `dataDir` runs to fetch a WAL file (restore_command: %f, %p,
    /// and every other % doubled).
    virtual QString restoreCommand(const QString &dataDir) const = 0;
    /// How many WAL segments replay could need from `startWalFile` on, for progress; -1 unknown.
    virtual int segmentsFrom(const QString &startWalFile) const;
};

/// A pg_basebackup directory or tar, and a directory archive_command copies segments into.
class ArchiveDirectorySource : public PitrSource
{
public:
    /// Throws salvage::Error when the base is not a base backup or the archive is not a directory.
    ArchiveDirectorySource(const QString &baseBackup, const QString &walArchive);

    QString describe() const override;
    void placeBase(const QString &dataDir, const PitrTarget &target, JobControl &control) const override;
    void checkPlaced(const QString &dataDir, const BaseBackup::Label &label) const override;
    QString restoreCommand(const QString &dataDir) const override;
    int segmentsFrom(const QString &startWalFile) const override;

private:
    BaseBackup m_base;
    QString m_archive;
};

/// A pgBackRest repository: pgBackRest chooses the backup set for the target and fetches WAL.
class PgBackRestSource : public PitrSource
{
public:
    /// `repoPath` empty: the repository pgBackRest's own configuration names. Throws salvage::Error
    /// when pgBackRest is missing or the stanza has no backup.
    PgBackRestSource(const QString &stanza, const QString &repoPath);

    QString describe() const override;
    void placeBase(const QString &dataDir, const PitrTarget &target, JobControl &control) const override;
    QString restoreCommand(const QString &dataDir) const override;

private:
    QStringList commonOptions() const;

    QString m_stanza;
    QString m_repoPath;
};

/// A Barman server on this machine (no ssh): Salvage picks the backup for the target, `barman
/// recover --get-wal` copies it, `barman get-wal` fetches WAL while the server replays. Barman runs as
/// its configured barman_user (it drops root to it itself); when that is not the server's user,
/// restore_command goes through `sudo -n -u USER`, as Barman's own local get-wal does.
class BarmanSource : public PitrSource
{
public:
    struct Backup
    {
        QString id;
        qint64 endEpochSeconds = 0; ///< Barman keeps whole seconds
    };

    /// `configFile` empty: Barman's default (/etc/barman.conf). Throws salvage::Error when Barman is
    /// missing, the server unknown, or it has no finished backup.
    BarmanSource(const QString &server, const QString &configFile);

    QString describe() const override;
    void placeBase(const QString &dataDir, const PitrTarget &target, JobControl &control) const override;
    void checkPlaced(const QString &dataDir, const BaseBackup::Label &label) const override;
    QString restoreCommand(const QString &dataDir) const override;
    int segmentsFrom(const QString &startWalFile) const override;

    /// The backup recovery to `target` starts from: for an instant, the newest one that ended a whole
    /// second before it; otherwise the oldest (the only one sure to precede an xid, LSN or name).
    /// Throws salvage::Error when no backup is older than the target.
    Backup backupFor(const PitrTarget &target) const;

private:
    ProcessRequest barman(const QStringList &arguments, int timeoutMs = 120000) const;

    QString m_server;
    QString m_config;
    QString m_user; ///< barman_user from the configuration
    QList<Backup> m_backups; ///< finished ones, oldest first
};

/// What the operator named as the source, before anything is checked; make() checks it (it may
/// run pgbackrest or barman, so off the GUI thread). Shared by the CLI and the GUI.
struct PitrSourceSpec
{
    QString baseBackup, walArchive; ///< a base backup and an archive directory
    QString pgBackRestStanza, pgBackRestRepo; ///< or a pgBackRest stanza (repo empty: its configuration's)
    QString barmanServer, barmanConfig; ///< or a Barman server (config empty: Barman's default)

    bool isPgBackRest() const { return !pgBackRestStanza.isEmpty(); }
    bool isBarman() const { return !barmanServer.isEmpty(); }
    /// Throws salvage::Error with one sentence.
    std::shared_ptr<const PitrSource> make() const;
    /// A stable text naming source and nothing else, e.g. for a directory name.
    QString identity() const;
};

/// One word for /bin/sh, inside restore_command (so a % is doubled).
QString restoreCommandWord(const QString &value);

} // namespace salvage
