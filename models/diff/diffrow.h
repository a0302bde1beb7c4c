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
    enum class Status : quint8 { OnlyInBackup, OnlyInLive, Changed };
    /// For rows only in live: whether the data says they were written after the backup.
    enum class Origin : quint8 { NotApplicable, NewSinceBackup, Unexplained };

    // Largest first, so that a spooled diff's half a million rows carry no padding.
    /// Key values as text, in key-column order (all columns without a key). Empty once the row is
    /// spooled: TableDiff::key() reads it then.
    QStringList key;
    QStringList changedColumns; ///< for Changed rows
    QList<DiffValue> backupValues; ///< every compared column, empty when the row is not in backup
    QList<DiffValue> liveValues; ///< every compared column, empty when the row is not in live
    std::optional<double> liveTime; ///< seconds since the epoch the row says it was created, when it says
    /// RowRetention::Spooled: where its values are in TableDiff::spool (the lists above then hold
    /// only what ParentOrigin reads); -1 when they are in the lists.
    qint64 spooledAt = -1;
    int multiplicity = 1; ///< tables without a primary key: how many surplus copies
    Status status = Status::Changed;
    Origin origin = Origin::NotApplicable;
    bool originFromParent = false; ///< NewSinceBackup because a row it references is (ParentOrigin)

    static QString statusName(Status status); ///< "only_in_backup", "only_in_live", "changed"
};

} // namespace salvage

// Its lists and optional move as bytes: a growing list of rows is reallocated, not copied row by row.
Q_DECLARE_TYPEINFO(salvage::DiffRow, Q_RELOCATABLE_TYPE);
