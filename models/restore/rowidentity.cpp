#include "restore/rowidentity.h"

#include "db/schema.h"

#include <algorithm>

namespace salvage::RowIdentity {

QHash<QString, QString> adopt(Schema &schema)
{
    QHash<QString, QString> notes;
    for (Table &table : schema.tables) {
        if (!table.primaryKey.isEmpty())
            continue;
        for (const UniqueKey &key : table.uniqueKeys) {
            const bool usable = key.onPlainColumns()
                && std::all_of(key.columns.cbegin(), key.columns.cend(), [&table](const QString &name) {
                       const Column *column = table.column(name);
                       return column && !column->nullable;
                   });
            if (!usable)
                continue;
            table.primaryKey = key.columns;
            notes[table.qualifiedName()]
                = QStringLiteral("%1 has no primary key: its rows are told apart by the unique index %2 (%3).")
                      .arg(table.qualifiedName(), key.name, key.columns.join(QStringLiteral(", ")));
            break;
        }
    }
    return notes;
}

} // namespace salvage::RowIdentity
