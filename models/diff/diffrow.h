#pragma once

#include "diff/diffvalue.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace salvage {

/// One row that differs between backup and live.
struct DiffRow
{
    enum class Status { OnlyInBackup, OnlyInLive, Changed };
    /// For rows only in live: whether the data says they were written after the backup.
    enum class Origin { NotApplicable, NewSinceBackup, Unexplained };

    Status status = Status::Changed;
    QStringList key; ///< key values as text, in key-column order (all columns without a key)
    QStringList changedColumns; ///< for Changed rows
    QList<DiffValue> backupValues; ///< every compared column, empty when the row is not in backup
    QList<DiffValue> liveValues; ///< every compared column, empty when the row is not in live
    int multiplicity = 1; ///< tables without a primary key: how many surplus copies
    std::optional<double> liveTime; ///< seconds since the epoch the row says it was created, when it says
    Origin origin = Origin::NotApplicable;
    bool originFromParent = false; ///< NewSinceBackup because a row it references is (ParentOrigin)
    /// RowRetention::Spooled: where its values are in TableDiff::spool (the lists above then hold
    /// only what ParentOrigin reads); -1 when they are in the lists.
    qint64 spooledAt = -1;

    static QString statusName(Status status); ///< "only_in_backup", "only_in_live", "changed"
};

} // namespace salvage
