#include "schemaformat.h"

#include <QJsonArray>
#include <QTextStream>

namespace salvage {

namespace {

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject columnJson(const Column &column)
{
    QJsonObject object { { QStringLiteral("name"), column.name }, { QStringLiteral("type"), column.type },
        { QStringLiteral("nullable"), column.nullable } };
    if (!column.defaultExpr.isEmpty())
        object.insert(QStringLiteral("default"), column.defaultExpr);
    if (!column.identity.isNull())
        object.insert(QStringLiteral("identity"),
            column.identity == QLatin1Char('a') ? QStringLiteral("always") : QStringLiteral("by default"));
    if (!column.generated.isNull())
        object.insert(QStringLiteral("generated"), QStringLiteral("stored"));
    return object;
}

QJsonObject uniqueKeyJson(const UniqueKey &key)
{
    QJsonObject object { { QStringLiteral("name"), key.name }, { QStringLiteral("elements"), strings(key.elements) },
        { QStringLiteral("constraint"), !key.constraintName.isEmpty() },
        { QStringLiteral("expression"), key.hasExpressions }, { QStringLiteral("partial"), key.partial },
        { QStringLiteral("definition"), key.definition } };
    if (key.partial)
        object.insert(QStringLiteral("predicate"), key.predicate);
    if (key.nullsNotDistinct)
        object.insert(QStringLiteral("nulls_not_distinct"), true);
    if (!key.valid)
        object.insert(QStringLiteral("valid"), false);
    return object;
}

QJsonObject foreignKeyJson(const ForeignKey &key)
{
    QJsonObject object { { QStringLiteral("name"), key.name }, { QStringLiteral("columns"), strings(key.columns) },
        { QStringLiteral("ref_table"), key.refQualifiedName() },
        { QStringLiteral("ref_columns"), strings(key.refColumns) },
        { QStringLiteral("on_delete"), fkActionSql(key.onDelete) },
        { QStringLiteral("on_update"), fkActionSql(key.onUpdate) }, { QStringLiteral("deferrable"), key.deferrable } };
    if (key.initiallyDeferred)
        object.insert(QStringLiteral("initially_deferred"), true);
    if (!key.setNullColumns.isEmpty())
        object.insert(QStringLiteral("set_null_columns"), strings(key.setNullColumns));
    if (!key.validated)
        object.insert(QStringLiteral("validated"), false);
    return object;
}

} // namespace

QJsonObject schemaToJson(const Schema &schema)
{
    QJsonArray tables;
    for (const Table &table : schema.tables) {
        QJsonArray columns;
        for (const Column &column : table.columns)
            columns.append(columnJson(column));
        QJsonArray unique;
        QJsonArray uniqueKeys;
        for (const UniqueKey &key : table.uniqueKeys) {
            unique.append(strings(key.elements));
            uniqueKeys.append(uniqueKeyJson(key));
        }
        QJsonArray foreignKeys;
        for (const ForeignKey &key : table.foreignKeys)
            foreignKeys.append(foreignKeyJson(key));
        QJsonArray exclusions;
        for (const ExclusionConstraint &constraint : table.exclusions) {
            QJsonObject object { { QStringLiteral("name"), constraint.name },
                { QStringLiteral("elements"), strings(constraint.elements) },
                { QStringLiteral("operators"), strings(constraint.operators) } };
            if (!constraint.predicate.isEmpty())
                object.insert(QStringLiteral("predicate"), constraint.predicate);
            exclusions.append(object);
        }
        QJsonObject tableJson { { QStringLiteral("schema"), table.schema }, { QStringLiteral("name"), table.name },
            { QStringLiteral("estimated_rows"), double(table.estimatedRows) },
            { QStringLiteral("partitioned"), table.partitioned }, { QStringLiteral("columns"), columns },
            { QStringLiteral("primary_key"), strings(table.primaryKey) }, { QStringLiteral("unique"), unique },
            { QStringLiteral("unique_keys"), uniqueKeys }, { QStringLiteral("foreign_keys"), foreignKeys } };
        if (!exclusions.isEmpty())
            tableJson.insert(QStringLiteral("exclusions"), exclusions);
        tables.append(tableJson);
    }
    QJsonArray sequences;
    for (const Sequence &sequence : schema.sequences) {
        QJsonObject object { { QStringLiteral("schema"), sequence.schema }, { QStringLiteral("name"), sequence.name } };
        if (!sequence.ownerTable.isEmpty())
            object.insert(QStringLiteral("owned_by"),
                QString(sequence.ownerSchema + QLatin1Char('.') + sequence.ownerTable + QLatin1Char('.')
                    + sequence.ownerColumn));
        sequences.append(object);
    }
    return { { QStringLiteral("database"), schema.database },
        { QStringLiteral("server_version"), schema.serverVersion }, { QStringLiteral("tables"), tables },
        { QStringLiteral("sequences"), sequences } };
}

QString schemaToText(const Schema &schema)
{
    QString out;
    QTextStream stream(&out);
    stream << "Database " << schema.database << " (PostgreSQL " << schema.serverVersion << "): " << schema.tables.size()
           << " tables, " << schema.foreignKeyCount() << " foreign keys, " << schema.sequences.size() << " sequences\n";
    for (const Table &table : schema.tables) {
        stream << "\n" << table.qualifiedName();
        if (table.estimatedRows >= 0)
            stream << "  (~" << table.estimatedRows << " rows)";
        stream << "\n";
        for (const Column &column : table.columns)
            stream << "  " << column.name << "  " << column.type << (column.nullable ? "" : " not null") << "\n";
        if (!table.primaryKey.isEmpty())
            stream << "  primary key (" << table.primaryKey.join(QStringLiteral(", ")) << ")\n";
        else
            stream << "  no primary key\n";
        for (const UniqueKey &key : table.uniqueKeys) {
            stream << "  unique " << key.name << " (" << key.elements.join(QStringLiteral(", ")) << ")";
            if (key.partial)
                stream << " where " << key.predicate;
            stream << "\n";
        }
        for (const ForeignKey &key : table.foreignKeys) {
            stream << "  foreign key (" << key.columns.join(QStringLiteral(", ")) << ") -> " << key.refQualifiedName()
                   << " (" << key.refColumns.join(QStringLiteral(", ")) << ") on delete " << fkActionSql(key.onDelete)
                   << "\n";
        }
    }
    return out;
}

} // namespace salvage
