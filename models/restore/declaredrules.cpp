#include "restore/declaredrules.h"

#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/schema.h"
#include "db/sqlident.h"
#include "restore/declarations.h"

namespace salvage::DeclaredRules {

namespace {

bool names(const Table &table, const QString &declared)
{
    if (declared == table.qualifiedName() || declared == table.name)
        return true;
    const QStringList parts = sql::splitQualifiedName(declared);
    return parts == QStringList { table.schema, table.name } || parts == QStringList { table.name };
}

} // namespace

QString conditionFor(const Table &table, const QList<DeclaredRule> &rules)
{
    QStringList conditions;
    for (const DeclaredRule &rule : rules)
        if (names(table, rule.table))
            conditions << QStringLiteral("(%1)").arg(rule.condition);
    return conditions.join(QStringLiteral(" AND "));
}

void check(const Schema &schema, const QList<DeclaredRule> &rules, PgSession &session)
{
    const PgRaw raw(session.handle(), session.where());
    for (const DeclaredRule &rule : rules) {
        const QString declaration = Declarations::text(rule);
        const Table &table = Declarations::tableOf(schema, rule.table, declaration);
        // WHERE wants a boolean: a condition of another type is refused by the server itself.
        Declarations::checkByServer(raw,
            QStringLiteral("SELECT 1 FROM %1 WHERE (%2) LIMIT 0").arg(table.sqlName(), rule.condition), declaration);
    }
}

} // namespace salvage::DeclaredRules
