#include "schema.h"

#include "db/sqlident.h"

namespace salvage {

QString fkActionSql(FkAction action)
{
    switch (action) {
    case FkAction::NoAction:
        return QStringLiteral("no action");
    case FkAction::Restrict:
        return QStringLiteral("restrict");
    case FkAction::Cascade:
        return QStringLiteral("cascade");
    case FkAction::SetNull:
        return QStringLiteral("set null");
    case FkAction::SetDefault:
        return QStringLiteral("set default");
    }
    return {};
}

QString Table::sqlName() const
{
    return sql::qualified(schema, name);
}

const Column *Table::column(const QString &columnName) const
{
    for (const Column &candidate : columns) {
        if (candidate.name == columnName)
            return &candidate;
    }
    return nullptr;
}

bool Table::inForeignKey(const QString &name) const
{
    for (const ForeignKey &key : foreignKeys)
        if (key.columns.contains(name))
            return true;
    return false;
}

QStringList Table::columnNames() const
{
    QStringList names;
    names.reserve(columns.size());
    for (const Column &c : columns)
        names << c.name;
    return names;
}

const Table *Schema::findTable(const QString &schemaName, const QString &name) const
{
    for (const Table &table : tables) {
        if (table.schema == schemaName && table.name == name)
            return &table;
    }
    return nullptr;
}

const Table *Schema::findTable(const QString &name) const
{
    for (const Table &table : tables) {
        if (table.qualifiedName() == name)
            return &table;
    }
    const Table *found = nullptr;
    for (const Table &table : tables) {
        if (table.name == name) {
            if (found)
                return nullptr; // ambiguous: the caller must qualify it
            found = &table;
        }
    }
    if (found || !name.contains(QLatin1Char('"')))
        return found;
    // Typed the SQL way: "App Data"."User", "issue""s".
    const QStringList parts = sql::splitQualifiedName(name);
    if (parts.size() == 2)
        return findTable(parts.first(), parts.last());
    return parts.size() == 1 ? findTable(parts.first()) : nullptr;
}

QList<QPair<const Table *, const ForeignKey *>> Schema::referencing(const Table &target) const
{
    QList<QPair<const Table *, const ForeignKey *>> found;
    for (const Table &table : tables) {
        for (const ForeignKey &key : table.foreignKeys) {
            if (key.refSchema == target.schema && key.refTable == target.name)
                found.append({ &table, &key });
        }
    }
    return found;
}

int Schema::foreignKeyCount() const
{
    int count = 0;
    for (const Table &table : tables)
        count += int(table.foreignKeys.size());
    return count;
}

} // namespace salvage
