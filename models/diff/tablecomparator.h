#pragma once

#include "db/schema.h"
#include "diff/bucketsums.h"
#include "diff/diffresult.h"
#include "diff/keyrangepartitioner.h"
#include "diff/rowclassifier.h"

#include <optional>

#include <pqxx/result>

namespace salvage {

class JobControl;
struct DiffSide;
class SidePair;

/// Compares one table of BACKUP and LIVE by primary key: count and hash per key range on both
/// servers at once, then keys and row hashes of the mismatching ranges only, then whole rows of
/// the differing keys only. Tables without a primary key go to MultisetComparator.
class TableComparator
{
public:
    TableComparator(SidePair &sides, const Table &backup, const Table &live, int serverVersionNum,
                    JobControl &control);

    TableDiff compare();
    /// The newest creation time seen in this table of the backup (after compare()).
    std::optional<double> backupNewestTime() const { return m_backupNewest; }

    /// The columns both sides have, in backup's order; notes any drift in `diff`.
    static QList<Column> commonColumns(const Table &backup, const Table &live, TableDiff &diff);

private:
    struct SideInfo
    {
        std::optional<QString> minKey;
        std::optional<QString> maxKey;
        qint64 pages = 0;
        double reltuples = -1;
    };
    using Leaves = QHash<QString, qint64>; ///< RowFetcher::joinKey(key) → row hash

    SideInfo readInfo(DiffSide &side, const Column &keyColumn) const;
    /// Key and row hash of every row in the given buckets.
    Leaves fetchLeaves(DiffSide &side, const SideInfo &info, const QList<int> &buckets) const;
    void compareLeaves(const Leaves &backup, const Leaves &live);
    QList<int> nextBatch(QList<int> &pending, int maxBuckets) const;

    SidePair &m_sides;
    const Table &m_backup;
    const Table &m_live;
    int m_serverVersionNum;
    JobControl &m_control;
    RowClassifier m_classifier;
    TableDiff m_diff;
    QList<Column> m_columns;
    QString m_hashExpression;
    KeyRanges m_ranges;
    QHash<int, qint64> m_bucketRows; ///< larger side's count per bucket, to size batches
    std::optional<double> m_backupNewest;
    bool m_useRanges = true; ///< index range scans rather than sequential passes
};

} // namespace salvage
