#pragma once

#include "db/schema.h"

#include <QList>
#include <QString>

namespace salvage {

/// Builds the SQL that hashes a row the same way on both servers. Each column is hashed on its own
/// with its type's extended hash function and a seed of its position, a NULL gives a constant of
/// its position, and the column hashes are combined with XOR: no row value is built and nothing is
/// converted to text for types whose hash agrees exactly with equality of their text form and does
/// not depend on the database (integers, text under "C", uuid, timestamps, bytea, jsonb, arrays of
/// those, …). Every other type (floats for -0, numeric for scale, enums whose hash depends on OIDs,
/// intervals, json, …) is hashed through its text form. NULL, '' and any literal marker differ.
/// A column NOT NULL on both sides (Column::nullable false, as TableComparator::commonColumns()
/// sets it) is hashed without the NULL constant: the same value, one step less a row.
class RowHasher
{
public:
    /// `columns` in the order they are compared; `serverVersionNum` like 150004.
    RowHasher(QList<Column> columns, int serverVersionNum);

    /// A bigint expression over the (quoted, unqualified) column names.
    QString hashExpression() const;
    /// True when `column` is hashed without a conversion to text.
    static bool hashesNatively(const Column &column);

private:
    QString columnHash(const Column &column, int position) const;

    QList<Column> m_columns;
    bool m_haveExtendedHashes;
    bool m_notNullHoldsNoNull; ///< before PostgreSQL 18, whose NOT NULL constraints can be NOT VALID
};

} // namespace salvage
