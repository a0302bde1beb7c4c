#include "diff/bucketsums.h"

#include "core/error.h"
#include "db/pqxxcompat.h"
#include "diff/sidepair.h"

#include <algorithm>
#include <charconv>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
constexpr int kFetchRanges = 20000;

// A numeric the server printed as an integer ("-12345"); throws on anything else.
__extension__ typedef unsigned __int128 UnsignedHashSum;

HashSum parseSum(const char *text, std::size_t size)
{
    std::size_t i = 0;
    const bool negative = size > 0 && text[0] == '-';
    i += negative ? 1 : 0;
    if (i == size)
        throw Error(u"Unexpected hash sum from the server: %1"_s.arg(QString::fromUtf8(text, qsizetype(size))));
    UnsignedHashSum value = 0;
    for (; i < size; ++i) {
        if (text[i] < '0' || text[i] > '9')
            throw Error(u"Unexpected hash sum from the server: %1"_s.arg(QString::fromUtf8(text, qsizetype(size))));
        value = value * 10 + unsigned(text[i] - '0');
    }
    return negative ? -HashSum(value) : HashSum(value);
}
} // namespace

BucketSums BucketSums::fetch(DiffSide &side, const QString &table, const QString &bucketExpression,
    const QString &hashExpression, const QString &newestAggregate, const std::optional<QString> &parameter)
{
    const QString newest = newestAggregate.isEmpty() ? u"NULL::float8"_s : newestAggregate;
    // Flat on purpose: a subquery with the whole row made the planner sort wide rows to group them.
    QString bucket = bucketExpression;
    bucket.replace(u"%HASH%"_s, hashExpression);
    const QString query
        = u"SELECT %1, count(*), sum(%2)::text, %3 FROM %4 GROUP BY 1"_s.arg(bucket, hashExpression, newest, table);
    // Through a cursor, a few thousand ranges at a time: the server's text of 200,000 ranges would
    // take 20 MB a side at once, their parsed sums take 6.
    const std::string declare = "DECLARE salvage_sums NO SCROLL CURSOR FOR " + query.toStdString();
    if (parameter)
        pqxxcompat::execParams(side.txn(), declare, parameter->toStdString());
    else
        side.txn().exec(declare);
    BucketSums sums;
    for (;;) {
        const pqxx::result result = side.txn().exec("FETCH " + std::to_string(kFetchRanges) + " FROM salvage_sums");
        sums.add(result);
        if (result.size() < std::size_t(kFetchRanges))
            break;
    }
    side.txn().exec("CLOSE salvage_sums");
    std::sort(sums.buckets.begin(), sums.buckets.end(), [](const Bucket &a, const Bucket &b) { return a.id < b.id; });
    return sums;
}

void BucketSums::add(const pqxx::result &result)
{
    BucketSums &sums = *this;
    for (const auto &row : result) {
        Bucket entry { row[0].as<int>(), row[1].as<qint64>(), parseSum(row[2].c_str(), row[2].size()) };
        sums.rows += entry.rows;
        sums.buckets.push_back(std::move(entry));
        if (!row[3].is_null()) {
            // from_chars rather than a stream: one value per range, a hundred thousand of them.
            double time = 0;
            const char *field = row[3].c_str();
            if (std::from_chars(field, field + row[3].size(), time).ec == std::errc())
                sums.newestTime = sums.newestTime ? std::max(*sums.newestTime, time) : time;
        }
    }
}

qint64 BucketSums::rowsIn(int id) const
{
    const auto it = std::lower_bound(
        buckets.cbegin(), buckets.cend(), id, [](const Bucket &bucket, int wanted) { return bucket.id < wanted; });
    return it != buckets.cend() && it->id == id ? it->rows : 0;
}

QList<int> BucketSums::mismatches(const BucketSums &backup, const BucketSums &live)
{
    // Both lists are sorted by bucket: one merge finds the buckets that differ or exist on one side.
    QList<int> ids;
    auto b = backup.buckets.cbegin();
    auto l = live.buckets.cbegin();
    while (b != backup.buckets.cend() || l != live.buckets.cend()) {
        if (l == live.buckets.cend() || (b != backup.buckets.cend() && b->id < l->id)) {
            ids << (b++)->id;
        } else if (b == backup.buckets.cend() || l->id < b->id) {
            ids << (l++)->id;
        } else {
            if (b->rows != l->rows || b->hashSum != l->hashSum)
                ids << b->id;
            ++b, ++l;
        }
    }
    return ids;
}

} // namespace salvage
