#pragma once

#include "db/schema.h"
#include "diff/diffmove.h"
#include "diff/diffrow.h"

namespace salvage {

/// Sums up changed rows whose foreign-key columns point elsewhere in live than in backup, per
/// (table, column, backup value, live value): the fingerprint of a merge. A foreign key inside the
/// primary key (a join table keyed by its two references) changes the row's key when it moves: such
/// a row is a lost row and a new row equal in every other column, and is summed up as a move too
/// (a restore gives such a moved copy its key back: MovedKeys).
class MoveSummarizer
{
public:
    /// `columns` names the entries of each row's value lists; `keyColumns` is the primary key.
    static QList<DiffMove> summarize(const QString &table, const QStringList &columns, const QStringList &keyColumns,
        const QList<ForeignKey> &foreignKeys, const QList<DiffRow> &rows);
};

} // namespace salvage
