#include "schemareader.h"

#include "db/pgsession.h"
#include "jobs/jobcontrol.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <pqxx/transaction>

namespace salvage {

namespace {

QString text(const pqxx::field &field)
{
    return field.is_null() ? QString() : QString::fromStdString(field.as<std::string>());
}

QStringList jsonStrings(const pqxx::field &field)
{
    QStringList list;
    const QJsonArray array = QJsonDocument::fromJson(QByteArray::fromStdString(field.as<std::string>("[]"))).array();
    for (const QJsonValue &value : array)
        list << value.toString();
    return list;
}

FkAction action(const pqxx::field &field)
{
    switch (field.as<std::string>("a").front()) {
    case 'r':
        return FkAction::Restrict;
    case 'c':
        return FkAction::Cascade;
    case 'n':
        return FkAction::SetNull;
    case 'd':
        return FkAction::SetDefault;
    default:
        return FkAction::NoAction;
    }
}

QChar firstChar(const pqxx::field &field)
{
    const std::string value = field.as<std::string>("");
    return value.empty() ? QChar() : QChar::fromLatin1(value.front());
}

// Schemas that belong to PostgreSQL itself, never to an application.
const char *const kUserRelations = R"(
    n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%')";

} // namespace

Schema SchemaReader::read(PgSession &session, JobControl *control)
{
    Schema schema;
    schema.serverVersion = session.serverVersion();
    const int serverVersionNum = session.connection().server_version();

    pqxx::read_transaction transaction(session.connection());
    // Types, defaults and index expressions are printed schema-qualified (unless in pg_catalog), so
    // that SQL built from them (restore scripts run under search_path = '') never depends on it.
    transaction.exec("SET LOCAL search_path = ''");
    schema.database = QString::fromStdString(transaction.exec("SELECT current_database()")[0][0].as<std::string>());

    // A partitioned table holds no rows itself: its estimate is its leaf partitions' (PostgreSQL 12+).
    const std::string partitionRows = serverVersionNum >= 120000
        ? R"(WHEN c.relkind = 'p' THEN (SELECT CASE WHEN bool_or(l.reltuples >= 0) THEN sum(greatest(l.reltuples, 0))::bigint ELSE -1 END
                                      FROM pg_partition_tree(c.oid) t JOIN pg_class l ON l.oid = t.relid WHERE t.isleaf))"
        : "";
    const std::string tablesSql = std::string(R"(
        SELECT c.oid, n.nspname, c.relname, c.relkind = 'p',
               CASE )")
        + partitionRows + R"( WHEN c.reltuples < 0 THEN -1 ELSE c.reltuples::bigint END,
               c.relhasrules OR c.relrowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND )"
        + kUserRelations + R"(
        ORDER BY n.nspname, c.relname)";
    QHash<quint32, qsizetype> indexByOid;
    for (const auto &row : transaction.exec(tablesSql)) {
        Table table;
        table.oid = row[0].as<quint32>();
        table.schema = text(row[1]);
        table.name = text(row[2]);
        table.partitioned = row[3].as<bool>();
        table.estimatedRows = row[4].as<qint64>();
        table.rulesOrRowSecurity = row[5].as<bool>();
        indexByOid.insert(table.oid, schema.tables.size());
        schema.tables.append(table);
    }
    if (control)
        control->throwIfCancelled();

    const std::string columnsSql = std::string(R"(
        SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), t.typname, t.typcategory,
               NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped AND )")
        + kUserRelations + R"(
        ORDER BY a.attrelid, a.attnum)";
    for (const auto &row : transaction.exec(columnsSql)) {
        const auto found = indexByOid.constFind(row[0].as<quint32>());
        if (found == indexByOid.constEnd())
            continue;
        Column column;
        column.name = text(row[1]);
        column.type = text(row[2]);
        column.typeName = text(row[3]);
        column.typeCategory = firstChar(row[4]);
        column.nullable = row[5].as<bool>();
        column.defaultExpr = text(row[6]);
        column.identity = firstChar(row[7]);
        column.generated = firstChar(row[8]);
        schema.tables[*found].columns.append(column);
    }
    if (control)
        control->throwIfCancelled();

    // Unique indexes, whether or not a constraint stands behind them; key elements in order,
    // expressions as PostgreSQL prints them.
    const std::string nullsNotDistinct = serverVersionNum >= 150000 ? "i.indnullsnotdistinct" : "false";
    const std::string indexesSql = R"(
        SELECT i.indrelid, ic.relname, i.indisprimary, con.conname, i.indpred IS NOT NULL,
               pg_get_expr(i.indpred, i.indrelid), i.indexprs IS NOT NULL, pg_get_indexdef(i.indexrelid),
               )"
        + nullsNotDistinct + R"(, i.indisvalid,
               (SELECT json_agg(coalesce(a.attname, '') ORDER BY k.ord)
                  FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum <> 0),
               (SELECT json_agg(pg_get_indexdef(i.indexrelid, k.ord::int, true) ORDER BY k.ord)
                  FROM generate_series(1, i.indnkeyatts) k(ord))
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.contype IN ('p', 'u')
                                   AND con.conrelid = i.indrelid
        WHERE i.indisunique AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND )"
        + std::string(kUserRelations) + R"(
        ORDER BY i.indrelid, i.indisprimary DESC, ic.relname)";
    for (const auto &row : transaction.exec(indexesSql)) {
        const auto found = indexByOid.constFind(row[0].as<quint32>());
        if (found == indexByOid.constEnd())
            continue;
        Table &table = schema.tables[*found];
        const QStringList columns = jsonStrings(row[10]);
        if (row[2].as<bool>()) {
            table.primaryKey = columns;
            continue;
        }
        UniqueKey key;
        key.name = text(row[1]);
        key.constraintName = text(row[3]);
        key.partial = row[4].as<bool>();
        key.predicate = text(row[5]);
        key.hasExpressions = row[6].as<bool>();
        key.definition = text(row[7]);
        key.nullsNotDistinct = row[8].as<bool>();
        key.valid = row[9].as<bool>();
        key.columns = columns;
        key.elements = jsonStrings(row[11]);
        table.uniqueKeys.append(key);
    }
    if (control)
        control->throwIfCancelled();

    const std::string setNullColumns = serverVersionNum >= 150000
        ? R"((SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confdelsetcols) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum))"
        : "NULL::json";
    const std::string foreignKeysSql = R"(
        SELECT con.conrelid, con.conname,
               (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum),
               rn.nspname, rc.relname,
               (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum),
               con.confdeltype, con.confupdtype, con.condeferrable, con.condeferred, con.convalidated,
               )"
        + setNullColumns + R"(
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_class rc ON rc.oid = con.confrelid
        JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        WHERE con.contype = 'f' AND con.conparentid = 0 AND )"
        + std::string(kUserRelations) + R"(
        ORDER BY con.conrelid, con.conname)";
    for (const auto &row : transaction.exec(foreignKeysSql)) {
        const auto found = indexByOid.constFind(row[0].as<quint32>());
        if (found == indexByOid.constEnd())
            continue;
        ForeignKey key;
        key.name = text(row[1]);
        key.columns = jsonStrings(row[2]);
        key.refSchema = text(row[3]);
        key.refTable = text(row[4]);
        key.refColumns = jsonStrings(row[5]);
        key.onDelete = action(row[6]);
        key.onUpdate = action(row[7]);
        key.deferrable = row[8].as<bool>();
        key.initiallyDeferred = row[9].as<bool>();
        key.validated = row[10].as<bool>();
        if (!row[11].is_null())
            key.setNullColumns = jsonStrings(row[11]);
        schema.tables[*found].foreignKeys.append(key);
    }

    // Exclusion constraints: each element a quoted column name (or the expression as printed), and
    // its operator schema-qualified, so that "a OPERATOR(…) b" means what the constraint means.
    const std::string exclusionsSql = R"(
        SELECT con.conrelid, con.conname,
               (SELECT json_agg(CASE WHEN k.attnum <> 0 THEN quote_ident(a.attname)
                                     ELSE pg_get_indexdef(con.conindid, k.ord::int, true) END ORDER BY k.ord)
                  FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum AND k.attnum <> 0),
               (SELECT json_agg('OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')' ORDER BY k.ord)
                  FROM unnest(con.conexclop) WITH ORDINALITY k(op, ord)
                  JOIN pg_operator o ON o.oid = k.op
                  JOIN pg_namespace opn ON opn.oid = o.oprnamespace),
               pg_get_expr(i.indpred, i.indrelid)
        FROM pg_constraint con
        JOIN pg_index i ON i.indexrelid = con.conindid
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype = 'x' AND con.conparentid = 0 AND )"
        + std::string(kUserRelations) + R"(
        ORDER BY con.conrelid, con.conname)";
    for (const auto &row : transaction.exec(exclusionsSql)) {
        const auto found = indexByOid.constFind(row[0].as<quint32>());
        if (found == indexByOid.constEnd())
            continue;
        ExclusionConstraint constraint;
        constraint.name = text(row[1]);
        constraint.elements = jsonStrings(row[2]);
        constraint.operators = jsonStrings(row[3]);
        constraint.predicate = text(row[4]);
        if (constraint.elements.size() == constraint.operators.size())
            schema.tables[*found].exclusions.append(constraint);
    }

    const std::string sequencesSql = std::string(R"(
        SELECT n.nspname, s.relname, tn.nspname, t.relname, a.attname
        FROM pg_class s
        JOIN pg_namespace n ON n.oid = s.relnamespace
        LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LEFT JOIN pg_class t ON t.oid = d.refobjid
        LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE s.relkind = 'S' AND )")
        + kUserRelations + R"(
        ORDER BY n.nspname, s.relname)";
    for (const auto &row : transaction.exec(sequencesSql)) {
        schema.sequences.append({ text(row[0]), text(row[1]), text(row[2]), text(row[3]), text(row[4]) });
    }
    transaction.commit();
    return schema;
}

} // namespace salvage
