#include "diff/bucketsums.h"

#include "db/pqxxcompat.h"
#include "diff/sidepair.h"

#include <algorithm>
#include <charconv>

using namespace Qt::StringLiterals;

namespace salvage {

BucketSums BucketSums::fetch(DiffSide &side, const QString &table, const QString &bucketExpression,
    const QString &hashExpression, const QString &newestAggregate, const std::optional<QString> &parameter)
{
    const QString newest = newestAggregate.isEmpty() ? u"NULL::float8"_s : newestAggregate;
    // Flat on purpose: a subquery with the whole row made the planner sort wide rows to group them.
    QString bucket = bucketExpression;
    bucket.replace(u"%HASH%"_s, hashExpression);
    const QString query
        = u"SELECT %1, count(*), sum(%2)::text, %3 FROM %4 GROUP BY 1"_s.arg(bucket, hashExpression, newest, table);
    const std::string text = query.toStdString();
    const pqxx::result result
        = parameter ? pqxxcompat::execParams(side.txn(), text, parameter->toStdString()) : side.txn().exec(text);
    BucketSums sums;
    sums.buckets.reserve(result.size());
    for (const auto &row : result) {
        Bucket entry { row[0].as<int>(), row[1].as<qint64>(), QByteArray(row[2].c_str(), qsizetype(row[2].size())) };
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
    std::sort(sums.buckets.begin(), sums.buckets.end(), [](const Bucket &a, const Bucket &b) { return a.id < b.id; });
    return sums;
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
