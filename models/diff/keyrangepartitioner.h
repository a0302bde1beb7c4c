#pragma once

#include "db/schema.h"

#include <QString>
#include <QStringList>

namespace salvage {

struct DiffSide;

/// Ranges over the leading primary-key column: thresholds t1 < t2 < … < tM (as text) such that
/// bucket 0 holds keys below t1, bucket i keys in [ti, ti+1) and bucket M keys from tM up.
/// PostgreSQL's width_bucket() assigns rows to buckets in the column's own type and collation.
struct KeyRanges
{
    Column column; ///< the leading key column
    QStringList thresholds; ///< ascending, distinct; empty means one bucket for the whole table
    int bucketCount() const { return int(thresholds.size()) + 1; }
    QString arrayType() const { return column.type + QStringLiteral("[]"); }
    /// width_bucket(<column>, $param::type[]) with the column unqualified or prefixed by `alias.`.
    QString bucketExpression(int parameter, const QString &alias = {}) const;
};

/// Chooses key ranges of a few dozen rows each from a server-side sample of one side: the keys
/// whose hash is a multiple of n, in key order, so no hashing pass is spent on them.
class KeyRangePartitioner
{
public:
    /// `pages` and `reltuples` describe the table on `side` (reltuples < 0 when never analysed).
    static KeyRanges partition(DiffSide &side, const Table &table, const Column &keyColumn, qint64 pages,
        double reltuples, int serverVersionNum);
    /// Fixed-width keys allow many thresholds (width_bucket bisects them in place); variable-width
    /// ones are walked element by element, so they get fewer, larger ranges.
    static bool isFixedWidth(const Column &column);
};

} // namespace salvage
