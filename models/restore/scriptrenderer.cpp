#include "restore/scriptrenderer.h"

#include "db/sqlident.h"
#include "restore/restoreplan.h"
#include "restore/restoresql.h"

namespace salvage {

namespace {

const QString kAction = QStringLiteral("s.\"_salvage_action\"");

QString pairs(const QString &left, const QStringList &leftColumns, const QString &right, const QStringList &rightColumns,
              const QString &separator = QStringLiteral(" AND "))
{
    QStringList parts;
    for (qsizetype i = 0; i < leftColumns.size(); ++i)
        parts << QStringLiteral("%1%2 = %3.%4").arg(left.isEmpty() ? QString() : left + QLatin1Char('.'),
                                                    sql::quoteIdent(leftColumns.at(i)), right, sql::quoteIdent(rightColumns.at(i)));
    return parts.join(separator);
}


QString comment(const QString &text)
{
    QString single = text;
    single.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return QStringLiteral("-- ") + single + QLatin1Char('\n');
}

} // namespace

QString ScriptRenderer::statement(const PlanStep &step)
{
    const QString staging = sql::quoteIdent(step.stagingName);
    switch (step.kind) {
    case PlanStep::Kind::Recreate: {
        QStringList ctes;
        for (const PlanChildRef &child : step.children)
            ctes << QStringLiteral("\"_salvage_c%1\" AS (UPDATE %2 c SET %3 = s.%4 FROM %5 s WHERE %6 = 'recreate' AND c.%3 = s.\"_salvage_live\" RETURNING 1)")
                        .arg(ctes.size() + 1)
                        .arg(child.tableSql, sql::quoteIdent(child.column), sql::quoteIdent(step.primaryKey.first()), staging, kAction);
        if (step.overridingSystemValue) {
            // An UPDATE cannot write a GENERATED ALWAYS column: the recreated row is deleted and the
            // original inserted by the same statement (the insert reads the delete first, so the
            // unique keys they share are free). Its rows are re-pointed by that statement too, so
            // the delete's ON DELETE actions, run at its end, find none of them.
            ctes << QStringLiteral("\"_salvage_gone\" AS (DELETE FROM %1 t USING %2 s WHERE %3 = 'recreate' AND t.%4 = s.\"_salvage_live\" RETURNING 1)")
                        .arg(step.tableSql, staging, kAction, sql::quoteIdent(step.primaryKey.first()));
            return QStringLiteral("WITH ") + ctes.join(QStringLiteral(",\n     "))
                + QStringLiteral("\nINSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE\nSELECT %3 FROM %4 s WHERE %5 = 'recreate' "
                                 "AND (SELECT count(*) FROM \"_salvage_gone\") >= 0;")
                      .arg(step.tableSql, sql::quoteIdentList(step.columns), RestoreSql::prefixed(QStringLiteral("s"), step.columns),
                           staging, kAction);
        }
        const QString with = ctes.isEmpty() ? QString() : QStringLiteral("WITH ") + ctes.join(QStringLiteral(",\n     ")) + QLatin1Char('\n');
        return with + QStringLiteral("UPDATE %1 t SET %2\nFROM %3 s WHERE %4 = 'recreate' AND t.%5 = s.\"_salvage_live\";")
                          .arg(step.tableSql, pairs(QString(), step.columns, QStringLiteral("s"), step.columns, QStringLiteral(", ")),
                               staging, kAction, sql::quoteIdent(step.primaryKey.first()));
    }
    case PlanStep::Kind::Insert: {
        QStringList values;
        for (const QString &column : step.columns)
            values << (step.nullColumns.contains(column) ? QStringLiteral("NULL") : QStringLiteral("s.") + sql::quoteIdent(column));
        return QStringLiteral("INSERT INTO %1 (%2)%3\nSELECT %4 FROM %5 s WHERE %6 = 'insert' ORDER BY %7\nON CONFLICT DO NOTHING;")
            .arg(step.tableSql, sql::quoteIdentList(step.columns),
                 step.overridingSystemValue ? QStringLiteral(" OVERRIDING SYSTEM VALUE") : QString(), values.join(QStringLiteral(", ")),
                 staging, kAction, RestoreSql::prefixed(QStringLiteral("s"), step.primaryKey));
    }
    case PlanStep::Kind::RestoreForeignKey: {
        QStringList notNull;
        for (const QString &column : step.fkColumns)
            notNull << QStringLiteral("s.%1 IS NOT NULL").arg(sql::quoteIdent(column));
        return QStringLiteral("UPDATE %1 t SET %2\nFROM %3 s WHERE %4 IN ('insert', 'repoint') AND %5\n"
                              "  AND (%6) IS DISTINCT FROM (%7) AND %8\n  AND EXISTS (SELECT 1 FROM %9 p WHERE %10);")
            .arg(step.tableSql, pairs(QString(), step.fkColumns, QStringLiteral("s"), step.fkColumns, QStringLiteral(", ")), staging,
                 kAction, pairs(QStringLiteral("t"), step.primaryKey, QStringLiteral("s"), step.primaryKey),
                 RestoreSql::prefixed(QStringLiteral("t"), step.fkColumns), RestoreSql::prefixed(QStringLiteral("s"), step.fkColumns),
                 notNull.join(QStringLiteral(" AND ")), step.parentSql)
            .arg(pairs(QStringLiteral("p"), step.parentColumns, QStringLiteral("s"), step.fkColumns));
    }
    case PlanStep::Kind::AdvanceSequence:
        return QStringLiteral("SELECT setval(%1, x.m) FROM (SELECT max(%2) AS m FROM %3) x, %4 q WHERE x.m > q.last_value;")
            .arg(sql::quoteLiteral(step.sequenceSql), sql::quoteIdent(step.column), step.tableSql, step.sequenceSql);
    }
    return {};
}

QByteArray ScriptRenderer::render(const RestorePlan &plan, int lockTimeoutSeconds)
{
    QString head;
    head += comment(QStringLiteral("Salvage restore script: BACKUP %1 -> LIVE %2").arg(plan.backupDatabase, plan.liveDatabase));
    for (const QString &root : plan.roots)
        head += comment(QStringLiteral("root: %1").arg(root));
    head += comment(QStringLiteral("Run it with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (one transaction; any error rolls everything back)."));
    head += comment(QStringLiteral("Statements: %1; rows to write: %2; collisions: %3; not restored: %4; deleted since the backup: %5")
                        .arg(plan.steps.size()).arg(plan.rowsToWrite()).arg(plan.collisions.size()).arg(plan.unrestorable.size())
                        .arg(plan.deletedSince.size()));
    for (const QString &warning : plan.warnings)
        head += comment(QStringLiteral("warning: %1").arg(warning));
    head += QStringLiteral("BEGIN;\nSET LOCAL lock_timeout = '%1s';\n\n").arg(lockTimeoutSeconds);

    QByteArray out = head.toUtf8();
    for (const PlanStaging &staging : plan.staging) {
        QStringList definitions;
        for (qsizetype i = 0; i < staging.columns.size(); ++i)
            definitions << sql::quoteIdent(staging.columns.at(i)) + QLatin1Char(' ') + staging.types.value(i, QStringLiteral("text"));
        const QString name = sql::quoteIdent(staging.stagingName);
        out += comment(QStringLiteral("staging: %1 backup rows of %2").arg(staging.rows).arg(staging.table)).toUtf8();
        out += QStringLiteral("CREATE TEMP TABLE %1 (%2) ON COMMIT DROP;\n").arg(name, definitions.join(QStringLiteral(", "))).toUtf8();
        out += QStringLiteral("COPY %1 (%2) FROM STDIN;\n").arg(name, sql::quoteIdentList(staging.columns)).toUtf8();
        out += staging.data;
        out += "\\.\n";
        out += QStringLiteral("CREATE INDEX ON %1 (\"_salvage_action\");\nANALYZE %1;\n\n").arg(name).toUtf8();
    }
    for (const PlanStep &step : plan.steps) {
        out += comment(step.description).toUtf8();
        out += comment(QStringLiteral("expected rows: %1").arg(step.expectedRows)).toUtf8();
        out += statement(step).toUtf8() + "\n\n";
    }
    out += "COMMIT;\n";
    return out;
}

} // namespace salvage
