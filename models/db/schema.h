#pragma once

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace salvage {

/// What a foreign key does when its parent row goes away (or its key changes).
enum class FkAction { NoAction, Restrict, Cascade, SetNull, SetDefault };

QString fkActionSql(FkAction action); ///< "no action", "restrict", "cascade", "set null", "set default"

struct Column
{
    QString name;
    QString type; ///< format_type(): "bigint", "character varying(255)", "timestamp with time zone"
    QString typeName; ///< pg_type.typname: "int8", "varchar", "timestamptz", "_text"
    QChar typeCategory; ///< pg_type.typcategory: N numeric, S string, D date/time, A array, U user, …
    bool nullable = true;
    QString defaultExpr; ///< pg_get_expr of the default, empty when none
    QChar identity; ///< 'a' always, 'd' by default, null when not an identity column
    QChar generated; ///< 's' stored generated column, null otherwise
};

/// A unique constraint or unique index (the primary key is reported apart from these).
struct UniqueKey
{
    QString name; ///< the index name
    QString constraintName; ///< the constraint's name when it is a constraint, else empty
    QStringList columns; ///< plain key columns in order; empty entries stand for expressions
    QStringList elements; ///< every key element as PostgreSQL prints it (column names or expressions)
    bool hasExpressions = false;
    bool partial = false;
    QString predicate; ///< the WHERE clause of a partial index
    bool nullsNotDistinct = false;
    QString definition; ///< pg_get_indexdef
    bool valid = true; ///< false for an index left invalid by a failed CREATE INDEX CONCURRENTLY

    /// Valid, not partial, plain columns only: its values can tell every row apart, as
    /// PostgreSQL's REPLICA IDENTITY USING INDEX asks (callers add their rule about NULLs).
    bool onPlainColumns() const { return valid && !partial && !hasExpressions && !columns.isEmpty(); }
};

/// An exclusion constraint (EXCLUDE USING gist (room WITH =, during WITH &&)): no two rows whose
/// elements all satisfy their operators. Unlike a unique key it cannot tell rows apart; a restored
/// row can still collide with a live row under it.
struct ExclusionConstraint
{
    QString name;
    QStringList elements; ///< every element as PostgreSQL prints it (column names or expressions)
    QStringList operators; ///< per element, "OPERATOR(schema.op)" ready to put between two operands
    QString predicate; ///< the WHERE clause of a partial constraint, empty when none
};

struct ForeignKey
{
    QString name;
    QStringList columns;
    QString refSchema;
    QString refTable;
    QStringList refColumns;
    FkAction onDelete = FkAction::NoAction;
    FkAction onUpdate = FkAction::NoAction;
    QStringList setNullColumns; ///< ON DELETE SET NULL (cols) in PostgreSQL 15; empty means all
    bool deferrable = false;
    bool initiallyDeferred = false;
    bool validated = true;

    QString refQualifiedName() const { return refSchema + QLatin1Char('.') + refTable; }
};

struct Table
{
    quint32 oid = 0;
    QString schema;
    QString name;
    bool partitioned = false;
    /// Rules or row-level security on the table: a COPY into it would not be rewritten or filtered
    /// as an INSERT is (PostgreSQL applies neither to COPY FROM, or refuses it).
    bool rulesOrRowSecurity = false;
    qint64 estimatedRows = -1; ///< from statistics, -1 when never analysed
    QList<Column> columns;
    QStringList primaryKey;
    QList<UniqueKey> uniqueKeys;
    QList<ForeignKey> foreignKeys;
    QList<ExclusionConstraint> exclusions;

    QString qualifiedName() const { return schema + QLatin1Char('.') + name; } ///< for display and JSON
    QString sqlName() const; ///< "schema"."name", quoted
    const Column *column(const QString &name) const;
    QStringList columnNames() const;
    bool inForeignKey(const QString &column) const; ///< some foreign key of this table holds `column`
};

/// A sequence and the column that owns it (serial or identity), when one does.
struct Sequence
{
    QString schema;
    QString name;
    QString ownerSchema;
    QString ownerTable;
    QString ownerColumn;

    QString qualifiedName() const { return schema + QLatin1Char('.') + name; }
};

/// A database's structure as introspected from pg_catalog: a plain value, cheap to copy between threads.
struct Schema
{
    QString database;
    QString serverVersion;
    QList<Table> tables; ///< sorted by schema, then name
    QList<Sequence> sequences; ///< sorted by schema, then name

    /// By "schema.name", or by bare name when exactly one schema has it.
    const Table *findTable(const QString &name) const;
    const Table *findTable(const QString &schema, const QString &name) const;
    /// Foreign keys of every table that point at `table`, with the table that holds each.
    QList<QPair<const Table *, const ForeignKey *>> referencing(const Table &table) const;
    int foreignKeyCount() const;
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::Schema)
