#include "diff/bucketsums.h"

#include "diff/sidepair.h"

#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace salvage {

BucketSums BucketSums::fetch(DiffSide &side, const QString &table, const QString &bucketExpression,
                             const QString &hashExpression, const QString &newestAggregate,
                             const std::optional<QString> &parameter)
{
    const QString newest = newestAggregate.isEmpty() ? u"NULL::float8"_s : newestAggregate;
    // Flat on purpose: a subquery with the whole row made the planner sort wide rows to group them.
    QString bucket = bucketExpression;
    bucket.replace(u"%HASH%"_s, hashExpression);
    const QString query =
        u"SELECT %1, count(*), sum(%2)::text, %3 FROM %4 GROUP BY 1"_s.arg(bucket, hashExpression, newest, table);
    const std::string text = query.toStdString();
    const pqxx::result result = parameter ? side.txn().exec_params(text, parameter->toStdString())
                                          : side.txn().exec(text);
    BucketSums sums;
    sums.buckets.reserve(int(result.size()));
    for (const auto &row : result) {
        const Bucket entry{row[1].as<qint64>(), QString::fromUtf8(row[2].c_str())};
        sums.rows += entry.rows;
        sums.buckets.insert(row[0].as<int>(), entry);
        if (!row[3].is_null()) {
            const double time = row[3].as<double>();
            sums.newestTime = sums.newestTime ? std::max(*sums.newestTime, time) : time;
        }
    }
    return sums;
}

QList<int> BucketSums::mismatches(const BucketSums &backup, const BucketSums &live)
{
    QSet<int> ids;
    for (auto it = backup.buckets.cbegin(); it != backup.buckets.cend(); ++it) {
        const auto other = live.buckets.constFind(it.key());
        if (other == live.buckets.cend() || other->rows != it->rows || other->hashSum != it->hashSum)
            ids.insert(it.key());
    }
    for (auto it = live.buckets.cbegin(); it != live.buckets.cend(); ++it) {
        if (!backup.buckets.contains(it.key()))
            ids.insert(it.key());
    }
    QList<int> sorted(ids.cbegin(), ids.cend());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

} // namespace salvage
