#pragma once

#include <QString>
#include <QStringList>

namespace salvage {

class JobControl;

/// Turns a pg_dump file into a BACKUP database: restores it into a scratch cluster that Salvage
/// manages (custom, directory and tar archives with pg_restore, plain SQL — also gzipped — with
/// psql), with progress and cancel. The operator's own servers are never touched.
class DumpLoader
{
public:
    enum class Format { Custom, Directory, Tar, PlainSql, GzipSql, Unknown };

    struct Result
    {
        QString conninfo;
        QString database;
        QStringList warnings; ///< what pg_restore/psql reported but did not stop on
    };

    static Format detect(const QString &path);
    static QString formatName(Format format);

    /// Restores `dumpPath` into database `database` of the cluster under `clusterDir` (started when
    /// needed). Throws salvage::Error with one sentence, or Cancelled; a cancelled or failed load
    /// leaves no half-filled database behind.
    static Result load(
        const QString &dumpPath, const QString &clusterDir, const QString &database, JobControl &control);

    /// A database name derived from the dump's file name ("mastodon_2024-12-26.dump" → "backup_mastodon_2024_12_26").
    static QString databaseNameFor(const QString &dumpPath);
};

} // namespace salvage
