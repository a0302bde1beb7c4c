#pragma once

#include "db/schema.h"

#include <QList>
#include <QString>

namespace salvage {

/// Builds the SQL that hashes a row the same way on both servers. Columns whose type has an exact,
/// database-independent hash (integers, text under "C", uuid, timestamps, bytea, jsonb, arrays of
/// those, …) are hashed in their binary form through hash_record_extended(); every other type
/// (floats for -0, numeric for scale, enums whose hash depends on OIDs, intervals, json, …) is
/// hashed through its text form. NULL, '' and any literal marker hash differently.
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
    QString operand(const Column &column) const;

    QList<Column> m_columns;
    bool m_haveHashRecord;
};

} // namespace salvage
