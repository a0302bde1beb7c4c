#include "pitrsource.h"

#include "core/error.h"
#include "core/process.h"
#include "jobs/jobcontrol.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>

namespace salvage {

QString restoreCommandWord(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    quoted.replace(QLatin1Char('%'), QStringLiteral("%%"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

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
    const QString program = QStandardPaths::findExecutable(QStringLiteral("pgbackrest"));
    if (program.isEmpty())
        throw Error(QStringLiteral("pgBackRest is not installed (Debian package \"pgbackrest\")."));
    return program;
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
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    if (!name.match(stanza).hasMatch())
        throw Error(QStringLiteral("\"%1\" is not a pgBackRest stanza name.").arg(stanza));
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

std::shared_ptr<const PitrSource> PitrSourceSpec::make() const
{
    if (isPgBackRest())
        return std::make_shared<PgBackRestSource>(pgBackRestStanza, pgBackRestRepo);
    if (baseBackup.isEmpty() || walArchive.isEmpty())
        throw Error(QStringLiteral("Name a base backup and a WAL archive, or a pgBackRest stanza."));
    return std::make_shared<ArchiveDirectorySource>(baseBackup, walArchive);
}

QString PitrSourceSpec::identity() const
{
    return isPgBackRest() ? QStringLiteral("pgbackrest:%1:%2").arg(pgBackRestStanza, pgBackRestRepo)
                          : QStringLiteral("base:%1:%2").arg(baseBackup, walArchive);
}

} // namespace salvage
