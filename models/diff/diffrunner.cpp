#include "diff/diffrunner.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "diff/logcategory.h"
#include "diff/multisetcomparator.h"
#include "diff/rowpruner.h"
#include "diff/sequenceorigin.h"
#include "diff/sidepair.h"
#include "diff/tablecomparator.h"
#include "diff/uniquekeyidentity.h"
#include "jobs/jobcontrol.h"

#include <QSet>

#include <algorithm>
#include <future>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
QList<QPair<const Table *, const Table *>> chooseTables(
    const Schema &backup, const Schema &live, const QStringList &wanted, QStringList &notes)
{
    QList<QPair<const Table *, const Table *>> pairs;
    if (!wanted.isEmpty()) {
        for (const QString &name : wanted) {
            const Table *b = backup.findTable(name);
            const Table *l = live.findTable(name);
            if (!b || !l)
                throw Error(u"Table %1 does not exist in %2."_s.arg(name, !b ? u"backup"_s : u"live"_s));
            pairs.append(qMakePair(b, l));
        }
        return pairs;
    }
    for (const Table &table : backup.tables) {
        const Table *other = live.findTable(table.schema, table.name);
        if (!other)
            notes << u"Table %1 exists only in backup and is not compared."_s.arg(table.qualifiedName());
        else
            pairs.append(qMakePair(&table, other)); // a partitioned table is compared whole, through its root
    }
    for (const Table &table : live.tables) {
        if (!backup.findTable(table.schema, table.name))
            notes << u"Table %1 exists only in live and is not compared."_s.arg(table.qualifiedName());
    }
    return pairs;
}
} // namespace

DiffResult DiffRunner::run(PgSession &backup, PgSession &live, JobControl &control, const QStringList &tables,
    const TableSink &onTable, RowRetention retention)
{
    DiffResult result;
    control.setProgress(0, -1, u"Reading both schemas"_s);
    auto liveSchema = std::async(std::launch::async, [&live, &control] { return SchemaReader::read(live, &control); });
    Schema backupSchema;
    try {
        backupSchema = SchemaReader::read(backup, &control);
    } catch (...) {
        liveSchema.wait();
        throw;
    }
    const Schema liveSchemaValue = liveSchema.get();
    const auto pairs = chooseTables(backupSchema, liveSchemaValue, tables, result.notes);
    const int version = std::min(backup.connection().server_version(), live.connection().server_version());
    QSet<QString> referenced; // tables a compared table's foreign key points at (ParentOrigin reads their keys)
    for (const auto &pair : pairs) {
        for (const ForeignKey &key : pair.first->foreignKeys)
            referenced.insert(key.refQualifiedName());
    }

    SidePair sides(backup, live, control);
    for (int i = 0; i < pairs.size(); ++i) {
        const Table &b = *pairs.at(i).first;
        const Table &l = *pairs.at(i).second;
        control.setProgress(i, pairs.size(), u"Comparing %1"_s.arg(b.qualifiedName()));
        const bool keyed = !b.primaryKey.isEmpty() && b.primaryKey == l.primaryKey
            && std::all_of(b.primaryKey.cbegin(), b.primaryKey.cend(),
                [&](const QString &c) { return l.column(c) && b.column(c)->type == l.column(c)->type; });
        const auto compareByKey = [&](const Table &backupTable, const Table &liveTable) {
            TableComparator comparator(sides, backupTable, liveTable, version, control, retention);
            result.tables << comparator.compare();
            const auto newest = comparator.backupNewestTime();
            if (newest && (!result.backupTime || *newest > *result.backupTime))
                result.backupTime = newest;
        };
        QStringList keyNotes;
        const std::optional<UniqueKey> uniqueKey = b.primaryKey.isEmpty() && l.primaryKey.isEmpty()
            ? UniqueKeyIdentity::choose(sides, b, l, keyNotes)
            : std::nullopt;
        if (keyed) {
            compareByKey(b, l);
        } else if (uniqueKey) {
            // Compared exactly as by a primary key: the unique key stands in for it on both sides.
            Table backupTable = b, liveTable = l;
            backupTable.primaryKey = liveTable.primaryKey = uniqueKey->columns;
            compareByKey(backupTable, liveTable);
            result.tables.last().keyIndex = uniqueKey->name;
            result.tables.last().notes.prepend(UniqueKeyIdentity::note(*uniqueKey));
        } else {
            result.tables << MultisetComparator(sides, b, l, version, control).compare();
            if (!b.primaryKey.isEmpty())
                result.tables.last().notes << u"The primary keys differ between backup and live."_s;
            result.tables.last().notes << keyNotes;
        }
        sides.one(DiffSide::Backup, [&](DiffSide &side) { SequenceOrigin::apply(side, b, result.tables.last()); });
        for (const ForeignKey &key : b.foreignKeys)
            result.tables.last().references << DiffReference { key.columns, key.refQualifiedName(), key.refColumns };
        if (retention == RowRetention::Counts)
            RowPruner::prune(result.tables.last(), referenced.contains(b.qualifiedName()));
        result.classify();
        qCDebug(lcDiff) << "compared" << b.qualifiedName()
                        << (keyed              ? "by primary key"
                                   : uniqueKey ? "by unique key"
                                               : "as multisets");
        if (onTable)
            onTable(result);
    }
    result.complete = true;
    control.setProgress(pairs.size(), pairs.size(), u"Compared %1 tables"_s.arg(pairs.size()));
    return result;
}

} // namespace salvage
