#pragma once

#include "diff/diffmove.h"
#include "diff/tablediff.h"

#include <QList>
#include <QMetaType>
#include <QStringList>
#include <optional>

namespace salvage {

/// The comparison of a whole database pair, filled table by table while the diff runs.
struct DiffResult
{
    QList<TableDiff> tables;
    std::optional<double> backupTime; ///< newest creation time found in backup, seconds since the epoch
    QStringList notes; ///< tables present on one side only, …
    bool complete = false;

    bool hasDifferences() const;
    /// Every table's moves, ranked by their target's fan-in (MoveRanker), then largest first.
    QList<DiffMove> moves() const;
    QList<DiffFanIn> fanIn() const; ///< one entry per moves' target, largest fan-in first
    /// Recomputes each only-in-live row's origin against backupTime (and each table's counts).
    void classify();
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::DiffResult)
