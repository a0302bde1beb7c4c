#include "basebackup.h"

#include "core/error.h"
#include "core/process.h"
#include "jobs/cancellableprocess.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTimeZone>

namespace salvage {

namespace {

QString tarBeside(const QFileInfo &base, const QString &stem)
{
    for (const QString &suffix :
        { QStringLiteral(".tar"), QStringLiteral(".tar.gz"), QStringLiteral(".tar.lz4"), QStringLiteral(".tar.zst") }) {
        const QString candidate = base.absolutePath() + QLatin1Char('/') + stem + suffix;
        if (QFileInfo::exists(candidate))
            return candidate;
    }
    return {};
}

} // namespace

BaseBackup::BaseBackup(QString path)
    : m_path(std::move(path))
{
    const QFileInfo info(m_path);
    if (info.isDir()) {
        if (!QFileInfo::exists(m_path + QStringLiteral("/PG_VERSION")))
            throw Error(QStringLiteral("%1 is not a base backup: it has no PG_VERSION.").arg(m_path));
        return;
    }
    if (info.isFile() && info.fileName().contains(QStringLiteral(".tar"))) {
        m_isTar = true;
        return;
    }
    if (info.isDir() || info.isFile())
        throw Error(QStringLiteral("%1 is not a base backup: give the directory pg_basebackup -Fp wrote, or its "
                                   "base.tar (-Ft).")
                        .arg(m_path));
    throw Error(QStringLiteral("The base backup %1 does not exist.").arg(m_path));
}

void BaseBackup::unpackInto(const QString &dataDir, JobControl &control) const
{
    control.setProgress(0, -1, QStringLiteral("Unpacking the base backup"));
    if (!m_isTar) {
        // The contents, not the directory: dataDir exists already (its place and mode are ours).
        runCancellable({ QStringLiteral("cp"),
                           { QStringLiteral("-R"), QStringLiteral("--preserve=mode,timestamps"),
                               QStringLiteral("--no-dereference"), m_path + QStringLiteral("/."), dataDir } },
            control, QStringLiteral("copy the base backup"));
    } else {
        // GNU tar recognises gzip, lz4 and zstd by itself when reading a file.
        runCancellable({ QStringLiteral("tar"), { QStringLiteral("-xf"), m_path, QStringLiteral("-C"), dataDir } },
            control, QStringLiteral("extract the base backup"));
        const QString wal = tarBeside(QFileInfo(m_path), QStringLiteral("pg_wal"));
        if (!wal.isEmpty())
            runCancellable(
                { QStringLiteral("tar"),
                    { QStringLiteral("-xf"), wal, QStringLiteral("-C"), dataDir + QStringLiteral("/pg_wal") } },
                control, QStringLiteral("extract the base backup's WAL"));
    }
    // A backup taken from a running server may hold these; a server would trip over them.
    for (const char *stale : { "postmaster.pid", "postmaster.opts", "standby.signal" })
        QFile::remove(dataDir + QLatin1Char('/') + QLatin1String(stale));
}

BaseBackup::Label BaseBackup::parseLabel(const QByteArray &text)
{
    Label label;
    static const QRegularExpression startWal(
        QStringLiteral("^START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)"), QRegularExpression::MultilineOption);
    static const QRegularExpression timeline(
        QStringLiteral("^START TIMELINE: (\\d+)"), QRegularExpression::MultilineOption);
    static const QRegularExpression time(
        QStringLiteral("^START TIME: (\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}) (.+)$"),
        QRegularExpression::MultilineOption);
    static const QRegularExpression name(QStringLiteral("^LABEL: (.*)$"), QRegularExpression::MultilineOption);
    const QString content = QString::fromUtf8(text);
    if (const auto m = startWal.match(content); m.hasMatch())
        label.startWalFile = m.captured(1);
    if (const auto m = timeline.match(content); m.hasMatch())
        label.timeline = m.captured(1).toInt();
    if (const auto m = name.match(content); m.hasMatch())
        label.label = m.captured(1).trimmed();
    if (const auto m = time.match(content); m.hasMatch()) {
        // The server writes its log_timezone's abbreviation; only UTC/GMT can be read without a zone
        // database of abbreviations, so other zones leave the time unknown (the check that needs it is skipped).
        const QString zone = m.captured(2).trimmed();
        if (zone == QLatin1String("UTC") || zone == QLatin1String("GMT")) {
            const QDateTime naive = QDateTime::fromString(m.captured(1), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
            label.startTime = QDateTime(naive.date(), naive.time(), QTimeZone::utc());
        }
    }
    if (label.startWalFile.isEmpty())
        throw Error(QStringLiteral("backup_label names no START WAL LOCATION: this is not a base backup."));
    return label;
}

BaseBackup::Label BaseBackup::readLabel(const QString &dataDir)
{
    QFile file(dataDir + QStringLiteral("/backup_label"));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("The base backup has no backup_label: it was not taken with pg_basebackup (or "
                                   "pg_backup_start), so recovery cannot know where to begin."));
    return parseLabel(file.read(64 * 1024));
}

int BaseBackup::majorVersion(const QString &dataDir)
{
    QFile file(dataDir + QStringLiteral("/PG_VERSION"));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("The base backup has no PG_VERSION."));
    bool ok = false;
    const int major = QString::fromLatin1(file.read(16)).trimmed().toInt(&ok);
    if (!ok || major < 10)
        throw Error(QStringLiteral("The base backup's PG_VERSION is not a PostgreSQL version Salvage can recover "
                                   "(10 or later)."));
    return major;
}

} // namespace salvage
