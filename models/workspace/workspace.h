#pragma once

#include "core/safefilewriter.h"
#include "db/connectionprofile.h"
#include "logs/logsource.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace salvage {

/// An investigation saved to disk (`*.salvage`, JSON): the LIVE and BACKUP connections (never a
/// password), the log sources, and sections owned by individual features (annotations, declared
/// relations, …) that the workspace keeps without interpreting.
class Workspace
{
public:
    ConnectionProfile live;
    ConnectionProfile backup;
    /// Other BACKUPs of the same data the operator can switch to (e.g. the demo's point-in-time one
    /// beside its nightly dump); offered in the Connect dialog, compared for what each recovers.
    QList<ConnectionProfile> otherBackups;
    QList<LogSource> logs;

    /// A feature's own section, e.g. section("annotations"); empty object when absent.
    QJsonObject section(const QString &name) const { return m_sections.value(name).toObject(); }
    void setSection(const QString &name, const QJsonObject &value) { m_sections.insert(name, value); }

    /// Throws salvage::Error with a clear sentence when the file is missing or not a workspace.
    static Workspace load(const QString &path);
    /// Writes atomically (SafeFileWriter); an existing file only with Existing::Replace; throws salvage::Error when it
    /// cannot.
    void save(const QString &path, SafeFileWriter::Existing existing = SafeFileWriter::Existing::Keep) const;

    QJsonObject toJson() const;
    static Workspace fromJson(const QJsonObject &object);
    /// `path` resolved against the directory of the workspace file.
    static QString resolve(const QString &workspaceFile, const QString &path);
    /// The log sources with their paths resolved against `workspaceFile`, as the GUI and the CLI
    /// read them (the timeline keys the operator's marks by these paths).
    QList<LogSource> resolvedLogs(const QString &workspaceFile) const;

private:
    QJsonObject m_sections;
};

} // namespace salvage
