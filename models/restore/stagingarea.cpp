#include "restore/stagingarea.h"

#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/keylessrows.h"
#include "restore/movedkeys.h"
#include "restore/planschemas.h"
#include "restore/restoreplan.h"
#include "restore/restoresql.h"
#include "restore/rowaction.h"
#include "restore/stagingcolumns.h"

namespace salvage {

StagingArea::StagingArea(const PlanSchemas &schemas, const PgRaw &live, const PgRaw &backup, Phase phase)
    : m_schemas(schemas)
    , m_live(live)
    , m_backup(backup)
    , m_phase(std::move(phase))
{
}

bool StagingArea::binaryCopyFits(const Table &live, const Table &backup, const QStringList &columns)
{
    // PostgreSQL's own scalar types, the same in both databases: their binary form is the value
    // itself and reads back exactly (a timestamp as microseconds, no text to print and parse).
    // Arrays, composites and enums carry or need type oids, which differ between databases, and
    // a different type on the other side reads differently: those go as text.
    static const QStringList scalars { QStringLiteral("bool"), QStringLiteral("int2"), QStringLiteral("int4"),
        QStringLiteral("int8"), QStringLiteral("float4"), QStringLiteral("float8"), QStringLiteral("numeric"),
        QStringLiteral("text"), QStringLiteral("varchar"), QStringLiteral("bpchar"), QStringLiteral("bytea"),
        QStringLiteral("date"), QStringLiteral("time"), QStringLiteral("timestamp"), QStringLiteral("timestamptz"),
        QStringLiteral("interval"), QStringLiteral("uuid"), QStringLiteral("json"), QStringLiteral("jsonb") };
    for (const QString &name : columns) {
        const Column *mine = live.column(name);
        const Column *theirs = backup.column(name);
        if (!mine || !theirs || mine->type != theirs->type || mine->typeName != theirs->typeName
            || !scalars.contains(mine->typeName) || mine->type.contains(QLatin1Char('.'))
            || mine->type.contains(QLatin1Char('"')))
            return false;
    }
    return true;
}

void StagingArea::phase(const QString &status) const
{
    if (m_phase)
        m_phase(status);
}

void StagingArea::createTables()
{
    for (const Table &liveTable : m_schemas.live.tables) {
        const Table *old = m_schemas.backup.findTable(liveTable.schema, liveTable.name);
        if (!old)
            continue;
        if (liveTable.primaryKey.isEmpty() && old->primaryKey.isEmpty()) {
            m_numbered.push_back(KeylessRows::numbered(liveTable));
            m_keyless.insert(liveTable.qualifiedName(), &m_numbered.back());
        } else if (liveTable.primaryKey.isEmpty()) {
            continue;
        }
        const Table &table
            = m_keyless.contains(liveTable.qualifiedName()) ? *m_keyless.value(liveTable.qualifiedName()) : liveTable;
        QStringList columns;
        QStringList definitions;
        for (const Column &column : table.columns) {
            if (column.generated.isNull() && old->column(column.name)) {
                columns << column.name;
                definitions << sql::quoteIdent(column.name) + QLatin1Char(' ') + column.type;
            }
        }
        if (m_keyless.contains(table.qualifiedName()))
            definitions << sql::quoteIdent(KeylessRows::numberColumn())
                    + QStringLiteral(" bigint GENERATED ALWAYS AS IDENTITY");
        const QString liveKeyType
            = table.primaryKey.size() == 1 ? table.column(table.primaryKey.first())->type : QStringLiteral("text");
        // The key of the row's moved copy in live, when the incident changed its key (MovedKeys).
        const QStringList liveKey = MovedKeys::liveKeyColumns(table.primaryKey);
        for (qsizetype i = 0; i < liveKey.size(); ++i)
            definitions << sql::quoteIdent(liveKey.at(i)) + QLatin1Char(' ')
                    + table.column(table.primaryKey.at(i))->type;
        const QString name = QStringLiteral("_salvage_s_%1").arg(m_created.size() + 1);
        // Half-full pages: the classifier's whole-table UPDATEs of unindexed columns then stay on the
        // page (HOT, no index entry), four times cheaper on a million rows.
        m_live.exec(QStringLiteral(
            "CREATE TEMP TABLE %1 (%2, %3 text, %4 %5, %6 text, %7 boolean NOT NULL DEFAULT "
            "false, %8 boolean NOT NULL DEFAULT true, %9 text, PRIMARY KEY (%10)) WITH (fillfactor = 50)")
                        .arg(sql::quoteIdent(name), definitions.join(QStringLiteral(", ")), StagingColumn::action(),
                            StagingColumn::live(), liveKeyType, StagingColumn::reason(), StagingColumn::root(),
                            StagingColumn::differs(), StagingColumn::seen(), sql::quoteIdentList(table.primaryKey)));
        m_created.insert(table.qualifiedName(), name);
        m_columns.insert(table.qualifiedName(), columns);
    }
}

QList<const Table *> StagingArea::stageClosure(const ClosureBuilder &closure, RestorePlan &plan)
{
    QList<const Table *> tables;
    for (const Table *old : closure.tables()) {
        const Table *table = m_schemas.live.findTable(old->schema, old->name);
        if (!table || !m_created.contains(table->qualifiedName())) {
            plan.warnings << QStringLiteral("%1 backup rows of %2 are not restored: the table is not in LIVE.")
                                 .arg(closure.rows(*old))
                                 .arg(old->qualifiedName());
            continue;
        }
        tables.append(table);
        if (m_schemas.identityNotes.contains(table->qualifiedName())) {
            plan.warnings << m_schemas.identityNotes.value(table->qualifiedName());
            plan.identities.insert(table->sqlName(), table->primaryKey);
        }
        phase(QStringLiteral("staging %1 on LIVE").arg(table->qualifiedName()));
        const QString name = m_created.value(table->qualifiedName());
        m_staged.insert(table->qualifiedName(), name);
        const QStringList columns = m_columns.value(table->qualifiedName());
        QStringList selected;
        for (const QString &column : columns)
            selected << QStringLiteral("b.") + sql::quoteIdent(column);
        QStringList match;
        for (const QString &column : old->primaryKey)
            match << QStringLiteral("b.%1 = k.%1").arg(sql::quoteIdent(column));
        // Roots travel with a flag: the operator chose them, so no evidence keeps them deleted.
        // Streamed from BACKUP into LIVE as it comes: both servers work at once, nothing is buffered.
        const QString format = binaryCopyFits(*table, *old, columns) ? QStringLiteral(" (FORMAT binary)") : QString();
        // A table the closure holds whole, with no root in it, is read as it is: joining its keys
        // would hash a key per row to keep every row.
        const QString rows = closure.wholeWithoutRoots(*old)
            ? QStringLiteral("SELECT %1, false FROM %2 b").arg(selected.join(QStringLiteral(", ")), old->sqlName())
            : QStringLiteral("SELECT %1, k.\"_salvage_round\" = 0 FROM %2 b JOIN %3 k ON %4")
                  .arg(selected.join(QStringLiteral(", ")), old->sqlName(), closure.keySource(*old),
                      match.join(QStringLiteral(" AND ")));
        const qint64 staged = m_live.copyIn(
            QStringLiteral("COPY %1 (%2, %3) FROM STDIN%4")
                .arg(sql::quoteIdent(name), sql::quoteIdentList(columns), StagingColumn::root(), format),
            m_backup, QStringLiteral("COPY (%1) TO STDOUT%2").arg(rows, format));
        m_live.exec(QStringLiteral("ANALYZE %1").arg(sql::quoteIdent(name)));
        plan.differing.insert(table->qualifiedName(), markDiffering(*table, name, columns, staged));
    }
    return tables;
}

QList<const Table *> StagingArea::stageWholeRows(const ClosureBuilder &closure, RestorePlan &plan)
{
    // No row can reference such a table: they come last.
    QList<const Table *> tables;
    for (const Table *table : std::as_const(m_keyless)) {
        const Table *old = m_schemas.backup.findTable(table->schema, table->name);
        const QString reached = closure.unkeyedRows(*old);
        if (reached.isEmpty())
            continue;
        phase(QStringLiteral("staging %1 on LIVE").arg(table->qualifiedName()));
        const QString name = m_created.value(table->qualifiedName());
        m_staged.insert(table->qualifiedName(), name);
        const QStringList columns = m_columns.value(table->qualifiedName());
        m_live.copyIn(
            QStringLiteral("COPY %1 (%2) FROM STDIN").arg(sql::quoteIdent(name), sql::quoteIdentList(columns)),
            m_backup,
            QStringLiteral("COPY (SELECT %1 FROM %2 c WHERE %3) TO STDOUT")
                .arg(RestoreSql::prefixed(QStringLiteral("c"), columns), old->sqlName(), reached));
        m_live.exec(QStringLiteral("ANALYZE %1").arg(sql::quoteIdent(name)));
        tables << table;
        plan.warnings << QStringLiteral(
            "%1 has no primary key and no unique key to tell its rows apart: its rows are compared and "
            "restored whole (moves in it are not recognised).")
                             .arg(table->qualifiedName());
    }
    return tables;
}

qint64 StagingArea::markDiffering(
    const Table &table, const QString &staging, const QStringList &columns, qint64 staged) const
{
    // Rows are staged as differing (the column's default); only those LIVE holds as they are get
    // written. After an incident most closure rows differ: an UPDATE of every row cost a second
    // per million, and a count() another scan.
    const qint64 same = PgRaw::affected(
        m_live.exec(QStringLiteral("UPDATE %1 s SET %2 = false WHERE EXISTS (SELECT 1 FROM %3 l WHERE %4 AND "
                                   "ROW(%5)::text = ROW(%6)::text)")
                        .arg(sql::quoteIdent(staging), StagingColumn::differs(), table.sqlName(),
                            RestoreSql::equal(QStringLiteral("s"), QStringLiteral("l"), table.primaryKey),
                            RestoreSql::prefixed(QStringLiteral("l"), columns),
                            RestoreSql::prefixed(QStringLiteral("s"), columns))));
    return staged - same;
}

} // namespace salvage
