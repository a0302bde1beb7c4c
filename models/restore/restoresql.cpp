#include "restore/restoresql.h"

#include "core/error.h"
#include "db/pgraw.h"
#include "db/schema.h"
#include "db/sqlident.h"

namespace salvage {

QString RestoreSql::equal(
    const QString &left, const QStringList &leftColumns, const QString &right, const QStringList &rightColumns)
{
    QStringList parts;
    for (qsizetype i = 0; i < leftColumns.size(); ++i)
        parts << QStringLiteral("%1.%2 = %3.%4")
                     .arg(left, sql::quoteIdent(leftColumns.at(i)), right, sql::quoteIdent(rightColumns.at(i)));
    return parts.join(QStringLiteral(" AND "));
}

bool RestoreSql::comparable(const UniqueKey &key)
{
    return key.valid && !key.elements.isEmpty() && !key.elements.contains(QString());
}

QString RestoreSql::keyElements(const UniqueKey &key)
{
    return keyElements(key.elements);
}

QString RestoreSql::keyElements(const QStringList &elements)
{
    // Concatenated, not arg()-ed: an expression may hold "%1".
    QStringList named;
    for (qsizetype i = 0; i < elements.size(); ++i)
        named << QLatin1Char('(') + elements.at(i) + QStringLiteral(") AS \"_salvage_e%1\"").arg(i);
    return named.join(QStringLiteral(", "));
}

QString RestoreSql::keyElementsMatch(const UniqueKey &key)
{
    QStringList match;
    for (qsizetype i = 0; i < key.elements.size(); ++i)
        match << (key.nullsNotDistinct ? QStringLiteral("a.\"_salvage_e%1\" IS NOT DISTINCT FROM b.\"_salvage_e%1\"")
                                       : QStringLiteral("a.\"_salvage_e%1\" = b.\"_salvage_e%1\""))
                     .arg(i);
    return match.join(QStringLiteral(" AND "));
}

QString RestoreSql::keyPredicate(const UniqueKey &key)
{
    return key.partial ? QStringLiteral(" AND (%1)").arg(key.predicate) : QString();
}

QString RestoreSql::prefixed(const QString &alias, const QStringList &columns)
{
    QStringList parts;
    for (const QString &column : columns)
        parts << alias + QLatin1Char('.') + sql::quoteIdent(column);
    return parts.join(QStringLiteral(", "));
}

QString RestoreSql::notNull(const QString &alias, const QStringList &columns)
{
    QStringList parts;
    for (const QString &column : columns)
        parts << QStringLiteral("%1.%2 IS NOT NULL").arg(alias, sql::quoteIdent(column));
    return parts.join(QStringLiteral(" AND "));
}

QString RestoreSql::keyText(const QString &alias, const QStringList &columns)
{
    QStringList parts;
    for (const QString &column : columns)
        parts << QStringLiteral("%1.%2::text").arg(alias, sql::quoteIdent(column));
    return QStringLiteral("concat_ws(',', %1)").arg(parts.join(QStringLiteral(", ")));
}

void RestoreSql::widenTempBuffers(const PgRaw &session)
{
    try {
        session.exec(QStringLiteral("SET temp_buffers = '512MB'"));
    } catch (const Error &) {
    }
}

} // namespace salvage
