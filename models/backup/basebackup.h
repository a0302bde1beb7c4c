#pragma once

#include <QDateTime>
#include <QString>

namespace salvage {

class JobControl;

/// A base backup as pg_basebackup writes it: a directory (-Fp) or base.tar[.gz] (-Ft, with
/// pg_wal.tar[.gz] beside it when WAL was included). Unpacked into a data directory of ours; the
/// operator's copy is only read.
class BaseBackup
{
public:
    /// What backup_label says.
    struct Label
    {
        QString startWalFile; ///< the first WAL segment recovery needs
        int timeline = 0;
        QDateTime startTime; ///< UTC
        QString label;
    };

    /// `path`: the directory, or the base.tar[.gz] file. Throws salvage::Error when it is neither.
    explicit BaseBackup(QString path);

    /// Copies or extracts the backup into `dataDir` (empty, ours). Cancellable; throws salvage::Error
    /// or Cancelled.
    void unpackInto(const QString &dataDir, JobControl &control) const;

    /// Reads backup_label and PG_VERSION of an unpacked backup. Throws salvage::Error with a reason.
    static Label readLabel(const QString &dataDir);
    static int majorVersion(const QString &dataDir);
    /// Parses backup_label's text (exposed for tests).
    static Label parseLabel(const QByteArray &text);

private:
    QString m_path;
    bool m_isTar = false;
};

} // namespace salvage
