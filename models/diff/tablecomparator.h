#pragma once

#include "db/schema.h"
#include "diff/bucketsums.h"
#include "diff/diffvaluespool.h"
#include "diff/keyrangepartitioner.h"
#include "diff/movesummarizer.h"
#include "diff/rowclassifier.h"
#include "diff/rowfetcher.h"
#include "diff/sidepair.h"
#include "diff/tablediff.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <pqxx/result>

namespace salvage {

class JobControl;

/// Compares one table of BACKUP and LIVE by primary key: count and hash per key range on both
/// servers at once, then keys and row hashes of the mismatching ranges only, then whole rows of
/// the differing keys only. Tables without a primary key go to MultisetComparator.
class TableComparator
{
public:
    /// With RowRetention::Counts, changed and lost rows are counted (and their moves summed up) but
    /// not kept, unless the table's moves pair lost and new rows; RowPruner thins the rest after.
    TableComparator(SidePair &sides, const Table &backup, const Table &live, int serverVersionNum, JobControl &control,
        RowRetention retention = RowRetention::Whole);

    /// `sink` hears every differing row as it is found (it must outlive compare()).
    void setRowSink(const RowSink *sink) { m_rowSink = sink; }
    /// RowRetention::Spooled: rows whose values nothing in this table reads any more go to `spool`
    /// as they are found (the rest after the table: DiffValueSpool::spool).
    void setValueSpool(std::shared_ptr<DiffValueSpool> spool) { m_valueSpool = std::move(spool); }

    TableDiff compare();
    /// The newest creation time seen in this table of the backup (after compare()).
    std::optional<double> backupNewestTime() const { return m_backupNewest; }

    /// The columns both sides have, in backup's order; notes any drift in `diff`.
    static QList<Column> commonColumns(const Table &backup, const Table &live, TableDiff &diff);

private:
    /// Key and row hash of every row of some ranges, as the server sent them, in key order (the
    /// fields' bytes): matched with the other side's by one merge, not by a map of strings.
    struct Leaves
    {
        pqxx::result result; ///< key columns as text, then the row hash
        int keyCount = 0;
        std::vector<std::string_view> fields; ///< keyCount key fields per result row, into `result`
        std::vector<std::pair<int, qint64>> rows; ///< result row and its hash, sorted by key

        /// Orders row `a` of this result against row `b` of `other` by key: <0, 0 or >0.
        int compare(int a, const Leaves &other, int b) const;
        QStringList key(int row) const;
    };

    KeyBounds readInfo(DiffSide &side, const Column &keyColumn) const;
    /// Key and row hash of every row in the given buckets.
    Leaves fetchLeaves(DiffSide &side, const KeyBounds &info, const QList<int> &buckets) const;
    void compareLeaves(const Leaves &backup, const Leaves &live);
    /// Takes buckets off the front of `pending` up to `maxBuckets` or about `maxRows` rows.
    QList<int> nextBatch(QList<int> &pending, int maxBuckets, qint64 maxRows) const;
    /// Every row of the ranges that hold rows on one side only (per side), read whole.
    void readOneSided(const QList<int> (&buckets)[2], const KeyBounds (&info)[2]);
    void addOnlyInBackup(const QString &key, const RowFetcher::Row &row);
    void addOnlyInLive(const QString &key, const RowFetcher::Row &row);
    /// Adds the row unless its values are equal as text (a hash of values that differ in form only).
    void addChanged(const QString &key, const RowFetcher::Row &backup, const RowFetcher::Row &live);
    /// Keeps a lost or changed row unless a counts-only diff has no more use for it.
    void keep(DiffRow &&row);
    /// Spools the last row kept when nothing of this table reads its values any more.
    void spoolIfSettled();
    /// Fetches the rows of one side: whole, or in a counts-only diff only what its counts, times
    /// and moves read (the foreign-key columns, the values of undated rows only in live) and a
    /// digest of the rest, which tells a changed row without its values.
    RowFetcher fetcher(DiffSide::Which side) const;

    SidePair &m_sides;
    const Table &m_backup;
    const Table &m_live;
    int m_serverVersionNum;
    JobControl &m_control;
    RowClassifier m_classifier;
    RowRetention m_retention;
    TableDiff m_diff;
    std::shared_ptr<DiffValueSpool> m_valueSpool;
    std::optional<DiffValueSpool::TableWriter> m_spoolWriter; ///< from compare() on, with m_valueSpool
    std::optional<MoveSummarizer> m_moves; ///< from compare() on
    QList<Column> m_columns;
    QList<bool> m_comparedByValue; ///< per column, whether addChanged() compares its text (else the digest)
    QString m_hashExpression;
    KeyRanges m_ranges;
    QHash<int, qint64> m_bucketRows; ///< larger side's count per bucket, to size batches
    std::optional<double> m_backupNewest;
    bool m_useRanges = true; ///< index range scans rather than sequential passes
    const RowSink *m_rowSink = nullptr;
};

} // namespace salvage
