#include "diff/keyrangepartitioner.h"

#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/rowhasher.h"
#include "diff/sidepair.h"

#include <QSet>
#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
constexpr double kRowsPerBucket = 16; // a mismatching range costs this many rows hashed again
constexpr double kMaxFixedBuckets = 200000;
constexpr double kMaxVariableBuckets = 600;
constexpr double kGuessRowsPerPage = 60; // when the table was never analysed
} // namespace

QString KeyRanges::bucketExpression(int parameter, const QString &alias) const
{
    const QString column = (alias.isEmpty() ? QString() : alias + u'.') + sql::quoteIdent(this->column.name);
    return u"width_bucket(%1, $%2::%3)"_s.arg(column).arg(parameter).arg(arrayType());
}

bool KeyRangePartitioner::isFixedWidth(const Column &column)
{
    static const QSet<QString> fixed { u"int2"_s, u"int4"_s, u"int8"_s, u"oid"_s, u"uuid"_s, u"date"_s, u"timestamp"_s,
        u"timestamptz"_s, u"time"_s, u"float4"_s, u"float8"_s, u"bool"_s, u"char"_s, u"money"_s };
    return fixed.contains(column.typeName);
}

KeyRanges KeyRangePartitioner::partition(
    DiffSide &side, const Table &table, const Column &keyColumn, qint64 pages, double reltuples, int serverVersionNum)
{
    KeyRanges ranges;
    ranges.column = keyColumn;
    const double rows = reltuples > 0 ? reltuples : double(std::max<qint64>(pages, 1)) * kGuessRowsPerPage;
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
