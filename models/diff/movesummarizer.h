#pragma once

#include "db/schema.h"
#include "diff/diffresult.h"

namespace salvage {

/// Sums up changed rows whose foreign-key columns point elsewhere in live than in backup, per
/// (table, column, backup value, live value): the fingerprint of a merge.
class MoveSummarizer
{
public:
    /// `columns` names the entries of each row's value lists.
    static QList<DiffMove> summarize(const QString &table, const QStringList &columns,
                                     const QList<ForeignKey> &foreignKeys, const QList<DiffRow> &rows);
};

} // namespace salvage
