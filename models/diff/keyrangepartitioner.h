#pragma once

#include "db/schema.h"

#include <QString>
#include <QStringList>
#include <optional>

namespace salvage {

struct DiffSide;

/// What one side says about a table's leading key column, read without a scan: its smallest and
/// largest key (both ends of the key index), the table's pages and row estimate, and the planner's
/// histogram of the column (pg_stats.histogram_bounds as text, empty when never analysed).
struct KeyBounds
{
    std::optional<QString> minKey;
    std::optional<QString> maxKey;
    qint64 pages = 0;
    double reltuples = -1;
    QString histogram;
};

/// Ranges over the leading primary-key column. Either thresholds t1 < t2 < … < tM (as text) such
/// that bucket 0 holds keys below t1, bucket i keys in [ti, ti+1) and bucket M keys from tM up
/// (PostgreSQL's width_bucket() assigns rows to them in the column's own type and collation), or,
/// for integer keys spread evenly, ranges of `step` keys from `origin` on: bucket i holds keys in
/// [origin + i·step, origin + (i+1)·step), computed by one subtraction and one division a row, up
/// to `split`; past it (the keys LIVE wrote after the backup) ranges of `tailStep` keys follow.
struct KeyRanges
{
    Column column; ///< the leading key column
    QStringList thresholds; ///< ascending, distinct; empty (and no step) means one bucket for the whole table
    qint64 origin = 0; ///< even ranges: the smallest key on either side
    qint64 step = 0; ///< even ranges: keys per range; 0 when the ranges are thresholds
    qint64 last = 0; ///< even ranges: the largest key on either side
    qint64 split = 0; ///< even ranges: the last key of the ranges of `step` keys (`last` without a tail)
    qint64 tailStep = 0; ///< even ranges: keys per range past `split`, 0 when there is no tail

    bool even() const { return step > 0; }
    int headBuckets() const; ///< even ranges: the ranges of `step` keys, up to `split`
    int bucketCount() const;
    QString arrayType() const { return column.type + QStringLiteral("[]"); }
    /// The bucket of a row, over the column unqualified or prefixed by `alias.`; thresholds are
    /// bound as parameter $`parameter` (thresholdsParameter()), even ranges need none.
    QString bucketExpression(int parameter, const QString &alias = {}) const;
    /// The thresholds as an array literal to bind, nothing for even ranges.
    std::optional<QString> thresholdsParameter() const;
    /// The keys of `bucket` on a side whose keys run from `minKey` to `maxKey`: [low, high], with
    /// `high` itself excluded unless `closed`.
    struct Span
    {
        QString low;
        QString high;
        bool closed = false;
    };
    Span span(int bucket, const QString &minKey, const QString &maxKey) const;
    /// Thresholds over an integer key: one more, just past `backupMaxKey`, when `liveMaxKey` lies
    /// beyond it, so that the keys LIVE wrote after the backup fill a range of their own.
    void setApartKeysAbove(const QString &backupMaxKey, const QString &liveMaxKey);
};

/// Chooses key ranges of a few dozen rows each. Integer keys whose histogram on both sides shows
/// no dense cluster get even ranges from both sides' bounds (no scan, and the keys written after
/// the backup, beyond its largest, fall into ranges of their own); other keys get thresholds from
/// a server-side sample of one side: the keys whose hash is a multiple of n, in key order.
class KeyRangePartitioner
{
public:
    /// Even ranges when the key and both sides' statistics allow them.
    static std::optional<KeyRanges> even(const Column &keyColumn, const KeyBounds &backup, const KeyBounds &live);
    /// Thresholds sampled on `side`, whose table `bounds` describe.
    static KeyRanges partition(
        DiffSide &side, const Table &table, const Column &keyColumn, const KeyBounds &bounds, int serverVersionNum);
    /// Fixed-width keys allow many thresholds (width_bucket bisects them in place); variable-width
    /// ones are walked element by element, so they get fewer, larger ranges.
    static bool isFixedWidth(const Column &column);
    static bool isInteger(const Column &column);
};

} // namespace salvage
