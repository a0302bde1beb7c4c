#pragma once

#include "backup/basebackup.h"
#include "backup/pitrtarget.h"

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

/// What the operator named as the source, before anything is checked; make() checks it (it may
/// run pgbackrest, so off the GUI thread). Shared by the CLI and the GUI.
struct PitrSourceSpec
{
    QString baseBackup, walArchive; ///< a base backup and an archive directory
    QString pgBackRestStanza, pgBackRestRepo; ///< or a pgBackRest stanza (repo empty: its configuration's)

    bool isPgBackRest() const { return !pgBackRestStanza.isEmpty(); }
    /// Throws salvage::Error with one sentence.
    std::shared_ptr<const PitrSource> make() const;
    /// A stable text naming source and nothing else, e.g. for a directory name.
    QString identity() const;
};

/// One word for /bin/sh, inside restore_command (so a % is doubled).
QString restoreCommandWord(const QString &value);

} // namespace salvage
