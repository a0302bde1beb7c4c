#include "restore/exclusionconflicts.h"

#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"
#include "restore/stagingcolumns.h"

namespace salvage {

ExclusionConflicts::ExclusionConflicts(const PgRaw &session)
    : m_session(session)
{
}

QString ExclusionConflicts::reasonPrefix()
{
    return QStringLiteral("exclusion constraint ");
}

bool ExclusionConflicts::explains(const QString &reason)
{
    return reason.startsWith(reasonPrefix());
}

QString ExclusionConflicts::conflict(const ExclusionConstraint &constraint)
{
    QStringList terms;
    for (qsizetype i = 0; i < constraint.elements.size(); ++i) {
        const QString name = QStringLiteral("\"_salvage_e%1\"").arg(i);
        terms << QStringLiteral("a.") + name + QLatin1Char(' ') + constraint.operators.at(i) + QStringLiteral(" b.")
                + name;
    }
    return terms.join(QStringLiteral(" AND "));
}

qint64 ExclusionConflicts::markSkipped(const Table &table, const QString &staging, const QString &liveRows) const
{
    const QStringList &pk = table.primaryKey;
    if (pk.isEmpty())
        return 0;
    qint64 marked = 0;
    const QString undecided = QStringLiteral("%1 IS NULL").arg(StagingColumn::action());
    for (const ExclusionConstraint &constraint : table.exclusions) {
        const QString predicate
            = constraint.predicate.isEmpty() ? QString() : QStringLiteral(" AND (%1)").arg(constraint.predicate);
        QStringList keyAliases;
        QStringList keyMatch;
        for (qsizetype i = 0; i < pk.size(); ++i) {
            const QString alias = QStringLiteral("\"_salvage_k%1\"").arg(i);
            keyAliases << QStringLiteral("a.") + sql::quoteIdent(pk.at(i)) + QStringLiteral(" AS ") + alias;
            keyMatch << QStringLiteral("s.") + sql::quoteIdent(pk.at(i)) + QStringLiteral(" = c.") + alias;
        }
        // One live row per backup row is named (the first by key); the backup row is skipped whatever the policy:
        // a unique key's row can be taken over or merged, an overlapping booking cannot.
        // Built by concatenation: identifiers and expressions may hold "%1", which QString::arg would take.
        const QString a = QStringLiteral("a");
        const QString b = QStringLiteral("b");
        const QString sql = QStringLiteral("UPDATE ") + staging + QStringLiteral(" s SET ")
            + rowActionIs(QString(), RowAction::Skipped) + QStringLiteral(", ") + StagingColumn::reason()
            + QStringLiteral(" = concat_ws('; ', s.") + StagingColumn::reason()
            + QStringLiteral(", $1 || c.\"_salvage_lkey\") FROM (SELECT DISTINCT ON (") + RestoreSql::prefixed(a, pk)
            + QStringLiteral(") ") + keyAliases.join(QStringLiteral(", ")) + QStringLiteral(", ")
            + RestoreSql::keyText(b, pk) + QStringLiteral(" AS \"_salvage_lkey\" FROM (SELECT ")
            + sql::quoteIdentList(pk) + QStringLiteral(", ") + RestoreSql::keyElements(constraint.elements)
            + QStringLiteral(" FROM ") + staging + QStringLiteral(" x WHERE ") + undecided + predicate
            + QStringLiteral(") a JOIN (SELECT ") + sql::quoteIdentList(pk) + QStringLiteral(", ")
            + RestoreSql::keyElements(constraint.elements) + QStringLiteral(" FROM ") + liveRows
            + QStringLiteral(" x WHERE true") + predicate + QStringLiteral(") b ON ") + conflict(constraint)
            + QStringLiteral(" ORDER BY ") + RestoreSql::prefixed(a, pk) + QStringLiteral(", ")
            + RestoreSql::prefixed(b, pk) + QStringLiteral(") c WHERE ") + keyMatch.join(QStringLiteral(" AND "))
            + QStringLiteral(" AND s.") + undecided;
        marked += PgRaw::affected(m_session.exec(
            sql, { reasonPrefix() + constraint.name + QStringLiteral(" forbids it next to newer live row ") }));
    }
    return marked;
}

} // namespace salvage
