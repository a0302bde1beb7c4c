#include "restore/derivedcounters.h"

#include "db/schema.h"
#include "restore/restoreplan.h"

#include <QRegularExpression>

namespace salvage {

QStringList DerivedCounters::warnings(const Schema &live, const RestorePlan &plan)
{
    static const QRegularExpression counterName(QStringLiteral("(count|counts|counter|total|_sum|tally)$|^(num|n)_"),
                                                QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression statsTable(QStringLiteral("_(stats|statistics|counts|counters|totals)$"),
                                               QRegularExpression::CaseInsensitiveOption);
    QStringList result;
    for (const Table &table : live.tables) {
        for (const ForeignKey &key : table.foreignKeys) {
            const QString parent = key.refQualifiedName();
            const QMap<QString, qint64> counts = plan.counts.value(parent);
            if (counts.value(QStringLiteral("insert")) + counts.value(QStringLiteral("recreate")) + counts.value(QStringLiteral("repoint")) == 0)
                continue;
            // 1:1 with the parent: the foreign key is the primary key or a unique key.
            bool oneToOne = key.columns == table.primaryKey;
            for (const UniqueKey &unique : table.uniqueKeys)
                oneToOne = oneToOne || (!unique.partial && unique.columns == key.columns);
            if (!oneToOne)
                continue;
            QStringList counters;
            for (const Column &column : table.columns)
                if (column.typeCategory == QLatin1Char('N') && counterName.match(column.name).hasMatch() && !key.columns.contains(column.name))
                    counters << column.name;
            if (counters.isEmpty() && !statsTable.match(table.name).hasMatch())
                continue;
            result << QStringLiteral("%1 looks like derived data kept per %2 row (%3); restored rows change what it should say, "
                                     "recompute it after the restore.")
                          .arg(table.qualifiedName(), parent,
                               counters.isEmpty() ? QStringLiteral("a statistics table") : counters.join(QStringLiteral(", ")));
        }
    }
    result.removeDuplicates();
    return result;
}

} // namespace salvage
