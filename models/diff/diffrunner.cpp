#include "diff/diffrunner.h"

#include "core/error.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "diff/difflanes.h"
#include "diff/diffvaluespool.h"
#include "diff/logcategory.h"
#include "diff/multisetcomparator.h"
#include "diff/rowpruner.h"
#include "diff/sequenceorigin.h"
#include "diff/sidepair.h"
#include "diff/tablecomparator.h"
#include "diff/uniquekeyidentity.h"
#include "jobs/jobcontrol.h"

#include <QSet>
#include <QThread>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <future>
#include <mutex>
#include <numeric>
#include <optional>
#include <vector>

#ifdef __GLIBC__
#include <malloc.h>
#endif

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

namespace {
// The lanes and both sides run on threads of their own, started anew for every step: glibc gives
// such threads up to eight arenas a core, each keeping the high-water mark of what its threads
// allocated, which cost 70 MB of resident memory at demo scale 100 (218 MB against 146 MB with
// one arena a core). Process-wide, once; it bounds only arenas not yet created.
void limitMallocArenas()
{
#ifdef __GLIBC__
    static std::once_flag once;
    std::call_once(once, [] { mallopt(M_ARENA_MAX, std::max(2, QThread::idealThreadCount())); });
#endif
}

// Estimated rows from which a table counts as large for the lanes (50,000 ranges of 16 rows).
constexpr qint64 kLargeTableRows = 800000;
// Large tables compared at once, counting and keeping rows: their memory adds up (the goal is
// 200 MB at any scale). At demo scale 300, two at once peaked at 80-93 MB counting (one: 77-82 MB)
// but at 193 MB keeping rows (one: 137 MB).
constexpr int kLargeTablesAtOnceCounting = 2;
constexpr int kLargeTablesAtOnceKeepingRows = 1;

// One table's comparison, as a lane hands it over: everything that needs only this table is done.
struct ComparedTable
{
    TableDiff diff;
    std::optional<double> backupNewest;
};

ComparedTable compareTable(SidePair &sides, const Table &b, const Table &l, int version, JobControl &control,
    RowRetention retention, bool referenced, const RowSink &onRow, const std::shared_ptr<DiffValueSpool> &spool)
{
    const RowSink *sink = onRow ? &onRow : nullptr;
    ComparedTable compared;
    const bool keyed = !b.primaryKey.isEmpty() && b.primaryKey == l.primaryKey
        && std::all_of(b.primaryKey.cbegin(), b.primaryKey.cend(),
            [&](const QString &c) { return l.column(c) && b.column(c)->type == l.column(c)->type; });
    const auto compareByKey = [&](const Table &backupTable, const Table &liveTable) {
        TableComparator comparator(sides, backupTable, liveTable, version, control, retention);
        comparator.setRowSink(sink);
        comparator.setValueSpool(spool);
        if (retention == RowRetention::Counts)
            comparator.setReferenced(referenced);
        compared.diff = comparator.compare();
        compared.backupNewest = comparator.backupNewestTime();
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
        compared.diff.keyIndex = uniqueKey->name;
        compared.diff.notes.prepend(UniqueKeyIdentity::note(*uniqueKey));
    } else {
        MultisetComparator comparator(sides, b, l, version, control);
        comparator.setRowSink(sink);
        compared.diff = comparator.compare();
        if (!b.primaryKey.isEmpty())
            compared.diff.notes << u"The primary keys differ between backup and live."_s;
        compared.diff.notes << keyNotes;
    }
    sides.one(DiffSide::Backup, [&](DiffSide &side) { SequenceOrigin::apply(side, b, compared.diff); });
    for (const ForeignKey &key : b.foreignKeys)
        compared.diff.references << DiffReference { key.columns, key.refQualifiedName(), key.refColumns };
    // Needs nothing of the other tables: what can still change with them (times judged against the
    // backup's, parents' dating) is kept.
    if (retention == RowRetention::Counts)
        RowPruner::prune(compared.diff, referenced);
    else if (retention == RowRetention::Spooled)
        DiffValueSpool::spool(spool, compared.diff);
    qCDebug(lcDiff) << "compared" << b.qualifiedName()
                    << (keyed              ? "by primary key"
                               : uniqueKey ? "by unique key"
                                           : "as multisets");
    return compared;
}
} // namespace

DiffResult DiffRunner::run(PgSession &backup, PgSession &live, JobControl &control, const QStringList &tables,
    const TableSink &onTable, RowRetention retention, const RowSink &onRow)
{
    limitMallocArenas();
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

    const auto spool = retention == RowRetention::Spooled ? std::make_shared<DiffValueSpool>() : nullptr;
    SidePair sides(backup, live, control);
    DiffLanes lanes(sides, backup, live, control, std::min<int>(DiffLanes::wanted(), int(pairs.size())));
    // The largest tables start first, so that no lane is left with one at the end while the others
    // idle; the results are taken in the tables' own order all the same.
    QList<int> order(pairs.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&pairs](int a, int b) {
        return std::max(pairs.at(a).first->estimatedRows, pairs.at(a).second->estimatedRows)
            > std::max(pairs.at(b).first->estimatedRows, pairs.at(b).second->estimatedRows);
    });
    std::mutex mutex;
    std::condition_variable finished;
    std::vector<std::optional<ComparedTable>> compared(std::size_t(pairs.size()));
    std::exception_ptr failure;
    // A large table holds its ranges' sums and key hashes (tens of megabytes a side), and its rows
    // when they are kept, while it is compared: few at a time, the smaller ones beside them. One at
    // a time left the other lanes idle once the small tables were done, and each large table's
    // steps on one side only (the rows of one-sided ranges, the differing rows) left a core idle.
    const int largeAtOnce
        = retention == RowRetention::Counts ? kLargeTablesAtOnceCounting : kLargeTablesAtOnceKeepingRows;
    const auto large = [&pairs](int index) {
        const qint64 rows = std::max(pairs.at(index).first->estimatedRows, pairs.at(index).second->estimatedRows);
        return rows < 0 || rows >= kLargeTableRows; // never analysed: it may be large
    };
    std::vector<bool> started(std::size_t(pairs.size()), false);
    qsizetype unstarted = pairs.size();
    int largeInFlight = 0;
    bool stop = false;
    // The next table a lane may start, with `mutex` held; -1 when it must wait for a large one.
    const auto nextTable = [&]() -> int {
        for (const int index : std::as_const(order)) {
            if (!started[std::size_t(index)] && (largeInFlight < largeAtOnce || !large(index)))
                return index;
        }
        return -1;
    };
    const auto lane = [&](SidePair &pair) {
        for (;;) {
            int index = -1;
            {
                std::unique_lock lock(mutex);
                finished.wait(lock, [&] { return stop || unstarted == 0 || (index = nextTable()) >= 0; });
                if (stop || index < 0)
                    return;
                started[std::size_t(index)] = true;
                --unstarted;
                largeInFlight += large(index) ? 1 : 0;
            }
            try {
                ComparedTable table = compareTable(pair, *pairs.at(index).first, *pairs.at(index).second, version,
                    control, retention, referenced.contains(pairs.at(index).first->qualifiedName()), onRow, spool);
                const std::lock_guard lock(mutex);
                compared[std::size_t(index)] = std::move(table);
                largeInFlight -= large(index) ? 1 : 0;
            } catch (...) {
                const std::lock_guard lock(mutex);
                if (!failure)
                    failure = std::current_exception();
                stop = true;
            }
            finished.notify_all();
        }
    };
    std::vector<std::future<void>> workers;
    for (int i = 0; i < lanes.size(); ++i)
        workers.push_back(std::async(std::launch::async, lane, std::ref(lanes.lane(i))));
    // Stops the other lanes' statements and waits for every lane before anything is thrown.
    const auto stopLanes = [&] {
        {
            const std::lock_guard lock(mutex);
            stop = true;
        }
        lanes.cancelAll();
        for (std::future<void> &worker : workers)
            worker.wait();
    };
    try {
        for (int i = 0; i < pairs.size(); ++i) {
            control.setProgress(i, pairs.size(), u"Comparing %1"_s.arg(pairs.at(i).first->qualifiedName()));
            ComparedTable table;
            {
                std::unique_lock lock(mutex);
                finished.wait(lock, [&] { return compared[std::size_t(i)].has_value() || failure; });
                if (failure)
                    std::rethrow_exception(failure);
                table = std::move(*compared[std::size_t(i)]);
                compared[std::size_t(i)].reset();
            }
            result.tables << std::move(table.diff);
            if (table.backupNewest && (!result.backupTime || *table.backupNewest > *result.backupTime))
                result.backupTime = table.backupNewest;
            result.classify();
            if (onTable)
                onTable(result);
        }
    } catch (...) {
        stopLanes();
        throw;
    }
    for (std::future<void> &worker : workers)
        worker.get();
    result.complete = true;
    control.setProgress(pairs.size(), pairs.size(), u"Compared %1 tables"_s.arg(pairs.size()));
    return result;
}

} // namespace salvage
