#include "pitrsource.h"

#include "core/error.h"
#include "core/process.h"
#include "jobs/cancellableprocess.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QTimeZone>

#include <algorithm>

namespace salvage {

QString restoreCommandWord(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    quoted.replace(QLatin1Char('%'), QStringLiteral("%%"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

namespace {

/// A stanza or server name goes into command lines and restore_command: letters, digits, _ . - only.
void requireSimpleName(const QString &name, const QString &what)
{
    static const QRegularExpression simple(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    if (!simple.match(name).hasMatch())
        throw Error(QStringLiteral("\"%1\" is not a %2 name.").arg(name, what));
}

/// The program's path; its Debian package has the same name.
QString installedProgram(const QString &name, const QString &product)
{
    const QString program = QStandardPaths::findExecutable(name);
    if (program.isEmpty())
        throw Error(QStringLiteral("%1 is not installed (Debian package \"%2\").").arg(product, name));
    return program;
}

} // namespace

void PitrSource::checkPlaced(const QString &, const BaseBackup::Label &) const { }

int PitrSource::segmentsFrom(const QString &) const
{
    return -1;
}

// --- a base backup and an archive directory ---

ArchiveDirectorySource::ArchiveDirectorySource(const QString &baseBackup, const QString &walArchive)
    : m_base(baseBackup)
    , m_archive(QDir(walArchive).absolutePath())
{
    if (!QFileInfo(walArchive).isDir())
        throw Error(QStringLiteral("The WAL archive %1 is not a directory.").arg(walArchive));
}

QString ArchiveDirectorySource::describe() const
{
    return QStringLiteral("the WAL archive %1").arg(m_archive);
}

void ArchiveDirectorySource::placeBase(const QString &dataDir, const PitrTarget &, JobControl &control) const
{
    m_base.unpackInto(dataDir, control);
}

void ArchiveDirectorySource::checkPlaced(const QString &dataDir, const BaseBackup::Label &label) const
{
    if (!QFileInfo::exists(m_archive + QLatin1Char('/') + label.startWalFile)
        && !QFileInfo::exists(dataDir + QStringLiteral("/pg_wal/") + label.startWalFile))
        throw Error(QStringLiteral("WAL segment %1, where the base backup begins, is neither in %2 nor in the "
                                   "backup: the archive does not belong to this backup or is incomplete.")
                        .arg(label.startWalFile, m_archive));
}

QString ArchiveDirectorySource::restoreCommand(const QString &) const
{
    return QStringLiteral("cp %1/%f \"%p\"").arg(restoreCommandWord(m_archive));
}

int ArchiveDirectorySource::segmentsFrom(const QString &startWalFile) const
{
    static const QRegularExpression segment(QStringLiteral("^[0-9A-F]{24}$"));
    int count = 0;
    const QStringList names = QDir(m_archive).entryList(QDir::Files);
    for (const QString &name : names) // the timeline aside, segment names sort in WAL order
        count += segment.match(name).hasMatch() && name.mid(8) >= startWalFile.mid(8) ? 1 : 0;
    return count;
}

// --- pgBackRest ---

namespace {

QString pgBackRestProgram()
{
    return installedProgram(QStringLiteral("pgbackrest"), QStringLiteral("pgBackRest"));
}

QString serverUser()
{
    return runningAsRoot() ? QStringLiteral("postgres") : QString();
}

QString pgBackRestTargetType(PitrTarget::Kind kind)
{
    switch (kind) {
    case PitrTarget::Kind::Time:
        return QStringLiteral("time");
    case PitrTarget::Kind::Xid:
        return QStringLiteral("xid");
    case PitrTarget::Kind::Lsn:
        return QStringLiteral("lsn");
    case PitrTarget::Kind::Name:
        return QStringLiteral("name");
    }
    return {};
}

} // namespace

PgBackRestSource::PgBackRestSource(const QString &stanza, const QString &repoPath)
    : m_stanza(stanza)
    , m_repoPath(repoPath.isEmpty() ? QString() : QDir(repoPath).absolutePath())
{
    requireSimpleName(stanza, QStringLiteral("pgBackRest stanza"));
    const ProcessResult info = runProcess({ pgBackRestProgram(),
        commonOptions() + QStringList { QStringLiteral("--output=json"), QStringLiteral("info") }, serverUser() });
    const QJsonArray stanzas = QJsonDocument::fromJson(info.output.toUtf8()).array();
    if (info.exitCode != 0 || stanzas.isEmpty())
        throw Error(QStringLiteral("pgBackRest cannot read stanza %1: %2").arg(stanza, info.output.trimmed()));
    const QJsonObject found = stanzas.first().toObject();
    if (found.value(QStringLiteral("backup")).toArray().isEmpty())
        throw Error(
            QStringLiteral("pgBackRest stanza %1 has no backup to recover from (%2).")
                .arg(stanza,
                    found.value(QStringLiteral("status")).toObject().value(QStringLiteral("message")).toString()));
}

QStringList PgBackRestSource::commonOptions() const
{
    QStringList options { QStringLiteral("--stanza=") + m_stanza, QStringLiteral("--log-level-console=warn"),
        QStringLiteral("--log-level-file=off") };
    if (!m_repoPath.isEmpty())
        options << QStringLiteral("--repo1-path=") + m_repoPath;
    return options;
}

QString PgBackRestSource::describe() const
{
    return QStringLiteral("pgBackRest stanza %1").arg(m_stanza);
}

void PgBackRestSource::placeBase(const QString &dataDir, const PitrTarget &target, JobControl &control) const
{
    control.setProgress(0, -1, QStringLiteral("pgBackRest restores the base backup"));
    // pgBackRest picks the backup set that ends before the target; its recovery settings are
    // replaced by Salvage's afterwards, the choice of set is what is kept.
    runCancellable({ pgBackRestProgram(),
                       commonOptions()
                           + QStringList { QStringLiteral("--pg1-path=") + dataDir,
                               QStringLiteral("--type=") + pgBackRestTargetType(target.kind),
                               QStringLiteral("--target=") + target.value, QStringLiteral("--target-action=promote"),
                               QStringLiteral("restore") },
                       serverUser(), 0 },
        control, QStringLiteral("restore the base backup with pgBackRest"));
}

QString PgBackRestSource::restoreCommand(const QString &dataDir) const
{
    QStringList words { restoreCommandWord(pgBackRestProgram()) };
    for (const QString &option : commonOptions() + QStringList { QStringLiteral("--pg1-path=") + dataDir })
        words << restoreCommandWord(option);
    return words.join(QLatin1Char(' ')) + QStringLiteral(" archive-get %f \"%p\"");
}

// --- Barman ---

namespace {

QString barmanProgram()
{
    return installedProgram(QStringLiteral("barman"), QStringLiteral("Barman"));
}

/// Barman's answer in -f json, or its error: {"_ERROR": ["Unknown server 'x'"]} or a plain line.
QJsonObject barmanJson(const ProcessResult &result, const QString &what)
{
    const qsizetype brace = result.output.indexOf(QLatin1Char('{'));
    const QJsonObject answer
        = brace < 0 ? QJsonObject() : QJsonDocument::fromJson(result.output.mid(brace).toUtf8()).object();
    QStringList errors;
    for (const QJsonValue &error : answer.value(QStringLiteral("_ERROR")).toArray())
        errors << error.toString();
    if (result.exitCode != 0 || answer.isEmpty() || !errors.isEmpty())
        throw Error(QStringLiteral("Barman cannot %1: %2")
                        .arg(what, errors.isEmpty() ? result.output.trimmed() : errors.join(QStringLiteral("; "))));
    return answer;
}

} // namespace

BarmanSource::BarmanSource(const QString &server, const QString &configFile)
    : m_server(server)
    , m_config(configFile.isEmpty() ? QString() : QFileInfo(configFile).absoluteFilePath())
{
    requireSimpleName(server, QStringLiteral("Barman server"));
    const QString config = m_config.isEmpty() ? QStringLiteral("/etc/barman.conf") : m_config;
    if (!QFileInfo(config).isReadable())
        throw Error(QStringLiteral("Barman's configuration %1 cannot be read.").arg(config));
    m_user = QSettings(config, QSettings::IniFormat)
                 .value(QStringLiteral("barman/barman_user"), QStringLiteral("barman"))
                 .toString();
    // The recovering server (postgres when we are root) runs get-wal; as another user only through sudo.
    if (runningAsRoot() && m_user != QLatin1String("postgres")
        && QStandardPaths::findExecutable(QStringLiteral("sudo")).isEmpty())
        throw Error(QStringLiteral("Barman runs as %1 and the recovering server as postgres, which can fetch WAL "
                                   "only through \"sudo -n -u %1 barman get-wal\": install sudo and allow it, or "
                                   "set barman_user = postgres.")
                        .arg(m_user));
    const QJsonObject listing = barmanJson(
        runProcess(barman({ QStringLiteral("-f"), QStringLiteral("json"), QStringLiteral("list-backups"), m_server })),
        QStringLiteral("list server ") + m_server);
    for (const QJsonValue &entry : listing.value(m_server).toArray()) {
        const QJsonObject backup = entry.toObject();
        if (backup.value(QStringLiteral("status")).toString() == QLatin1String("DONE"))
            m_backups << Backup { backup.value(QStringLiteral("backup_id")).toString(),
                backup.value(QStringLiteral("end_time_timestamp")).toString().toLongLong() };
    }
    if (m_backups.isEmpty())
        throw Error(QStringLiteral("Barman server %1 has no finished backup to recover from.").arg(server));
    std::sort(m_backups.begin(), m_backups.end(),
        [](const Backup &a, const Backup &b) { return a.endEpochSeconds < b.endEpochSeconds; });
}

ProcessRequest BarmanSource::barman(const QStringList &arguments, int timeoutMs) const
{
    QStringList all;
    if (!m_config.isEmpty())
        all << QStringLiteral("-c") << m_config;
    return { barmanProgram(), all + arguments, runningAsRoot() ? m_user : QString(), timeoutMs };
}

QString BarmanSource::describe() const
{
    return QStringLiteral("Barman server %1").arg(m_server);
}

BarmanSource::Backup BarmanSource::backupFor(const PitrTarget &target) const
{
    if (target.kind != PitrTarget::Kind::Time)
        return m_backups.first();
    const qint64 targetSeconds = target.instant.toMSecsSinceEpoch() / 1000;
    for (auto backup = m_backups.crbegin(); backup != m_backups.crend(); ++backup)
        if (backup->endEpochSeconds < targetSeconds)
            return *backup;
    throw Error(QStringLiteral("Barman server %1 has no backup that ended before %2 (the oldest ended %3 UTC).")
                    .arg(m_server, target.describe(),
                        QDateTime::fromSecsSinceEpoch(m_backups.first().endEpochSeconds, QTimeZone::utc())
                            .toString(Qt::ISODate)));
}

void BarmanSource::placeBase(const QString &dataDir, const PitrTarget &target, JobControl &control) const
{
    const Backup backup = backupFor(target);
    control.setProgress(0, -1, QStringLiteral("Barman restores backup %1").arg(backup.id));
    // Barman writes as its own user; PitrRecovery hands the directory to the server's user afterwards.
    if (runningAsRoot()) {
        const ProcessResult chown = runProcess({ QStringLiteral("chown"), { m_user, dataDir } });
        if (chown.exitCode != 0)
            throw Error(QStringLiteral("Cannot hand %1 to Barman's user %2: %3").arg(dataDir, m_user, chown.output));
    }
    // --get-wal: no WAL is copied now; replay fetches what it needs.
    ProcessRequest recover
        = barman({ QStringLiteral("recover"), QStringLiteral("--get-wal"), m_server, backup.id, dataDir }, 0);
    runCancellable(recover, control, QStringLiteral("restore backup %1 with Barman").arg(backup.id));
}

void BarmanSource::checkPlaced(const QString &, const BaseBackup::Label &label) const
{
    const ProcessResult peek = runProcess(barman(
        { QStringLiteral("get-wal"), QStringLiteral("--peek"), QStringLiteral("1"), m_server, label.startWalFile }));
    if (peek.exitCode != 0 || !peek.output.contains(label.startWalFile))
        throw Error(QStringLiteral("WAL segment %1, where the base backup begins, is not in Barman server %2's "
                                   "archive (has `barman cron` archived the incoming WAL?).")
                        .arg(label.startWalFile, m_server));
}

QString BarmanSource::restoreCommand(const QString &) const
{
    QStringList words;
    const QString serverUserName = runningAsRoot() ? QStringLiteral("postgres") : QString();
    if (!serverUserName.isEmpty() && m_user != serverUserName)
        words << QStringLiteral("sudo -n -u") << restoreCommandWord(m_user);
    words << restoreCommandWord(barmanProgram());
    if (!m_config.isEmpty())
        words << QStringLiteral("-c") << restoreCommandWord(m_config);
    words << QStringLiteral("get-wal") << restoreCommandWord(m_server) << QStringLiteral("%f > \"%p\"");
    return words.join(QLatin1Char(' '));
}

int BarmanSource::segmentsFrom(const QString &startWalFile) const
{
    static const QRegularExpression segment(QStringLiteral("^[0-9A-F]{24}$"), QRegularExpression::MultilineOption);
    const ProcessResult peek = runProcess(barman(
        { QStringLiteral("get-wal"), QStringLiteral("--peek"), QStringLiteral("100000"), m_server, startWalFile }));
    if (peek.exitCode != 0)
        return -1;
    int count = 0;
    for (auto match = segment.globalMatch(peek.output); match.hasNext(); match.next())
        ++count;
    return count;
}

std::shared_ptr<const PitrSource> PitrSourceSpec::make() const
{
    if (int(isPgBackRest()) + int(isBarman()) + int(!baseBackup.isEmpty() || !walArchive.isEmpty()) > 1)
        throw Error(QStringLiteral("Name one source: a base backup and WAL archive, a pgBackRest stanza or a Barman "
                                   "server."));
    if (isPgBackRest())
        return std::make_shared<PgBackRestSource>(pgBackRestStanza, pgBackRestRepo);
    if (isBarman())
        return std::make_shared<BarmanSource>(barmanServer, barmanConfig);
    if (baseBackup.isEmpty() || walArchive.isEmpty())
        throw Error(QStringLiteral("Name a base backup and a WAL archive, a pgBackRest stanza or a Barman server."));
    return std::make_shared<ArchiveDirectorySource>(baseBackup, walArchive);
}

QString PitrSourceSpec::identity() const
{
    if (isPgBackRest())
        return QStringLiteral("pgbackrest:%1:%2").arg(pgBackRestStanza, pgBackRestRepo);
    if (isBarman())
        return QStringLiteral("barman:%1:%2").arg(barmanServer, barmanConfig);
    return QStringLiteral("base:%1:%2").arg(baseBackup, walArchive);
}

} // namespace salvage
