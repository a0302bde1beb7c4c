#pragma once

#include "db/schema.h"
#include "diff/bucketsums.h"
#include "diff/diffvaluespool.h"
#include "diff/keyrangepartitioner.h"
#include "diff/leaves.h"
#include "diff/movesummarizer.h"
#include "diff/rowclassifier.h"
#include "diff/rowfetcher.h"
#include "diff/sidepair.h"
#include "diff/tablediff.h"

#include <optional>
#include <string>
#include <vector>

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
    void setValueSpool(std::shared_ptr<DiffValueSpool> spool)
    {
        if (spool)
            m_spoolWriter.emplace(std::move(spool), m_diff);
    }

    /// RowRetention::Counts: another table compared in the same diff references this one, so its
    /// dated rows only in live keep their keys (TableDiff::dated; ParentOrigin looks them up).
    void setReferenced(bool referenced) { m_diff.dated = DatedRows(referenced); }

    TableDiff compare();
    /// The newest creation time seen in this table of the backup (after compare()).
    std::optional<double> backupNewestTime() const { return m_backupNewest; }

    /// The columns both sides have, in backup's order; notes any drift in `diff`.
    static QList<Column> commonColumns(const Table &backup, const Table &live, TableDiff &diff);

private:
    KeyBounds readInfo(DiffSide &side, const Column &keyColumn) const;
    /// Key and row hash of every row in the given buckets.
    Leaves fetchLeaves(DiffSide &side, const KeyBounds &info, const QList<int> &buckets) const;
    /// One sequential pass a side that finds each row's range and hashes only the rows of `buckets`;
    /// binds its parameters into `parameters`.
    QString sequentialLeafSource(const QList<int> &buckets, std::vector<std::string> &parameters) const;
    /// The sequential pass's key hashes sorted by the servers and merged as they come, a batch at a
    /// time, so that no side's whole set is held; none when a server's order is not the bytes' order
    /// (an encoding other than the client's), for fetchLeaves() to do it in one piece.
    std::optional<LeafMatch> streamLeaves(const KeyBounds (&info)[2], const QList<int> &buckets);
    static LeafMatch matchLeaves(const Leaves &backup, const Leaves &live);
    /// Fetches the rows of the keys that differ and adds them to the diff.
    void addDiffering(const LeafMatch &match);
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
    /// digest of the rest, which tells a changed row without its values (none for rows known to
    /// be on one side only: `changed` false).
    RowFetcher fetcher(DiffSide::Which side, bool changed = true) const;

    SidePair &m_sides;
    const Table &m_backup;
    const Table &m_live;
    int m_serverVersionNum;
    JobControl &m_control;
    RowClassifier m_classifier;
    RowRetention m_retention;
    TableDiff m_diff;
    std::optional<DiffValueSpool::TableWriter> m_spoolWriter; ///< with setValueSpool()
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
