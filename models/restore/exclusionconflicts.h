#pragma once

#include "db/schema.h"

#include <QString>

namespace salvage {

class PgRaw;

/// Backup rows the plan would insert that an exclusion constraint forbids next to a live row (a
/// room booked again since the backup for an overlapping time): the live row is life since the
/// backup and stays, so the backup row is skipped with the reason, instead of the script failing
/// at its COPY. Set-wise on LIVE, one statement per constraint.
class ExclusionConflicts
{
public:
    explicit ExclusionConflicts(const PgRaw &session);

    /// Marks the undecided rows of `staging` (a staging table of `table`, quoted) that conflict under
    /// one of `table`'s exclusion constraints with a row of `liveRows` (a subquery: LIVE as the plan
    /// will leave it, every column of `table`); returns how many.
    qint64 markSkipped(const Table &table, const QString &staging, const QString &liveRows) const;

    /// Whether a staged row's reason says an exclusion constraint skipped it.
    static bool explains(const QString &reason);

private:
    static QString reasonPrefix();

    /// "a."_salvage_e0" OPERATOR(…) b."_salvage_e0" AND …", over RestoreSql::keyElements' names.
    static QString conflict(const ExclusionConstraint &constraint);

    const PgRaw &m_session;
};

} // namespace salvage
