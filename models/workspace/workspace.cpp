#include "workspace.h"

#include "core/error.h"
#include "core/inputfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace salvage {

namespace {
constexpr int kFormatVersion = 1;

/// Milliseconds as written; none when beyond qint64 (a hand-edited 1e300 must not reach an
/// undefined conversion).
qint64 clockOffsetMs(const QJsonValue &value)
{
    const double offset = value.toDouble();
    return std::abs(offset) < 9.0e18 ? qint64(offset) : 0;
}
} // namespace

QJsonObject Workspace::toJson() const
{
    QJsonArray logArray;
    for (const LogSource &source : logs) {
        QJsonObject object { { QStringLiteral("path"), source.path } };
        if (!source.label.isEmpty())
            object.insert(QStringLiteral("label"), source.label);
        if (!source.format.isEmpty())
            object.insert(QStringLiteral("format"), source.format);
        if (!source.timeZone.isEmpty())
            object.insert(QStringLiteral("time_zone"), source.timeZone);
        if (source.clockOffsetMs != 0)
            object.insert(QStringLiteral("clock_offset_ms"), double(source.clockOffsetMs));
        logArray.append(object);
    }
    QJsonObject object { { QStringLiteral("salvage_workspace"), kFormatVersion },
        { QStringLiteral("live"), live.toJson() }, { QStringLiteral("backup"), backup.toJson() },
        { QStringLiteral("logs"), logArray }, { QStringLiteral("sections"), m_sections } };
    if (!otherBackups.isEmpty()) {
        QJsonArray others;
        for (const ConnectionProfile &profile : otherBackups)
            others.append(profile.toJson());
        object.insert(QStringLiteral("other_backups"), others);
    }
    return object;
}

Workspace Workspace::fromJson(const QJsonObject &object)
{
    Workspace workspace;
    workspace.live = ConnectionProfile::fromJson(object.value(QStringLiteral("live")).toObject());
    workspace.backup = ConnectionProfile::fromJson(object.value(QStringLiteral("backup")).toObject());
    for (const QJsonValue &value : object.value(QStringLiteral("other_backups")).toArray())
        workspace.otherBackups.append(ConnectionProfile::fromJson(value.toObject()));
    for (const QJsonValue &value : object.value(QStringLiteral("logs")).toArray()) {
        const QJsonObject log = value.toObject();
        workspace.logs.append(
            { log.value(QStringLiteral("path")).toString(), log.value(QStringLiteral("label")).toString(),
                log.value(QStringLiteral("format")).toString(), log.value(QStringLiteral("time_zone")).toString(),
                clockOffsetMs(log.value(QStringLiteral("clock_offset_ms"))) });
    }
    workspace.m_sections = object.value(QStringLiteral("sections")).toObject();
    return workspace;
}

Workspace Workspace::load(const QString &path)
{
    InputFile::require(path, QStringLiteral("the workspace"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("Cannot open the workspace %1: %2.").arg(path, file.errorString()));
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()
        || !document.object().contains(QStringLiteral("salvage_workspace")))
        throw Error(QStringLiteral("%1 is not a Salvage workspace.").arg(path));
    if (document.object().value(QStringLiteral("salvage_workspace")).toInt() > kFormatVersion)
        throw Error(QStringLiteral("%1 was written by a newer Salvage.").arg(path));
    Workspace workspace = fromJson(document.object());
    // Refused rather than repaired: a malformed conninfo may hide where a password ends.
    const auto requireValid = [&path](Side side, const ConnectionProfile &profile) {
        if (!profile.conninfo.isEmpty() && !profile.validationError().isEmpty())
            throw Error(QStringLiteral("%1: the %2 connection string is not valid: %3. Correct it in the file.")
                            .arg(path, sideName(side), profile.validationError()));
    };
    requireValid(Side::Live, workspace.live);
    requireValid(Side::Backup, workspace.backup);
    for (const ConnectionProfile &other : workspace.otherBackups)
        requireValid(Side::Backup, other);
    return workspace;
}

void Workspace::save(const QString &path, SafeFileWriter::Existing existing) const
{
    SafeFileWriter::save(path, QJsonDocument(toJson()).toJson(QJsonDocument::Indented), existing);
}

QString Workspace::resolve(const QString &workspaceFile, const QString &path)
{
    if (QDir::isAbsolutePath(path))
        return path;
    // Cleaned: the timeline keys marks by path, and "case/../app.log" must name the file one way.
    return QDir::cleanPath(QFileInfo(workspaceFile).absoluteDir().absoluteFilePath(path));
}

QList<LogSource> Workspace::resolvedLogs(const QString &workspaceFile) const
{
    QList<LogSource> sources = logs;
    for (LogSource &source : sources)
        source.path = resolve(workspaceFile, source.path);
    return sources;
}

} // namespace salvage
