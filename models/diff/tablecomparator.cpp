#include "diff/tablecomparator.h"

#include "core/error.h"
#include "db/arrayliteral.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/bucketsums.h"
#include "diff/joinedkey.h"
#include "diff/leafpathchooser.h"
#include "diff/logcategory.h"
#include "diff/movesummarizer.h"
#include "diff/phaseclock.h"
#include "diff/rowfetcher.h"
#include "diff/rowhasher.h"
#include "diff/sidepair.h"
#include "jobs/jobcontrol.h"

#include <QElapsedTimer>

#include <algorithm>
#include <utility>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
constexpr qint64 kLeafBatchRows = 100000; // key hashes fetched per statement and side
constexpr int kLeafBatchBuckets = 4000;
constexpr int kRowBatch = 5000; // whole rows fetched per statement and side
constexpr qint64 kRangeScanShare = 2; // index ranges are tried while they hold under half the rows
constexpr int kProbeBuckets = 256; // ranges read first through the index, to time that path
// From this many rows a side the first pass is JIT-compiled in one backend (DiffSide::compiled):
// statuses at demo scale 100 (3.3 M rows) 1.8 s of CPU against 2.6 s interpreted and 2.9 s with two
// parallel workers, at scale 30 (1 M rows) 0.94-1.08 s against 1.30-1.57 s with the workers.
constexpr double kCompiledPassRows = 800000;

} // namespace

TableComparator::TableComparator(SidePair &sides, const Table &backup, const Table &live, int serverVersionNum,
    JobControl &control, RowRetention retention)
    : m_sides(sides)
    , m_backup(backup)
    , m_live(live)
    , m_serverVersionNum(serverVersionNum)
    , m_control(control)
    , m_classifier(backup)
    , m_retention(retention)
{
}

QList<Column> TableComparator::commonColumns(const Table &backup, const Table &live, TableDiff &diff)
{
    QList<Column> common;
    for (const Column &column : backup.columns) {
        const Column *other = live.column(column.name);
        if (!other)
            diff.notes << u"Column %1 exists only in backup and is not compared."_s.arg(column.name);
        else if (other->type != column.type)
            diff.notes << u"Column %1 is %2 in backup but %3 in live; compared as text."_s.arg(
                column.name, column.type, other->type);
        if (other) {
            if (!column.generated.isNull())
                diff.generatedColumns << column.name;
            diff.identityAlways = diff.identityAlways || column.identity == u'a';
            Column compared = column;
            compared.nullable = column.nullable || other->nullable; // RowHasher skips NULL on NOT NULL columns
            if (other->type != column.type)
                compared.typeName = u"text"_s, compared.typeCategory = u'S';
            common << compared;
        }
    }
    for (const Column &column : live.columns) {
        if (!backup.column(column.name))
            diff.notes << u"Column %1 exists only in live and is not compared."_s.arg(column.name);
    }
    return common;
}

KeyBounds TableComparator::readInfo(DiffSide &side, const Column &keyColumn) const
{
    // ORDER BY … LIMIT 1 rather than min()/max(): uuid and other key types have no min(). The
    // ORDER BY is qualified so that it sorts by the key, not by the text output column of that name.
    const QString key = sql::quoteIdent(keyColumn.name);
    const QString query = u"SELECT (SELECT t.%1::text FROM %2 AS t ORDER BY t.%1 LIMIT 1), "
                          u"(SELECT t.%1::text FROM %2 AS t ORDER BY t.%1 DESC LIMIT 1), "
                          u"pg_relation_size($1::regclass) / current_setting('block_size')::bigint, "
                          u"(SELECT reltuples::float8 FROM pg_class WHERE oid = $1::regclass), "
                          u"(SELECT histogram_bounds::text FROM pg_stats WHERE schemaname = $2 AND tablename = $3 "
                          u"AND attname = $4 AND NOT inherited)"_s.arg(key, m_backup.sqlName());
    const pqxx::row row
        = pqxxcompat::execParamsOneRow(side.txn(), query.toStdString(), m_backup.sqlName().toStdString(),
            m_backup.schema.toStdString(), m_backup.name.toStdString(), keyColumn.name.toStdString());
    KeyBounds info;
    if (!row[0].is_null())
        info.minKey = QString::fromUtf8(row[0].c_str());
    if (!row[1].is_null())
        info.maxKey = QString::fromUtf8(row[1].c_str());
    info.pages = row[2].as<qint64>();
    info.reltuples = row[3].is_null() ? -1 : row[3].as<double>();
    if (!row[4].is_null())
        info.histogram = QString::fromUtf8(row[4].c_str());
    return info;
}

TableDiff TableComparator::compare()
{
    m_diff.table = m_backup.qualifiedName();
    m_diff.sqlName = m_backup.sqlName();
    m_columns = commonColumns(m_backup, m_live, m_diff);
    for (const Column &column : m_columns)
        m_diff.columns << column.name;
    m_diff.keyColumns = m_backup.primaryKey;
    m_moves.emplace(m_diff.table, m_diff.columns, m_diff.keyColumns, m_backup.foreignKeys);
    m_comparedByValue = QList<bool>(m_diff.columns.size(), true);
    if (m_retention == RowRetention::Counts && !m_rowSink && !m_moves->pairsLostAndNew()) {
        // Changed rows are told by their foreign keys (for moves) and one digest of the rest.
        for (qsizetype i = 0; i < m_diff.columns.size(); ++i)
            m_comparedByValue[i] = std::any_of(m_backup.foreignKeys.cbegin(), m_backup.foreignKeys.cend(),
                [&](const ForeignKey &key) { return key.columns.contains(m_diff.columns.at(i)); });
    }
    m_hashExpression = RowHasher(m_columns, m_serverVersionNum).hashExpression();
    const Column keyColumn = *m_backup.column(m_backup.primaryKey.first());
    PhaseClock clock(m_diff.table);

    KeyBounds info[2];
    m_sides.both([&](DiffSide &side) { info[side.which] = readInfo(side, keyColumn); });
    clock.lap("bounds");
    if (info[DiffSide::Backup].maxKey)
        m_classifier.observeBackupMaxKey(*info[DiffSide::Backup].maxKey);

    // Even ranges from both sides' bounds where the key allows, else thresholds from one side's
    // sample, applied to both.
    if (const auto even = KeyRangePartitioner::even(keyColumn, info[DiffSide::Backup], info[DiffSide::Live])) {
        m_ranges = *even;
        clock.lap(qPrintable(u"even ranges (%1 of %2 keys)"_s.arg(m_ranges.bucketCount()).arg(m_ranges.step)));
    } else {
        const DiffSide::Which sampled = info[DiffSide::Backup].minKey ? DiffSide::Backup : DiffSide::Live;
        m_sides.one(sampled, [&](DiffSide &side) {
            m_ranges = KeyRangePartitioner::partition(side, m_backup, keyColumn, info[sampled], m_serverVersionNum);
        });
        if (info[DiffSide::Backup].maxKey && info[DiffSide::Live].maxKey)
            m_ranges.setApartKeysAbove(*info[DiffSide::Backup].maxKey, *info[DiffSide::Live].maxKey);
        clock.lap(qPrintable(u"sample (%1 ranges)"_s.arg(m_ranges.bucketCount())));
    }

    const std::optional<QString> thresholds = m_ranges.thresholdsParameter();
    QElapsedTimer firstPass;
    firstPass.start();
    BucketSums sums[2];
    const bool large = std::max(info[DiffSide::Backup].reltuples, info[DiffSide::Live].reltuples) >= kCompiledPassRows;
    // The backup's newest row by its creation column, unless its largest key already tells it.
    const bool keyTellsNewest = m_classifier.keyCarriesTime() && info[DiffSide::Backup].maxKey;
    const QString newest = keyTellsNewest ? QString() : m_classifier.newestTimeAggregate();
    m_sides.both([&](DiffSide &side) {
        const auto pass = [&] {
            sums[side.which] = BucketSums::fetch(side, m_backup.sqlName(), m_ranges.bucketExpression(1),
                m_hashExpression, side.which == DiffSide::Backup ? newest : QString(), thresholds);
        };
        if (large)
            side.compiled(m_serverVersionNum, pass);
        else
            pass();
    });
    m_diff.backupRows = sums[DiffSide::Backup].rows;
    m_diff.liveRows = sums[DiffSide::Live].rows;
    const double firstPassNs = double(firstPass.nsecsElapsed());
    clock.lap("range sums");
    m_backupNewest = sums[DiffSide::Backup].newestTime;
    if (keyTellsNewest)
        m_backupNewest = m_classifier.keyTime(*info[DiffSide::Backup].maxKey);

    // Ranges with rows on one side only (keys written after the backup beyond its largest, a range
    // the incident emptied) hold nothing but differing rows: they are read whole, once, rather than
    // their key hashes first and then their rows by key.
    QList<int> pending, oneSided[2];
    qint64 mismatchingRows = 0;
    for (int bucket : BucketSums::mismatches(sums[DiffSide::Backup], sums[DiffSide::Live])) {
        const qint64 backupRows = sums[DiffSide::Backup].rowsIn(bucket), liveRows = sums[DiffSide::Live].rowsIn(bucket);
        m_bucketRows.insert(bucket, std::max(backupRows, liveRows));
        if (backupRows == 0 || liveRows == 0) {
            oneSided[backupRows == 0 ? DiffSide::Live : DiffSide::Backup] << bucket;
            continue;
        }
        pending << bucket;
        mismatchingRows += std::max(backupRows, liveRows);
    }
    readOneSided(oneSided, info);
    clock.lap(qPrintable(
        u"rows of %1 one-sided ranges"_s.arg(oneSided[DiffSide::Backup].size() + oneSided[DiffSide::Live].size())));
    // Mismatching ranges are read through the key index while that is on course to cost less than
    // one more sequential pass. Which one is cheaper depends on whether a range's rows lie together
    // in the heap (then a range costs about one page) or apart (a random page per row), and that
    // only shows when reading them: the first few ranges are timed, and the rest extrapolated
    // (LeafPathChooser).
    // SALVAGE_DIFF_LEAF_PATH=index|sequential forces one way (the tests run both: each must find
    // exactly the same rows).
    const QByteArray forcedPath = qgetenv("SALVAGE_DIFF_LEAF_PATH");
    m_useRanges = forcedPath.isEmpty()
        ? mismatchingRows * kRangeScanShare < std::max(m_diff.backupRows, m_diff.liveRows)
        : forcedPath == "index";
    LeafPathChooser path(firstPassNs);
    bool probed = false; // the first ranges through the index are few: they time that path
    // Every batch's keys, listed once at the end in one order: which path reads which ranges
    // depends on timing, and the same databases should give the same listing every run.
    LeafMatch differing;
    while (!pending.isEmpty()) {
        m_control.throwIfCancelled();
        const QList<int> buckets = m_useRanges
            ? nextBatch(pending, probed ? kLeafBatchBuckets : kProbeBuckets, kLeafBatchRows)
            : std::exchange(pending, {});
        // Keys and row hashes of the mismatching ranges only; the rest of the table is not hashed again.
        if (!m_useRanges) {
            if (std::optional<LeafMatch> match = streamLeaves(info, buckets)) {
                clock.lap(qPrintable(u"key hashes of %1 ranges (sequential, streamed)"_s.arg(buckets.size())));
                differing.add(std::move(*match));
                continue;
            }
        }
        Leaves leaves[2];
        QElapsedTimer batch;
        batch.start();
        m_sides.both([&](DiffSide &side) { leaves[side.which] = fetchLeaves(side, info[side.which], buckets); });
        clock.lap(qPrintable(
            u"key hashes of %1 ranges (%2)"_s.arg(buckets.size()).arg(m_useRanges ? u"index"_s : u"sequential"_s)));
        if (m_useRanges && forcedPath.isEmpty()) {
            path.addIndexBatch(buckets.size(), double(batch.nsecsElapsed()));
            m_useRanges = path.keepIndex(pending.size());
            if (!pending.isEmpty() && (!probed || !m_useRanges))
                qCDebug(lcDiffTiming, "%s %s", qPrintable(m_diff.table), qPrintable(path.describe(pending.size())));
            probed = true;
        }
        differing.add(matchLeaves(leaves[DiffSide::Backup], leaves[DiffSide::Live]));
    }
    differing.sort();
    addDiffering(differing);
    clock.lap("differing rows");
    m_diff.moves = m_moves->finish(m_diff.rows);
    if (m_spoolWriter)
        m_spoolWriter->flush(); // before m_diff leaves
    return m_diff;
}

QList<int> TableComparator::nextBatch(QList<int> &pending, int maxBuckets, qint64 maxRows) const
{
    QList<int> batch;
    qint64 rows = 0;
    while (!pending.isEmpty() && batch.size() < maxBuckets && (batch.isEmpty() || rows < maxRows)) {
        rows += m_bucketRows.value(pending.first());
        batch << pending.takeFirst();
    }
    return batch;
}

Leaves TableComparator::fetchLeaves(DiffSide &side, const KeyBounds &info, const QList<int> &buckets) const
{
    const int keyCount = int(m_backup.primaryKey.size());
    if (!info.minKey || buckets.isEmpty())
        return Leaves::read({}, keyCount, true); // this side is empty
    QStringList keyNames;
    for (const QString &key : m_backup.primaryKey)
        keyNames << sql::quoteIdent(key);
    std::vector<std::string> parameters;
    QString source;
    if (m_useRanges) {
        // Each range's ends travel, not the thresholds array: parsing a hundred thousand of them
        // costs more than reading a few ranges.
        QStringList lows, highs;
        QList<bool> closed;
        for (int bucket : buckets) {
            const KeyRanges::Span span = m_ranges.span(bucket, *info.minKey, *info.maxKey);
            lows << span.low;
            highs << span.high;
            closed << span.closed;
        }
        parameters.push_back(arrayLiteral(lows).toStdString());
        parameters.push_back(arrayLiteral(highs).toStdString());
        parameters.push_back(arrayLiteral(closed).toStdString());
        const QString key = sql::quoteIdent(m_ranges.column.name);
        // OFFSET 0 keeps one index scan per range: pulled up, the subquery would be hash-joined
        // with a scan of the whole table (the planner cannot know that a range holds a few rows).
        source = u"unnest($1::%1, $2::%1, $3::bool[]) AS r(salvage_lo, salvage_hi, salvage_closed) "
                 u"CROSS JOIN LATERAL (SELECT %2, %3 AS salvage_h FROM %4 WHERE %5 >= r.salvage_lo "
                 u"AND %5 <= r.salvage_hi AND (%5 < r.salvage_hi OR r.salvage_closed) OFFSET 0) AS x"_s.arg(
                     m_ranges.arrayType(), keyNames.join(u", "_s), m_hashExpression, m_backup.sqlName(), key);
    } else {
        source = sequentialLeafSource(buckets, parameters);
    }
    const QString query
        = u"SELECT %1, x.salvage_h FROM %2"_s.arg(RowFetcher::textColumns(m_backup.primaryKey, u"x"_s), source);
    return Leaves::read(pqxxcompat::execParamList(side.txn(), query.toStdString(), parameters), keyCount, false);
}

QString TableComparator::sequentialLeafSource(const QList<int> &buckets, std::vector<std::string> &parameters) const
{
    QStringList keyNames;
    for (const QString &key : m_backup.primaryKey)
        keyNames << sql::quoteIdent(key);
    QList<bool> wanted(m_ranges.bucketCount(), false);
    for (int bucket : buckets)
        wanted[bucket] = true;
    if (const auto thresholds = m_ranges.thresholdsParameter())
        parameters.push_back(thresholds->toStdString());
    parameters.push_back(arrayLiteral(wanted).toStdString());
    return u"(SELECT %1, %2 AS salvage_h FROM %3 WHERE ($%4::bool[])[%5 + 1]) AS x"_s.arg(keyNames.join(u", "_s),
        m_hashExpression, m_backup.sqlName(), QString::number(parameters.size()), m_ranges.bucketExpression(1));
}

std::optional<LeafMatch> TableComparator::streamLeaves(const KeyBounds (&info)[2], const QList<int> &buckets)
{
    const int keyCount = int(m_backup.primaryKey.size());
    bool open[2] = { false, false };
    m_sides.both([&](DiffSide &side) {
        if (!info[side.which].minKey)
            return; // this side is empty
        std::vector<std::string> parameters;
        const QString source = sequentialLeafSource(buckets, parameters);
        // Sorted by the keys' text in bytes, the order Leaves::compare() merges by.
        QStringList keys, order;
        for (int i = 0; i < keyCount; ++i) {
            keys << u"x.%1::text AS salvage_k%2"_s.arg(sql::quoteIdent(m_backup.primaryKey.at(i)), QString::number(i));
            order << u"salvage_k%1 COLLATE \"C\""_s.arg(i);
        }
        const QString query = u"DECLARE salvage_leaves NO SCROLL CURSOR FOR SELECT * FROM (SELECT %1, x.salvage_h "
                              u"FROM %2) AS y ORDER BY %3"_s.arg(keys.join(u", "_s), source, order.join(u", "_s));
        pqxxcompat::execParamList(side.txn(), query.toStdString(), parameters);
        open[side.which] = true;
    });
    Leaves leaves[2] = { Leaves::read({}, keyCount, true), Leaves::read({}, keyCount, true) };
    std::size_t position[2] = { 0, 0 };
    bool more[2] = { open[0], open[1] };
    bool ordered[2] = { true, true };
    // SALVAGE_DIFF_LEAF_BATCH=N: rows a FETCH (the tests take a few, to cross many batches).
    const qint64 batchRows = qEnvironmentVariableIntValue("SALVAGE_DIFF_LEAF_BATCH") > 0
        ? qEnvironmentVariableIntValue("SALVAGE_DIFF_LEAF_BATCH")
        : kLeafBatchRows;
    const std::string fetch = "FETCH " + std::to_string(batchRows) + " FROM salvage_leaves";
    const auto refill = [&](DiffSide &side) {
        Leaves next = Leaves::read(side.txn().exec(fetch), keyCount, true);
        more[side.which] = qint64(next.result.size()) == batchRows;
        ordered[side.which] = next.inOrder(&leaves[side.which]);
        leaves[side.which] = std::move(next);
        position[side.which] = 0;
    };
    LeafMatch match;
    for (;;) {
        m_control.throwIfCancelled();
        const bool backup = position[0] == leaves[0].rows.size() && more[0];
        const bool live = position[1] == leaves[1].rows.size() && more[1];
        if (backup && live)
            m_sides.both(refill);
        else if (backup || live)
            m_sides.one(backup ? DiffSide::Backup : DiffSide::Live, refill);
        if (!ordered[0] || !ordered[1])
            break;
        const bool backupDone = position[0] == leaves[0].rows.size() && !more[0];
        const bool liveDone = position[1] == leaves[1].rows.size() && !more[1];
        if (backupDone && liveDone)
            break;
        if (backupDone)
            match.rest(leaves[1], position[1], false);
        else if (liveDone)
            match.rest(leaves[0], position[0], true);
        else
            match.merge(leaves[0], position[0], leaves[1], position[1]);
    }
    m_sides.both([&](DiffSide &side) {
        if (open[side.which])
            side.txn().exec("CLOSE salvage_leaves");
    });
    if (!ordered[0] || !ordered[1])
        return std::nullopt;
    return match;
}

LeafMatch TableComparator::matchLeaves(const Leaves &backup, const Leaves &live)
{
    LeafMatch match;
    std::size_t b = 0, l = 0;
    match.merge(backup, b, live, l);
    match.rest(backup, b, true);
    match.rest(live, l, false);
    return match;
}

void TableComparator::addDiffering(const LeafMatch &match)
{
    // Changed keys come first on both sides, in the same order, so that each batch holds both
    // versions of the rows it changes; a key's place tells changed from one-sided. A batch's keys
    // are copied out of the match, not the whole lists joined (a copy of every key for the table).
    const qsizetype changed = match.changed.size();
    const QList<QStringList> *oneSided[2] = { &match.onlyBackup, &match.onlyLive };
    const auto batch = [&](DiffSide::Which side, qsizetype start) {
        QList<QStringList> keys = match.changed.mid(start, kRowBatch);
        if (keys.size() < kRowBatch)
            keys += oneSided[side]->mid(std::max<qsizetype>(0, start - changed), kRowBatch - keys.size());
        return keys;
    };
    // Only a changed row needs the digest: it tells the two versions apart. A row on one side is
    // read without it, as in readOneSided (the digest was half the fetch's time: 5,000
    // notifications by key, 23-28 ms against 12-14 ms).
    const RowFetcher changedFetchers[2] = { fetcher(DiffSide::Backup), fetcher(DiffSide::Live) };
    const RowFetcher oneSidedFetchers[2] = { fetcher(DiffSide::Backup, false), fetcher(DiffSide::Live, false) };
    for (qsizetype start = 0; start < changed + std::max(match.onlyBackup.size(), match.onlyLive.size());
         start += kRowBatch) {
        const QList<QStringList> keys[2] = { batch(DiffSide::Backup, start), batch(DiffSide::Live, start) };
        QHash<QString, RowFetcher::Row> rows[2];
        m_sides.both([&](DiffSide &side) {
            const QList<QStringList> &sideKeys = keys[side.which];
            const qsizetype changedHere = std::clamp<qsizetype>(changed - start, 0, sideKeys.size());
            if (changedHere > 0)
                rows[side.which] = changedFetchers[side.which].fetch(side, sideKeys.first(changedHere));
            if (changedHere < sideKeys.size())
                rows[side.which].insert(oneSidedFetchers[side.which].fetch(side, sideKeys.sliced(changedHere)));
        });
        // In the keys' order, not the hash's: the same databases give the same listing every run.
        for (qsizetype i = 0; i < keys[DiffSide::Backup].size(); ++i) {
            const QString joined = JoinedKey::join(keys[DiffSide::Backup].at(i));
            const auto it = rows[DiffSide::Backup].constFind(joined);
            if (it == rows[DiffSide::Backup].cend())
                continue;
            if (start + i >= changed)
                addOnlyInBackup(joined, *it);
            else
                addChanged(joined, *it, rows[DiffSide::Live].value(joined));
        }
        for (qsizetype i = std::max<qsizetype>(0, changed - start); i < keys[DiffSide::Live].size(); ++i) {
            const QString joined = JoinedKey::join(keys[DiffSide::Live].at(i));
            const auto it = rows[DiffSide::Live].constFind(joined);
            if (it != rows[DiffSide::Live].cend())
                addOnlyInLive(joined, *it);
        }
        m_control.throwIfCancelled();
    }
}

void TableComparator::readOneSided(const QList<int> (&buckets)[2], const KeyBounds (&info)[2])
{
    // No digest: it tells changed rows apart, and these are only on one side (0.16 s of the live
    // server's CPU for statuses' 180,000 new rows at demo scale 300).
    const RowFetcher fetchers[2] = { fetcher(DiffSide::Backup, false), fetcher(DiffSide::Live, false) };
    QList<int> pending[2] = { buckets[0], buckets[1] };
    while (!pending[DiffSide::Backup].isEmpty() || !pending[DiffSide::Live].isEmpty()) {
        m_control.throwIfCancelled();
        QList<int> batch[2];
        for (QList<int> &side : pending)
            batch[&side - pending] = nextBatch(side, kLeafBatchBuckets, kRowBatch);
        std::vector<RowFetcher::KeyedRow> rows[2];
        m_sides.both([&](DiffSide &side) {
            QStringList lows, highs;
            QList<bool> closed;
            for (int bucket : std::as_const(batch[side.which])) {
                const KeyRanges::Span span = m_ranges.span(bucket, *info[side.which].minKey, *info[side.which].maxKey);
                lows << span.low;
                highs << span.high;
                closed << span.closed;
            }
            rows[side.which] = fetchers[side.which].fetchRanges(side, m_ranges.column, lows, highs, closed);
        });
        for (const auto &[key, row] : rows[DiffSide::Backup])
            addOnlyInBackup(key, row);
        for (const auto &[key, row] : rows[DiffSide::Live])
            addOnlyInLive(key, row);
    }
}

void TableComparator::addOnlyInBackup(const QString &key, const RowFetcher::Row &fetched)
{
    DiffRow row;
    row.status = DiffRow::Status::OnlyInBackup;
    row.key = JoinedKey::split(key);
    row.backupValues = fetched.values;
    ++m_diff.onlyInBackup;
    keep(std::move(row));
}

void TableComparator::addChanged(const QString &key, const RowFetcher::Row &backup, const RowFetcher::Row &live)
{
    DiffRow row;
    row.key = JoinedKey::split(key);
    row.backupValues = backup.values;
    row.liveValues = live.values;
    for (int i = 0; i < m_diff.columns.size() && i < row.liveValues.size(); ++i) {
        if (m_comparedByValue.at(i) && row.backupValues.at(i) != row.liveValues.at(i))
            row.changedColumns << m_diff.columns.at(i);
    }
    if (row.changedColumns.isEmpty() && backup.digest == live.digest)
        return; // equal text, a hash of equal values that differ in form only
    ++m_diff.changed;
    m_moves->add(row);
    keep(std::move(row));
}

void TableComparator::addOnlyInLive(const QString &key, const RowFetcher::Row &fetched)
{
    DiffRow row;
    row.status = DiffRow::Status::OnlyInLive;
    row.key = JoinedKey::split(key);
    row.liveValues = fetched.values;
    row.origin = DiffRow::Origin::Unexplained;
    if (m_classifier.keyCarriesTime())
        row.liveTime = m_classifier.keyTime(row.key.first());
    else if (m_classifier.creationColumn())
        row.liveTime = fetched.time;
    else if (m_classifier.keyBeyondBackup(row.key.first()))
        row.origin = DiffRow::Origin::NewSinceBackup;
    ++m_diff.onlyInLive;
    if (m_rowSink)
        (*m_rowSink)(m_diff, row);
    // A counts-only diff keeps a row with a time as its time (and key) only: its origin depends on
    // nothing else, unless moves pair it with a lost row at the table's end.
    if (row.liveTime && m_retention == RowRetention::Counts && !m_moves->pairsLostAndNew()) {
        m_diff.dated.add(*row.liveTime, 1, m_diff.dated.keepsKeys() ? key : QString());
        return;
    }
    // Kept: SequenceOrigin and RowPruner judge it after the table.
    m_diff.rows << std::move(row);
    spoolIfSettled();
}

RowFetcher TableComparator::fetcher(DiffSide::Which side, bool changed) const
{
    using Need = RowFetcher::Need;
    QList<Need> needs;
    QList<bool> digested;
    if (m_comparedByValue.contains(false)) {
        // A lost row is only counted. A row only in live is dated by its key or time column, else
        // SequenceOrigin, ParentOrigin and RowPruner read its values (addOnlyInLive).
        const Need rest = side == DiffSide::Backup || m_classifier.keyCarriesTime() ? Need::Nothing
            : m_classifier.creationColumn()                                         ? Need::WhenUndated
                                                                                    : Need::Value;
        for (bool byValue : m_comparedByValue) {
            needs << (byValue ? Need::Value : rest);
            digested << (!byValue && changed);
        }
    }
    return RowFetcher(m_backup, m_diff.columns, m_classifier.timeExpression(), needs, digested);
}

void TableComparator::keep(DiffRow &&row)
{
    if (m_rowSink)
        (*m_rowSink)(m_diff, row);
    // A counts-only diff keeps lost rows only to pair them with new ones into moves, changed rows never.
    const bool needed = m_retention != RowRetention::Counts
        || (row.status == DiffRow::Status::OnlyInBackup && m_moves->pairsLostAndNew());
    if (needed) {
        m_diff.rows << std::move(row);
        spoolIfSettled();
    }
}

void TableComparator::spoolIfSettled()
{
    if (!m_spoolWriter)
        return;
    // Still read after the table: an undated new row's values by SequenceOrigin and ParentOrigin,
    // lost and new rows' by the moves that pair them (MoveSummarizer::finish).
    const DiffRow &row = m_diff.rows.constLast();
    const bool undatedNew = row.status == DiffRow::Status::OnlyInLive && !row.liveTime;
    const bool paired = row.status != DiffRow::Status::Changed && m_moves->pairsLostAndNew();
    if (!undatedNew && !paired)
        m_spoolWriter->add(m_diff.rows.size() - 1);
}

} // namespace salvage
