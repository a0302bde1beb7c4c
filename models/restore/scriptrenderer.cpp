#include "restore/scriptrenderer.h"

#include "db/arrayliteral.h"
#include "db/sqlident.h"
#include "restore/movedkeys.h"
#include "restore/restoreplan.h"
#include "restore/restoresql.h"

#include <QHash>

#include <algorithm>

namespace salvage {

namespace {

/// `s."_salvage_action" = 'insert'`: the staged rows a statement acts on.
QString stagedAs(RowAction action)
{
    return rowActionIs(QStringLiteral("s"), action);
}

QString pairs(const QString &left, const QStringList &leftColumns, const QString &right,
    const QStringList &rightColumns, const QString &separator = QStringLiteral(" AND "))
{
    QStringList parts;
    for (qsizetype i = 0; i < leftColumns.size(); ++i)
        parts << QStringLiteral("%1%2 = %3.%4")
                     .arg(left.isEmpty() ? QString() : left + QLatin1Char('.'), sql::quoteIdent(leftColumns.at(i)),
                         right, sql::quoteIdent(rightColumns.at(i)));
    return parts.join(separator);
}

/// The value a row-writing step writes into `column`: the staged one, or NULL until a later UPDATE.
QString written(const PlanStep &step, const QString &column)
{
    return step.nullColumns.contains(column) ? QStringLiteral("NULL") : QStringLiteral("s.") + sql::quoteIdent(column);
}

/// One comment line; names and values in `text` cannot end it (sql::commentText).
QString comment(const QString &text)
{
    return QStringLiteral("-- ") + sql::commentText(text) + QLatin1Char('\n');
}

/// The values a row-writing step writes, in `columns` order.
QString writtenValues(const PlanStep &step)
{
    QStringList values;
    for (const QString &column : step.columns)
        values << written(step, column);
    return values.join(QStringLiteral(", "));
}

/// The part of a recreate's statement that deletes the live rows it replaces (GENERATED ALWAYS columns).
QString goneName(const PlanStep &step)
{
    return sql::quoteIdent(step.stagingName + QStringLiteral("_gone"));
}

/// Data-modifying parts a step needs in its own statement, as (name, body): a recreate re-points
/// the rows of the live row it replaces. An empty name is the caller's to give.
QList<QPair<QString, QString>> withParts(const PlanStep &step)
{
    QList<QPair<QString, QString>> parts;
    if (step.kind != PlanStep::Kind::Recreate)
        return parts;
    const QString staging = sql::quoteIdent(step.stagingName);
    for (const PlanChildRef &child : step.children)
        parts.append({ QString(),
            QStringLiteral("UPDATE %1 c SET %2 = s.%3 FROM %4 s WHERE %5 AND c.%2 = s.\"_salvage_live\" RETURNING 1")
                .arg(child.tableSql, sql::quoteIdent(child.column), sql::quoteIdent(step.primaryKey.first()), staging,
                    stagedAs(RowAction::Recreate)) });
    // An UPDATE cannot write a GENERATED ALWAYS column: the recreated row is deleted and the
    // original inserted by the same statement (the insert reads the delete first, so the unique
    // keys they share are free). Its rows are re-pointed by that statement too, so the delete's
    // ON DELETE actions, run at its end, find none of them.
    if (step.overridingSystemValue)
        parts.append({ goneName(step),
            QStringLiteral("DELETE FROM %1 t USING %2 s WHERE %3 AND t.%4 = s.\"_salvage_live\" RETURNING 1")
                .arg(
                    step.tableSql, staging, stagedAs(RowAction::Recreate), sql::quoteIdent(step.primaryKey.first())) });
    return parts;
}

/// Appends `parts` to a WITH list; a part without a name becomes "PREFIXn", n counting the list.
void nameParts(QStringList &named, const QList<QPair<QString, QString>> &parts, const QString &prefix)
{
    for (const auto &[name, body] : parts)
        named << QStringLiteral("%1 AS (%2)")
                     .arg(name.isEmpty() ? QStringLiteral("\"%1%2\"").arg(prefix).arg(named.size() + 1) : name, body);
}

QString withClause(const QStringList &named)
{
    return named.isEmpty() ? QString()
                           : QStringLiteral("WITH ") + named.join(QStringLiteral(",\n     ")) + QLatin1Char('\n');
}

/// The step's own statement, without its WITH parts and its semicolon.
QString mainStatement(const PlanStep &step)
{
    const QString staging = sql::quoteIdent(step.stagingName);
    switch (step.kind) {
    case PlanStep::Kind::Recreate: {
        if (step.overridingSystemValue)
            return QStringLiteral("INSERT INTO %1 (%2) OVERRIDING SYSTEM VALUE\nSELECT %3 FROM %4 s WHERE %5 "
                                  "AND (SELECT count(*) FROM %6) >= 0")
                .arg(step.tableSql, sql::quoteIdentList(step.columns), writtenValues(step), staging,
                    stagedAs(RowAction::Recreate), goneName(step));
        QStringList assignments;
        for (const QString &column : step.columns)
            assignments << QStringLiteral("%1 = %2").arg(sql::quoteIdent(column), written(step, column));
        return QStringLiteral("UPDATE %1 t SET %2\nFROM %3 s WHERE %4 AND t.%5 = s.\"_salvage_live\"")
            .arg(step.tableSql, assignments.join(QStringLiteral(", ")), staging, stagedAs(RowAction::Recreate),
                sql::quoteIdent(step.primaryKey.first()));
    }
    case PlanStep::Kind::Insert: {
        return QStringLiteral("INSERT INTO %1 (%2)%3\nSELECT %4 FROM %5 s WHERE %6 ORDER BY %7\nON CONFLICT DO NOTHING")
            .arg(step.tableSql, sql::quoteIdentList(step.columns),
                step.overridingSystemValue ? QStringLiteral(" OVERRIDING SYSTEM VALUE") : QString(),
                writtenValues(step), staging, stagedAs(RowAction::Insert),
                RestoreSql::prefixed(QStringLiteral("s"), step.primaryKey));
    }
    case PlanStep::Kind::RestoreForeignKey: {
        QStringList notNull;
        for (const QString &column : step.fkColumns)
            notNull << QStringLiteral("s.%1 IS NOT NULL").arg(sql::quoteIdent(column));
        return QStringLiteral("UPDATE %1 t SET %2\nFROM %3 s WHERE %4 AND %5\n"
                              "  AND (%6) IS DISTINCT FROM (%7) AND %8\n  AND EXISTS (SELECT 1 FROM %9 p WHERE %10)")
            .arg(step.tableSql,
                pairs(QString(), step.fkColumns, QStringLiteral("s"), step.fkColumns, QStringLiteral(", ")), staging,
                rowActionIn(QStringLiteral("s"), { RowAction::Insert, RowAction::Recreate, RowAction::Repoint }),
                pairs(QStringLiteral("t"), step.primaryKey, QStringLiteral("s"), step.primaryKey),
                RestoreSql::prefixed(QStringLiteral("t"), step.fkColumns),
                RestoreSql::prefixed(QStringLiteral("s"), step.fkColumns), notNull.join(QStringLiteral(" AND ")),
                step.parentSql)
            .arg(pairs(QStringLiteral("p"), step.parentColumns, QStringLiteral("s"), step.fkColumns));
    }
    case PlanStep::Kind::Rekey: {
        const QStringList liveKey = MovedKeys::liveKeyColumns(step.primaryKey);
        return QStringLiteral("UPDATE %1 t SET %2\nFROM %3 s WHERE %4 AND %5")
            .arg(step.tableSql,
                pairs(QString(), step.fkColumns, QStringLiteral("s"), step.fkColumns, QStringLiteral(", ")), staging,
                stagedAs(RowAction::Rekey), pairs(QStringLiteral("t"), step.primaryKey, QStringLiteral("s"), liveKey));
    }
    case PlanStep::Kind::AdvanceSequence:
        return QStringLiteral(
            "SELECT setval(%1, x.m) FROM (SELECT max(%2) AS m FROM %3) x, %4 q WHERE x.m > q.last_value")
            .arg(sql::quoteLiteral(step.sequenceSql), sql::quoteIdent(step.column), step.tableSql, step.sequenceSql);
    case PlanStep::Kind::CheckUnchanged: {
        const QString digest = QStringLiteral("md5(ROW(%1)::text) = s.\"_salvage_seen\"")
                                   .arg(RestoreSql::prefixed(QStringLiteral("t"), step.columns));
        const QString row = QStringLiteral("SELECT 1 FROM %1 t WHERE %2").arg(step.tableSql);
        QStringList changed;
        changed << QStringLiteral("(%1 AND NOT EXISTS (%2 AND %3))")
                       .arg(stagedAs(RowAction::Repoint),
                           row.arg(pairs(QStringLiteral("t"), step.primaryKey, QStringLiteral("s"), step.primaryKey)),
                           digest)
                << QStringLiteral("(%1 AND EXISTS (%2))")
                       .arg(stagedAs(RowAction::Insert),
                           row.arg(pairs(QStringLiteral("t"), step.primaryKey, QStringLiteral("s"), step.primaryKey)));
        if (!step.fkColumns.isEmpty())
            changed << QStringLiteral("(%1 AND NOT EXISTS (%2 AND %3))")
                           .arg(stagedAs(RowAction::Rekey),
                               row.arg(
                                   pairs(QStringLiteral("t"), step.primaryKey, QStringLiteral("s"), step.fkColumns)),
                               digest);
        if (step.primaryKey.size() == 1)
            changed << QStringLiteral("(%1 AND NOT EXISTS (%2 AND %3))")
                           .arg(stagedAs(RowAction::Recreate),
                               row.arg(QStringLiteral("t.%1 = s.\"_salvage_live\"")
                                           .arg(sql::quoteIdent(step.primaryKey.first()))),
                               digest);
        const QString body = QStringLiteral("\nDECLARE\n  changed text;\nBEGIN\n"
                                            "  SELECT string_agg(k, '; ') INTO changed FROM (SELECT %1 AS k FROM %2 "
                                            "s\n    WHERE %3\n    ORDER BY 1 LIMIT 20) x;\n"
                                            "  IF changed IS NOT NULL THEN\n"
                                            "    RAISE EXCEPTION 'LIVE changed since the plan was made: % (backup keys "
                                            "%) no longer hold what the plan saw, "
                                            "nothing was written; plan again', %4, changed;\n"
                                            "  END IF;\nEND ")
                                 .arg(RestoreSql::keyText(QStringLiteral("s"), step.primaryKey), staging,
                                     changed.join(QStringLiteral("\n       OR ")), sql::quoteLiteral(step.table));
        // A dollar quote whose tag the body (names included) does not hold.
        QString tag = QStringLiteral("$$");
        for (int i = 1; body.contains(tag); ++i)
            tag = QStringLiteral("$salvage%1$").arg(i);
        return QStringLiteral("DO ") + tag + body + tag;
    }
    case PlanStep::Kind::RecomputeCounter: {
        const QString count
            = QStringLiteral("(SELECT count(*) FROM %1 c WHERE c.%2 = h.%3)")
                  .arg(step.countedSql, sql::quoteIdent(step.countedColumn), sql::quoteIdent(step.fkColumns.first()));
        QStringList touched;
        for (const PlanChildRef &source : step.touchedFrom)
            touched << QStringLiteral("SELECT s.%1 FROM %2 s").arg(sql::quoteIdent(source.column), source.tableSql);
        if (!step.touchedKeys.isEmpty())
            touched << QStringLiteral("SELECT unnest(%1::%2[])")
                           .arg(sql::quoteLiteral(arrayLiteral(step.touchedKeys)), step.keyType);
        return QStringLiteral("UPDATE %1 h SET %2 = %3\nWHERE h.%4 IN (%5)\n  AND h.%2 IS DISTINCT FROM %3")
            .arg(step.tableSql, sql::quoteIdent(step.column), count, sql::quoteIdent(step.fkColumns.first()),
                touched.join(QStringLiteral(" UNION ")));
    }
    case PlanStep::Kind::SetConstraints:
        return QStringLiteral("SET CONSTRAINTS %1 %2")
            .arg(step.constraints.join(QStringLiteral(", ")),
                step.deferred ? QStringLiteral("DEFERRED") : QStringLiteral("IMMEDIATE"));
    }
    return {};
}

} // namespace

QString ScriptRenderer::statement(const PlanStep &step)
{
    QStringList named;
    nameParts(named, withParts(step), QStringLiteral("_salvage_c"));
    return withClause(named) + mainStatement(step) + QLatin1Char(';');
}

QByteArray ScriptRenderer::render(const RestorePlan &plan, int lockTimeoutSeconds)
{
    QString head;
    head += comment(
        QStringLiteral("Salvage restore script: BACKUP %1 -> LIVE %2").arg(plan.backupDatabase, plan.liveDatabase));
    for (const QString &root : plan.roots)
        head += comment(QStringLiteral("root: %1").arg(root));
    head += comment(QStringLiteral(
        "Run it with: psql -v ON_ERROR_STOP=1 -f THIS_FILE (one transaction; any error rolls everything back)."));
    head += comment(QStringLiteral(
        "Statements: %1; rows to write: %2; collisions: %3; not restored: %4; deleted since the backup: %5")
                        .arg(plan.steps.size())
                        .arg(plan.rowsToWrite())
                        .arg(plan.collisions.size())
                        .arg(plan.unrestorable.size())
                        .arg(plan.deletedSince.size()));
    for (const QString &warning : plan.warnings)
        head += comment(QStringLiteral("warning: %1").arg(warning));
    for (auto it = plan.identities.constBegin(); it != plan.identities.constEnd(); ++it) {
        const QString line = QStringLiteral("%1 %2 (%3)")
                                 .arg(ScriptRenderer::identityMark(), it.key(), sql::quoteIdentList(it.value()));
        // A name holding a line break cannot be said in a comment: its undo then refuses the table.
        if (std::none_of(line.cbegin(), line.cend(), [](QChar c) {
                return c.category() == QChar::Other_Control || c == QChar(0x2028) || c == QChar(0x2029);
            }))
            head += line + QLatin1Char('\n');
    }
    // Every name below is schema-qualified, and values are compared as text the way the plan saw
    // them: the script pins what would otherwise depend on the session that runs it. pg_catalog
    // comes first, so no function or operator the script calls can be shadowed; the session's own
    // search path follows it, because the application's triggers, which the writes fire, name
    // their tables and functions through it.
    head += QStringLiteral(
        "BEGIN;\nSET LOCAL lock_timeout = '%1s';\n"
        "SELECT pg_catalog.set_config('search_path', pg_catalog.concat_ws(', ', 'pg_catalog', "
        "NULLIF(NULLIF(pg_catalog.current_setting('search_path'), ''), '\"\"')), true);\n"
        "SET LOCAL TimeZone = 'UTC';\nSET LOCAL DateStyle = 'ISO, YMD';\nSET LOCAL IntervalStyle = 'iso_8601';\n"
        "SET LOCAL extra_float_digits = 3;\nSET LOCAL bytea_output = 'hex';\n\n")
                .arg(lockTimeoutSeconds);

    QByteArray out = head.toUtf8();
    QHash<QString, const PlanStaging *> direct; // by staging name: COPYed in place of its Insert step
    for (const PlanStaging &staging : plan.staging) {
        if (staging.direct) {
            direct.insert(staging.stagingName, &staging);
            continue;
        }
        QStringList definitions;
        for (qsizetype i = 0; i < staging.columns.size(); ++i)
            definitions << sql::quoteIdent(staging.columns.at(i)) + QLatin1Char(' ')
                    + staging.types.value(i, QStringLiteral("text"));
        const QString name = sql::quoteIdent(staging.stagingName);
        out += comment(QStringLiteral("staging: %1 backup rows of %2").arg(staging.rows).arg(staging.table)).toUtf8();
        out += QStringLiteral("CREATE TEMP TABLE %1 (%2) ON COMMIT DROP;\n")
                   .arg(name, definitions.join(QStringLiteral(", ")))
                   .toUtf8();
        out += QStringLiteral("COPY %1 (%2) FROM STDIN;\n").arg(name, sql::quoteIdentList(staging.columns)).toUtf8();
        out += staging.data;
        out += "\\.\n";
        out += QStringLiteral("CREATE INDEX ON %1 (%2);\nANALYZE %1;\n\n").arg(name, rowActionColumn()).toUtf8();
    }
    // Steps marked withNext become data-modifying WITH parts of the next one: one statement.
    QStringList with;
    for (qsizetype i = 0; i < plan.steps.size(); ++i) {
        const PlanStep &step = plan.steps.at(i);
        if (step.withNext && with.isEmpty()) {
            QStringList tables;
            for (qsizetype j = i; j < plan.steps.size() && (j == i || plan.steps.at(j - 1).withNext); ++j)
                if (!tables.contains(plan.steps.at(j).table))
                    tables << plan.steps.at(j).table;
            out += comment(
                QStringLiteral(
                    "one statement for %1: PostgreSQL checks the NOT NULL foreign keys between them at its end "
                    "(they cannot be deferred); its row count is that of its last part")
                    .arg(tables.join(QStringLiteral(", "))))
                       .toUtf8();
        }
        out += comment(step.description).toUtf8();
        if (step.withNext || !with.isEmpty())
            nameParts(with, withParts(step), QStringLiteral("_salvage_w"));
        if (step.withNext) {
            out += comment(QStringLiteral("rows: %1, written by the statement below").arg(step.expectedRows)).toUtf8();
            nameParts(with, { { QString(), mainStatement(step) } }, QStringLiteral("_salvage_w"));
            continue;
        }
        if (step.expectedRows >= 0)
            out += comment(QStringLiteral("expected rows: %1").arg(step.expectedRows)).toUtf8();
        if (const PlanStaging *data = direct.value(step.stagingName);
            data && step.kind == PlanStep::Kind::Insert && with.isEmpty()) {
            out += comment(QStringLiteral("straight into the table: a key LIVE gained since the plan fails the COPY, "
                                          "and nothing is written"))
                       .toUtf8();
            out += QStringLiteral("COPY %1 (%2) FROM STDIN;\n")
                       .arg(step.tableSql, sql::quoteIdentList(data->columns))
                       .toUtf8();
            out += data->data;
            out += "\\.\n\n";
            continue;
        }
        out += (with.isEmpty() ? statement(step) : withClause(with) + mainStatement(step) + QLatin1Char(';')).toUtf8()
            + "\n\n";
        with.clear();
    }
    out += "COMMIT;\n";
    return out;
}

} // namespace salvage
