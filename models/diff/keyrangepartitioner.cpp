#include "diff/keyrangepartitioner.h"

#include "db/sqlident.h"
#include "diff/sidepair.h"

#include <QSet>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
constexpr double kRowsPerBucket = 16;     // a mismatching range costs this many rows hashed again
constexpr double kMaxFixedBuckets = 200000;
constexpr double kMaxVariableBuckets = 600;
constexpr double kSamplePerBucket = 2;    // sampled keys per range: enough to even out row sampling
constexpr double kGuessRowsPerPage = 60;  // when the table was never analysed
} // namespace

QString KeyRanges::bucketExpression(int parameter, const QString &alias) const
{
    const QString column = (alias.isEmpty() ? QString() : alias + u'.') + sql::quoteIdent(this->column.name);
    return u"width_bucket(%1, $%2::%3)"_s.arg(column).arg(parameter).arg(arrayType());
}

bool KeyRangePartitioner::isFixedWidth(const Column &column)
{
    static const QSet<QString> fixed{u"int2"_s, u"int4"_s, u"int8"_s, u"oid"_s, u"uuid"_s, u"date"_s,
                                     u"timestamp"_s, u"timestamptz"_s, u"time"_s, u"float4"_s, u"float8"_s,
                                     u"bool"_s, u"char"_s, u"money"_s};
    return fixed.contains(column.typeName);
}

KeyRanges KeyRangePartitioner::partition(DiffSide &side, const Table &table, const Column &keyColumn, qint64 pages,
                                         double reltuples)
{
    KeyRanges ranges;
    ranges.column = keyColumn;
    const double rows = reltuples > 0 ? reltuples : double(std::max<qint64>(pages, 1)) * kGuessRowsPerPage;
    const double maxBuckets = isFixedWidth(keyColumn) ? kMaxFixedBuckets : kMaxVariableBuckets;
    const double buckets = std::min(maxBuckets, std::floor(rows / kRowsPerBucket));
    if (buckets < 2)
        return ranges;
    const double percent = std::min(100.0, 100.0 * buckets * kSamplePerBucket / rows);
    const qint64 step = std::max<qint64>(1, qint64(std::llround(rows * percent / 100.0 / buckets)));

    // Rows, not pages, are sampled: keys stored in key order would otherwise come in runs of a
    // page each, and the ranges between the runs would be far larger than the rest.
    const QString key = sql::quoteIdent(keyColumn.name);
    const bool unique = table.primaryKey.size() == 1;
    const QString query =
        u"SELECT k::text FROM (SELECT k, row_number() OVER (ORDER BY k) AS rn FROM "
        u"(SELECT %1 %2 AS k FROM %3 TABLESAMPLE BERNOULLI ($1::float8)) AS d) AS s "
        u"WHERE rn % $2::bigint = 0 ORDER BY rn"_s.arg(unique ? QString() : u"DISTINCT"_s, key, table.sqlName());
    const pqxx::result result = side.txn().exec_params(query.toStdString(), percent, step);
    ranges.thresholds.reserve(int(result.size()));
    for (const auto &row : result)
        ranges.thresholds << QString::fromUtf8(row[0].c_str());
    return ranges;
}

} // namespace salvage
