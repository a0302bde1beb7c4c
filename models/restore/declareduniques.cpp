#include "restore/declareduniques.h"

#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/schema.h"
#include "db/sqlident.h"
#include "restore/declarations.h"

#include <algorithm>

namespace salvage::DeclaredUniques {

namespace {

/// The column an expression names when it is a plain column (bare or quoted), else empty.
QString plainColumn(const Table &table, const QString &expression)
{
    const QStringList parts = sql::splitQualifiedName(expression.trimmed());
    if (parts.size() != 1)
        return {};
    if (table.column(parts.first()))
        return parts.first();
    // Unquoted names fold to lower case, as PostgreSQL reads them.
    const bool quoted = expression.trimmed().startsWith(QLatin1Char('"'));
    return !quoted && table.column(parts.first().toLower()) ? parts.first().toLower() : QString();
}

} // namespace

void adopt(Schema &schema, const QList<DeclaredUnique> &uniques, PgSession &session)
{
    const PgRaw raw(session.handle(), session.where());
    for (const DeclaredUnique &unique : uniques) {
        const QString declaration = Declarations::text(unique);
        const Table &found = Declarations::tableOf(schema, unique.table, declaration);
        QStringList selected;
        for (const QString &expression : unique.expressions)
            selected << QStringLiteral("(%1)").arg(expression);
        Declarations::checkByServer(raw,
            QStringLiteral("SELECT %1 FROM %2 LIMIT 0").arg(selected.join(QStringLiteral(", ")), found.sqlName()),
            declaration);
        const auto table = std::find_if(schema.tables.begin(), schema.tables.end(),
            [&found](const Table &each) { return each.oid == found.oid && each.name == found.name; });
        UniqueKey key;
        key.name = QStringLiteral("declared: (%1)").arg(unique.expressions.join(QStringLiteral(", ")));
        key.elements = unique.expressions;
        for (const QString &expression : unique.expressions) {
            key.columns << plainColumn(*table, expression);
            key.hasExpressions = key.hasExpressions || key.columns.last().isEmpty();
        }
        key.definition = declaration;
        table->uniqueKeys.append(key);
    }
}

} // namespace salvage::DeclaredUniques
