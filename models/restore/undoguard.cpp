#include "restore/undoguard.h"

#include "db/sqlident.h"
#include "restore/restoresql.h"

#include <QRegularExpression>

#include <algorithm>

namespace salvage {

namespace {

const QString kConflicts = QStringLiteral("\"_salvage_undo_conflicts\"");
/// How many conflicts the refusal names; the count says how many there are.
constexpr int kListed = 100;
/// How the gate's error begins; refusalIn() reads it back.
const QString kRefused = QStringLiteral("Undo refused, nothing was changed: ");

QString insertedKeys(const Table &table)
{
    return QStringLiteral("pg_temp.\"_salvage_undo_i%1\"").arg(table.oid);
}

/// "public.statuses (id)": how a conflict names the table and what its key lists.
QString label(const Table &table)
{
    const QString key = table.primaryKey.isEmpty() ? QStringLiteral("row") : table.primaryKey.join(QLatin1Char(','));
    return sql::quoteLiteral(QStringLiteral("%1 (%2)").arg(table.qualifiedName(), key));
}

QString conflict(const Table &table, const QString &key, const QString &change, const QString &from)
{
    return QStringLiteral("INSERT INTO %1 (tbl, key, change)\nSELECT %2, %3, %4\n%5;\n")
        .arg(kConflicts, label(table), key, change, from);
}

} // namespace

QString UndoGuard::touchedKeys(const Table &table)
{
    return QStringLiteral("pg_temp.\"_salvage_undo_k%1\"").arg(table.oid);
}

QString UndoGuard::afterImage(const Table &table)
{
    return QStringLiteral("pg_temp.\"_salvage_undo_a%1\"").arg(table.oid);
}

bool UndoGuard::isChanged(const Table &table) const
{
    return std::any_of(m_changed.cbegin(), m_changed.cend(),
        [&table](const Changed &changed) { return changed.table->oid == table.oid; });
}

QString UndoGuard::changedRows(const Table &table) const
{
    // Compared as text, in the undo's own session: both sides print under the same settings, and
    // every type has an output function (not every type has an equality operator).
    QStringList columns;
    for (const Column &column : table.columns)
        columns << QStringLiteral("CASE WHEN t.%1::text IS DISTINCT FROM a.%1::text THEN %2 END")
                       .arg(sql::quoteIdent(column.name), sql::quoteLiteral(column.name));
    const QString first = QStringLiteral("t.") + sql::quoteIdent(table.primaryKey.first());
    return conflict(table, RestoreSql::keyText(QStringLiteral("a"), table.primaryKey),
        QStringLiteral("CASE WHEN %1 IS NULL THEN 'deleted since the run' ELSE 'changed since the run: ' || "
                       "concat_ws(', ', %2) END")
            .arg(first, columns.join(QStringLiteral(", "))),
        QStringLiteral(
            "FROM %1 a LEFT JOIN %2 t ON %3\nWHERE %4 IS NULL OR ROW(t.*)::text IS DISTINCT FROM ROW(a.*)::text")
            .arg(afterImage(table), table.sqlName(),
                RestoreSql::equal(QStringLiteral("t"), QStringLiteral("a"), table.primaryKey), first));
}

QString UndoGuard::takenKeys(const Table &table) const
{
    return conflict(table, RestoreSql::keyText(QStringLiteral("k"), table.primaryKey),
        QStringLiteral("'added since the run under a key the run emptied (the undo puts the deleted row back there)'"),
        QStringLiteral("FROM %1 k JOIN %2 t ON %3\nWHERE NOT EXISTS (SELECT 1 FROM %4 a WHERE %5)")
            .arg(touchedKeys(table), table.sqlName(),
                RestoreSql::equal(QStringLiteral("t"), QStringLiteral("k"), table.primaryKey), afterImage(table),
                RestoreSql::equal(QStringLiteral("a"), QStringLiteral("k"), table.primaryKey)));
}

QString UndoGuard::referencingRows(const Changed &parent, const Table &child, const ForeignKey &key) const
{
    const Table &table = *parent.table;
    // The referenced values that go away with the undo: of rows the run inserted (still there)
    // and of rows whose referenced columns the run updated.
    QStringList atRisk;
    if (parent.inserted)
        atRisk << QStringLiteral("SELECT %1 FROM %2 a WHERE EXISTS (SELECT 1 FROM %3 i WHERE %4)")
                      .arg(RestoreSql::prefixed(QStringLiteral("a"), key.refColumns), afterImage(table),
                          insertedKeys(table),
                          RestoreSql::equal(QStringLiteral("a"), QStringLiteral("i"), table.primaryKey));
    if (parent.updated)
        atRisk << QStringLiteral("SELECT %1 FROM \"_salvage_undo\" u, jsonb_populate_record(NULL::%2, u.old) o, "
                                 "jsonb_populate_record(NULL::%2, u.new) n\n  WHERE u.tbl = %3 AND u.op = 'UPDATE' AND "
                                 "(%4) IS DISTINCT FROM (%5)")
                      .arg(RestoreSql::prefixed(QStringLiteral("n"), key.refColumns), table.sqlName(),
                          QString::number(table.oid), RestoreSql::prefixed(QStringLiteral("o"), key.refColumns),
                          RestoreSql::prefixed(QStringLiteral("n"), key.refColumns));
    if (atRisk.isEmpty())
        return {};
    QString from = QStringLiteral("FROM %1 c\nWHERE (%2) IN (%3)")
                       .arg(child.sqlName(), RestoreSql::prefixed(QStringLiteral("c"), key.columns),
                           atRisk.join(QStringLiteral("\n  UNION ")));
    // A row the run wrote itself (and left as it is, or it is listed above) the undo takes back too.
    if (!child.primaryKey.isEmpty() && isChanged(child))
        from += QStringLiteral("\n  AND NOT EXISTS (SELECT 1 FROM %1 k WHERE %2)")
                    .arg(touchedKeys(child),
                        RestoreSql::equal(QStringLiteral("c"), QStringLiteral("k"), child.primaryKey));
    // Rows of a table without a row identity the run inserted (logged whole) go with the undo too.
    if (child.primaryKey.isEmpty())
        from += QStringLiteral(
            "\n  AND to_jsonb(c) NOT IN (SELECT u.new FROM \"_salvage_undo\" u WHERE u.tbl = %1 AND u.op = 'APPEND')")
                    .arg(child.oid);
    const QString rowText = child.primaryKey.isEmpty() ? QStringLiteral("ROW(c.*)::text")
                                                       : RestoreSql::keyText(QStringLiteral("c"), child.primaryKey);
    const QString change
        = QStringLiteral("added or re-pointed since the run; references %1 (%2), which the undo deletes or re-keys")
              .arg(table.qualifiedName(), key.refColumns.join(QLatin1Char(',')));
    return conflict(child, rowText, sql::quoteLiteral(change), from);
}

QString UndoGuard::render() const
{
    QString script = QStringLiteral(
        "-- Refuse to undo over changes made since the run (nothing is changed then; see the header to force it).\n"
        "CREATE TEMP TABLE %1 (tbl text, key text, change text) ON COMMIT DROP;\n")
                         .arg(kConflicts);
    for (const Changed &changed : m_changed) {
        script += changedRows(*changed.table) + takenKeys(*changed.table);
        for (const Table &child : m_schema.tables)
            for (const ForeignKey &key : child.foreignKeys)
                if (key.refQualifiedName() == changed.table->qualifiedName())
                    script += referencingRows(changed, child, key);
    }
    script += QStringLiteral(
        "DO $salvage$\nDECLARE\n  conflicts bigint;\n  listing text;\nBEGIN\n"
        "  SELECT count(*) INTO conflicts FROM %1;\n"
        "  IF conflicts = 0 THEN\n    RETURN;\n  END IF;\n"
        "  SELECT string_agg(format('%s=(%s) %s', tbl, key, change), '; ' ORDER BY tbl, key) INTO listing\n"
        "    FROM (SELECT * FROM %1 ORDER BY tbl, key LIMIT %2) l;\n"
        "  IF conflicts > %2 THEN\n    listing := listing || format('; and %s more', conflicts - %2);\n  END IF;\n"
        "  IF current_setting('salvage.force_undo', true) = 'on' THEN\n"
        "    RAISE WARNING 'Undo forced over % row(s) changed since the run: %', conflicts, listing;\n"
        "  ELSE\n"
        "    RAISE EXCEPTION '%3% row(s) changed since the run: %', conflicts, listing\n"
        "      USING HINT = 'To undo anyway, overwriting those changes: salvage-cli restore run --force-undo, or "
        "PGOPTIONS=''-c salvage.force_undo=on'' psql.';\n"
        "  END IF;\nEND\n$salvage$;\n")
                  .arg(kConflicts)
                  .arg(kListed)
                  .arg(kRefused);
    return script;
}

std::optional<UndoGuard::Refusal> UndoGuard::refusalIn(const QString &error)
{
    static const QRegularExpression refusal(QRegularExpression::escape(kRefused)
        + QStringLiteral("(\\d+) row\\(s\\) changed since the run: (.*?)(?=\\s+HINT:|\\s+CONTEXT:|\\n|$)"));
    // The listing ends at the line's end, or where the server's HINT follows on the same line.
    const QRegularExpressionMatch match = refusal.match(error);
    if (!match.hasMatch())
        return std::nullopt;
    // Conflicts are joined by "; ", which a conflict's own text may hold ("…since the run; references
    // …"): a new one starts where a "table (key)=(" follows.
    static const QRegularExpression separator(QStringLiteral("; (?=[^;]*=\\()"));
    return Refusal { match.captured(1).toLongLong(), match.captured(2).split(separator) };
}

} // namespace salvage
