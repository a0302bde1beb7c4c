#pragma once

#include "logevent.h"

#include <QHash>
#include <QJsonObject>
#include <QSet>

#include <functional>

namespace salvage {

/// Finds the row ids a log line carries outside its format's named fields, each with the role
/// it plays (parameter, path, field, argument, constraint) and a tag for the table it most likely names (TableTag):
/// bind parameters of a logged statement ("parameters: $1 = '44'", tagged by the column they are compared with or
/// stored in), ids in a URL path after their resource (/accounts/44), "*_id" fields of JSON and key=value lines, and
/// job arguments (args=[44]). Keeps a cache of the statements it has read: one per thread, like EventParser.
class LogKeyExtractor
{
public:
    static const QString parameterRole;
    static const QString pathRole;
    static const QString fieldRole;
    static const QString argumentRole;
    static const QString constraintRole;
    /// The roles above: keys that name a row, looked up per table.
    static bool isRowRole(const QString &kind);
    /// Kinds of ids that trace work rather than name a row (request, job, batch, session, pid).
    static bool isTraceKind(const QString &kind);

    /// Bind parameters in `text` (the entry with its DETAIL line, or csvlog's composed message),
    /// tagged from the statement they belong to. Cheap when `text` has no "parameters: $".
    void fromStatement(const QString &text, QList<LogKey> &keys) const;
    /// The values of a unique or foreign key violation's DETAIL ("Key (account_id, target_account_id)=
    /// (1004, 10) already exists."), tagged by column, "id" and plain columns by the statement's table.
    void fromConstraint(const QString &text, QList<LogKey> &keys) const;
    /// Ids in a URL or path, each tagged with the resource before it ("orders/items" when nested).
    static void fromPath(QStringView path, QList<LogKey> &keys);
    /// The same over an ASCII path, for the parse pass: `found(id, parent, resource)` with views
    /// into `path` for each id (every id of a path is a key value); pathTable() is its table tag.
    static void fromAsciiPath(QLatin1StringView path,
        const std::function<void(QLatin1StringView id, QLatin1StringView parent, QLatin1StringView resource)> &found);
    /// The table tag fromPath() gives an id after `resource` after `parent` ("orders/items").
    static QString pathTable(QLatin1StringView parent, QLatin1StringView resource);
    /// "*_id" and "*_ids" members (at any depth), "id" of an object named after a resource, and
    /// the elements of "args"; `skip`: member paths ("ctx/jid") the format already keys.
    static void fromJson(const QJsonObject &object, const QSet<QString> &skip, QList<LogKey> &keys);
    /// "*_id" fields of a key=value line (`skip`: those the format already keys).
    static void fromFields(const QHash<QString, QString> &fields, const QSet<QString> &skip, QList<LogKey> &keys);
    /// args=[…] lists and "x_id": / "x_id"=> members of JSON or Ruby hashes written in a text line.
    static void fromText(const QString &text, QList<LogKey> &keys);

    /// True for a path segment that reads as a row id: digits, a UUID, or 8 to 64 letters and
    /// digits with at least one of each (not an API version).
    static bool isIdLike(QStringView segment);
    /// A value short and plain enough to be a key (no spaces, at most 128 characters).
    static bool isKeyValue(QStringView value);

private:
    /// The elements of the list whose '[' is at `open` in `text`, as arguments.
    static void fromArguments(const QString &text, qsizetype open, QList<LogKey> &keys);
    /// Per parameter number: the table tag of the column it is compared with or stored in.
    QHash<int, QString> parameterTables(const QString &statement) const;

    mutable QHash<QString, QHash<int, QString>> m_statements;
};

} // namespace salvage
