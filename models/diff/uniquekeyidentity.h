#pragma once

#include "db/schema.h"

#include <QStringList>
#include <optional>

namespace salvage {

class SidePair;

/// Tells the rows of a table without a primary key apart by a unique key, when one can: a unique
/// constraint or index on plain columns (valid, not partial, no expressions) that both sides have,
/// on columns of the same types, whose columns hold no NULL on either side. NULL is allowed by the
/// schema on such columns and repeats freely under a unique index, so the data is checked (one
/// EXISTS per side, in the diff's snapshot) rather than the NOT NULL constraint, which schemas such
/// as Synapse's leave off columns that are never NULL.
class UniqueKeyIdentity
{
public:
    /// The first such key, in the schema's order; a note in `notes` for each one passed over
    /// because of a NULL, so that a multiset comparison says why.
    static std::optional<UniqueKey> choose(SidePair &sides, const Table &backup, const Table &live, QStringList &notes);
    /// "No primary key: rows told apart by unique index X (a, b), no NULLs on either side."
    static QString note(const UniqueKey &key);
};

} // namespace salvage
