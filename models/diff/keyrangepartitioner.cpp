#include "diff/keyrangepartitioner.h"

#include "db/arrayliteral.h"
#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/rowhasher.h"
#include "diff/sidepair.h"

#include <QSet>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
constexpr double kRowsPerBucket = 16; // a mismatching range costs this many rows hashed again
constexpr double kMaxFixedBuckets = 200000;
constexpr double kMaxVariableBuckets = 600;
constexpr double kGuessRowsPerPage = 60; // when the table was never analysed
// Even ranges are given up when the histogram shows a stretch of keys this much denser than the
// average: a mismatching range there would read that many times the rows again.
constexpr double kMaxDensityRatio = 4;

// pg_stats.histogram_bounds of an integer column, "{1,17,40}"; empty when it is not one.
std::vector<qint64> integerBounds(const QString &histogram)
{
    std::vector<qint64> bounds;
    if (histogram.size() < 2 || !histogram.startsWith(u'{') || !histogram.endsWith(u'}'))
        return {};
    for (const QStringView part : QStringView(histogram).sliced(1, histogram.size() - 2).split(u',')) {
        bool ok = false;
        bounds.push_back(part.toLongLong(&ok));
        if (!ok)
            return {};
    }
    return bounds;
}

// The most rows one range of `step` keys holds on a side between keys `from` and `to`, as its
// histogram tells: every stretch between two bounds holds the same share of the rows.
double densestRange(const std::vector<qint64> &bounds, double rows, qint64 step, qint64 from, qint64 to)
{
    const double perStretch = rows / double(bounds.size() - 1);
    double densest = 0;
    for (std::size_t i = 0; i + 1 < bounds.size(); ++i) {
        // A stretch across `from` or `to` holds rows of both sides of it (the backup's last and
        // the first written after it, the latter much denser): its width says nothing.
        if (bounds[i] < from || bounds[i + 1] > to)
            continue;
        const double width = std::max(double(bounds[i + 1]) - double(bounds[i]), double(step));
        densest = std::max(densest, perStretch * double(step) / width);
    }
    return densest;
}

// The share of a side's rows above `key`, by its histogram.
double shareAbove(const std::vector<qint64> &bounds, qint64 key)
{
    const auto above = std::count_if(bounds.cbegin(), bounds.cend(), [key](qint64 bound) { return bound > key; });
    return double(above) / double(bounds.size() - 1);
}

// Keys per range for about kRowsPerBucket rows a range, `rows` spread over `width` + 1 keys.
qint64 stepFor(double rows, qint64 width, double maxBuckets)
{
    const double buckets = std::max(1.0, std::min(maxBuckets, std::floor(rows / kRowsPerBucket)));
    return std::max<qint64>(1, qint64(std::ceil((double(width) + 1) / buckets)));
}
} // namespace

int KeyRanges::headBuckets() const
{
    return int((split - origin) / step) + 1;
}

int KeyRanges::bucketCount() const
{
    if (!even())
        return int(thresholds.size()) + 1;
    return headBuckets() + (tailStep > 0 ? int((last - split - 1) / tailStep) + 1 : 0);
}

std::optional<QString> KeyRanges::thresholdsParameter() const
{
    if (even())
        return std::nullopt;
    return arrayLiteral(thresholds);
}

KeyRanges::Span KeyRanges::span(int bucket, const QString &minKey, const QString &maxKey) const
{
    if (even()) {
        // Closed at the range's last key, which never passes the end of its stretch.
        const bool tail = bucket >= headBuckets();
        const qint64 width = tail ? tailStep : step;
        const qint64 low
            = tail ? split + 1 + qint64(bucket - headBuckets()) * tailStep : origin + qint64(bucket) * step;
        const qint64 end = tail ? last : split;
        return { QString::number(low), QString::number(std::min(end - low, width - 1) + low), true };
    }
    // The outer ranges end at this side's own smallest and largest key, so every range is bounded
    // and the key index can serve it.
    return { bucket == 0 ? minKey : thresholds.at(bucket - 1),
        bucket == thresholds.size() ? maxKey : thresholds.at(bucket), bucket == thresholds.size() };
}

void KeyRanges::setApartKeysAbove(const QString &backupMaxKey, const QString &liveMaxKey)
{
    // Thresholds sampled on the backup end at its keys: every key written after it would share the
    // last range with backup rows, and be hashed and then fetched by key (at demo scale 300, 28,652
    // notifications). In a range of their own they are on one side only, read whole once.
    if (even() || !KeyRangePartitioner::isInteger(column))
        return;
    bool backupOk = false, liveOk = false;
    const qint64 backupMax = backupMaxKey.toLongLong(&backupOk), liveMax = liveMaxKey.toLongLong(&liveOk);
    if (!backupOk || !liveOk || liveMax <= backupMax)
        return; // past the backup's largest key, live's is the column's own limit at most: +1 fits
    thresholds << QString::number(backupMax + 1);
}

QString KeyRanges::bucketExpression(int parameter, const QString &alias) const
{
    const QString column = (alias.isEmpty() ? QString() : alias + u'.') + sql::quoteIdent(this->column.name);
    if (even()) {
        // In the column's own type when the difference fits it: a cast is one more call per row.
        const bool fits = this->column.typeName == "int8"_L1
            || (last - origin <= std::numeric_limits<qint32>::max() && origin >= std::numeric_limits<qint32>::min()
                && origin <= std::numeric_limits<qint32>::max());
        const QString key = column + (fits ? QString() : u"::int8"_s);
        const QString head = u"((%1 - (%2)) / %3)"_s.arg(key, QString::number(origin), QString::number(step));
        if (tailStep == 0)
            return head;
        return u"(CASE WHEN %1 <= %2 THEN %3 ELSE %4 + (%1 - (%5)) / %6 END)"_s.arg(key, QString::number(split), head,
            QString::number(headBuckets()), QString::number(split + 1), QString::number(tailStep));
    }
    return u"width_bucket(%1, $%2::%3)"_s.arg(column, QString::number(parameter), arrayType());
}

bool KeyRangePartitioner::isInteger(const Column &column)
{
    return column.typeName == "int2"_L1 || column.typeName == "int4"_L1 || column.typeName == "int8"_L1;
}

std::optional<KeyRanges> KeyRangePartitioner::even(
    const Column &keyColumn, const KeyBounds &backup, const KeyBounds &live)
{
    if (!isInteger(keyColumn))
        return std::nullopt;
    KeyRanges ranges;
    ranges.column = keyColumn;
    bool any = false;
    for (const KeyBounds *side : { &backup, &live }) {
        if (!side->minKey || !side->maxKey)
            continue;
        const qint64 low = side->minKey->toLongLong(), high = side->maxKey->toLongLong();
        ranges.origin = any ? std::min(ranges.origin, low) : low;
        ranges.last = any ? std::max(ranges.last, high) : high;
        any = true;
    }
    qint64 width = 0;
    // The server computes key - origin in bigint: the keys must not span more than it holds.
    if (!any || __builtin_sub_overflow(ranges.last, ranges.origin, &width))
        return std::nullopt;
    const std::vector<qint64> bounds[2] = { integerBounds(backup.histogram), integerBounds(live.histogram) };
    const bool judged[2]
        = { bounds[0].size() >= 3 && backup.reltuples > 0, bounds[1].size() >= 3 && live.reltuples > 0 };
    if (!judged[0] && !judged[1])
        return std::nullopt; // without a histogram nothing says the keys are spread evenly
    // The keys LIVE wrote after the backup, beyond the backup's largest, are spread by LIVE's
    // density there (in the demo, the statuses of a few hours packed sixteen times as tight as the
    // backup's): a stretch of ranges of their own.
    ranges.split = ranges.last;
    double headRows = std::max(backup.reltuples, live.reltuples);
    double tailRows = 0;
    if (backup.maxKey && judged[1] && backup.reltuples > 0) {
        const qint64 backupMax = backup.maxKey->toLongLong();
        tailRows = live.reltuples * shareAbove(bounds[1], backupMax);
        if (backupMax < ranges.last && tailRows >= kRowsPerBucket) {
            ranges.split = backupMax;
            headRows = std::max(backup.reltuples, live.reltuples - tailRows);
        } else {
            tailRows = 0;
        }
    }
    if (std::floor((headRows + tailRows) / kRowsPerBucket) < 2)
        return std::nullopt; // one range for the whole table: the thresholds' way needs no sample either
    const double share = headRows / (headRows + tailRows);
    ranges.step = stepFor(headRows, ranges.split - ranges.origin, kMaxFixedBuckets * share);
    if (tailRows > 0)
        ranges.tailStep = stepFor(tailRows, ranges.last - ranges.split - 1, kMaxFixedBuckets * (1 - share));
    // Measured against the rows a range holds on average: past 3.2 M rows (200,000 ranges of 16) that
    // is more than 16, as with thresholds, and a 4x bound of 16 refused even ranges to any larger
    // table (statuses at demo scale 300, 51 rows a range and 66 at the densest, paid a sample and a
    // binary search a row instead).
    const double headMost = kMaxDensityRatio
        * std::max(kRowsPerBucket, headRows / double((ranges.split - ranges.origin) / ranges.step + 1));
    const double tailMost = ranges.tailStep > 0 ? kMaxDensityRatio
            * std::max(kRowsPerBucket, tailRows / double((ranges.last - ranges.split - 1) / ranges.tailStep + 1))
                                                : 0;
    for (int i : { 0, 1 }) {
        const double rows = i == 0 ? backup.reltuples : live.reltuples;
        if (judged[i] && densestRange(bounds[i], rows, ranges.step, ranges.origin, ranges.split) > headMost)
            return std::nullopt;
        if (judged[i] && ranges.tailStep > 0
            && densestRange(bounds[i], rows, ranges.tailStep, ranges.split + 1, ranges.last) > tailMost)
            return std::nullopt;
    }
    return ranges;
}

bool KeyRangePartitioner::isFixedWidth(const Column &column)
{
    static const QSet<QString> fixed { u"int2"_s, u"int4"_s, u"int8"_s, u"oid"_s, u"uuid"_s, u"date"_s, u"timestamp"_s,
        u"timestamptz"_s, u"time"_s, u"float4"_s, u"float8"_s, u"bool"_s, u"char"_s, u"money"_s };
    return fixed.contains(column.typeName);
}

KeyRanges KeyRangePartitioner::partition(
    DiffSide &side, const Table &table, const Column &keyColumn, const KeyBounds &bounds, int serverVersionNum)
{
    KeyRanges ranges;
    ranges.column = keyColumn;
    const double rows
        = bounds.reltuples > 0 ? bounds.reltuples : double(std::max<qint64>(bounds.pages, 1)) * kGuessRowsPerPage;
    const double maxBuckets = isFixedWidth(keyColumn) ? kMaxFixedBuckets : kMaxVariableBuckets;
    const double buckets = std::min(maxBuckets, std::floor(rows / kRowsPerBucket));
    if (buckets < 2)
        return ranges;
    const qint64 every = std::max<qint64>(1, std::llround(rows / buckets));

    // Keys are picked by their hash, not by TABLESAMPLE: a hash spreads the picks evenly whatever
    // the physical order (a page sample brings keys stored in key order in runs), costs less than a
    // random number per row, and lets the key index deliver the picks already sorted.
    const QString key = sql::quoteIdent(keyColumn.name);
    const QString hash = RowHasher({ keyColumn }, serverVersionNum).hashExpression();
    // d.k, qualified, sorts by the key rather than by the text output column of that name.
    const QString query
        = u"SELECT d.k::text FROM (SELECT %1 t.%2 AS k FROM %3 AS t WHERE %4 % $1::bigint = 0) AS d "
          u"ORDER BY d.k"_s.arg(table.primaryKey.size() == 1 ? QString() : u"DISTINCT"_s, key, table.sqlName(), hash);
    const pqxx::result result = pqxxcompat::execParams(side.txn(), query.toStdString(), every);
    ranges.thresholds.reserve(int(result.size()));
    for (const auto &row : result)
        ranges.thresholds << QString::fromUtf8(row[0].c_str());
    return ranges;
}

} // namespace salvage
