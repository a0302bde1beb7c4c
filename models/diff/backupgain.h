#pragma once

#include "diff/diffresult.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace salvage {

class JobControl;
class PgSession;

/// What each of two BACKUPs of the same data recovers: per table, the rows lost in LIVE (in that
/// BACKUP, not in LIVE) and how many of them the other BACKUP does not hold. With a nightly dump
/// and a BACKUP as of just before the incident, the second's extra rows are those written during
/// the day; the nightly's extra rows are mostly deleted on purpose before the incident.
struct BackupGain
{
    struct Table
    {
        QString table; ///< "schema.table"
        qint64 lostFromFirst = 0; ///< rows of the first BACKUP not in LIVE
        qint64 lostFromSecond = 0;
        qint64 onlyFromFirst = 0; ///< of lostFromFirst, the rows the second BACKUP lacks
        qint64 onlyFromSecond = 0; ///< of lostFromSecond, the rows the first BACKUP lacks: the gain
    };

    QString firstName; ///< e.g. "Demo backup (T0)"
    QString secondName;
    QList<Table> tables; ///< the tables where either BACKUP recovers a row, largest gain first
    QStringList notes; ///< tables left out (no key to compare rows by, or on one BACKUP only)

    /// One count summed over the tables, e.g. total(&Table::onlyFromSecond).
    qint64 total(qint64 Table::*count) const;

    /// `firstDiff`: the first BACKUP against LIVE (Compare's result). Compares the second BACKUP
    /// against LIVE (DiffRunner), then counts, set-wise in each BACKUP, the other's lost keys that
    /// it does not hold. Read-only on all three. Throws salvage::Error or Cancelled.
    static BackupGain compute(
        const DiffResult &firstDiff, PgSession &first, PgSession &second, PgSession &live, JobControl &control);
    /// The same from two comparisons already made.
    static BackupGain fromDiffs(const DiffResult &firstDiff, const DiffResult &secondDiff, PgSession &first,
        PgSession &second, JobControl &control);
};

} // namespace salvage
