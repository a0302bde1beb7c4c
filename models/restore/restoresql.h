#pragma once

#include <QString>
#include <QStringList>

namespace salvage {

class PgRaw;
struct UniqueKey;

/// Small SQL fragments the restore classes build over lists of quoted columns.
class RestoreSql
{
public:
    /// "l.a = r.x AND l.b = r.y" (pairs leftColumns[i] with rightColumns[i]).
    static QString equal(
        const QString &left, const QStringList &leftColumns, const QString &right, const QStringList &rightColumns);
    static QString equal(const QString &left, const QString &right, const QStringList &columns)
    {
        return equal(left, columns, right, columns);
    }
    /// "a.x, a.y"
    static QString prefixed(const QString &alias, const QStringList &columns);
    /// "a.x IS NOT NULL AND a.y IS NOT NULL"
    static QString notNull(const QString &alias, const QStringList &columns);
    /// "concat_ws(',', a.x::text, …)": a key as text, for listings.
    static QString keyText(const QString &alias, const QStringList &columns);
    /// A unique key PostgreSQL can evaluate over any row source with the table's column names.
    static bool comparable(const UniqueKey &key);
    /// "(element) AS "_salvage_e0", …": the key's elements, named.
    static QString keyElements(const UniqueKey &key);
    /// The same for any list of elements (an exclusion constraint's).
    static QString keyElements(const QStringList &elements);
    /// "a."_salvage_e0" = b."_salvage_e0" AND …", NULLs equal when the key says so.
    static QString keyElementsMatch(const UniqueKey &key);
    /// " AND (predicate)" of a partial key, else empty.
    static QString keyPredicate(const UniqueKey &key);
    /// Gives a planning or run session, before its first temporary table, 512 MB of local buffers:
    /// a million-row closure or staging table in the default 8 MB goes through temporary files.
    /// Later it is refused: kept as is.
    static void widenTempBuffers(const PgRaw &session);
};

} // namespace salvage
