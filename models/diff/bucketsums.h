#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>
#include <vector>

#include <pqxx/result>

namespace salvage {

struct DiffSide;

__extension__ typedef __int128 HashSum; // GCC's and Clang's; -Wpedantic knows no 128-bit integer

/// Count and hash sum per bucket of one side of one table, computed in one server-side pass.
struct BucketSums
{
    struct Bucket
    {
        int id = 0;
        qint64 rows = 0;
        /// The server's numeric sum (sums of 64-bit hashes overflow bigint; fewer than 2^63 of them
        /// fit in 127 bits), held in 16 bytes rather than as its text: a table's ranges number up to
        /// 200,000 a side.
        HashSum hashSum = 0;
    };
    std::vector<Bucket> buckets; ///< ascending by id: a table's ranges can number a hundred thousand
    qint64 rows = 0;
    std::optional<double> newestTime; ///< the newest aggregate over all buckets

    /// The rows in bucket `id`, 0 when it has none.
    qint64 rowsIn(int id) const;
    /// Runs `SELECT bucket, count(*), sum(hash), newest … GROUP BY bucket` on `side`, `newest`
    /// being a float8 aggregate (RowClassifier::newestTimeAggregate()) or empty.
    /// `parameter` is bound as $1 when not null (the key-range thresholds); %HASH% in
    /// `bucketExpression` stands for the row hash.
    static BucketSums fetch(DiffSide &side, const QString &table, const QString &bucketExpression,
        const QString &hashExpression, const QString &newestAggregate, const std::optional<QString> &parameter);
    /// Adds the ranges of one FETCH (bucket, count, sum as text, newest time).
    void add(const pqxx::result &result);
    /// Buckets whose count or hash sum differ between the sides, ascending.
    static QList<int> mismatches(const BucketSums &backup, const BucketSums &live);
};

} // namespace salvage
