#pragma once

#include "restore/closurebuilder.h"

#include <QHash>
#include <QList>

namespace salvage {

/// The order a restore writes tables in: parents before children over foreign keys. Tables joined
/// by a cycle of NOT NULL foreign keys form one group, written together (their keys deferred, or in
/// one statement); any other cycle is broken at a nullable key, inserted NULL and set afterwards.
class InsertOrder
{
public:
    /// How the script gets the rows of a group past its NOT NULL cycle.
    enum class Cycle {
        None, ///< one table, or no cycle of NOT NULL keys
        Deferred, ///< SET CONSTRAINTS … DEFERRED, one INSERT per table, checked before the end
        OneStatement, ///< the INSERTs of every table as one statement: its keys are checked at its end
    };
    struct Group
    {
        QList<const Table *> tables; ///< in write order
        Cycle cycle = Cycle::None;
        QList<ClosureBuilder::Edge> keys; ///< the NOT NULL foreign keys between its tables
    };

    InsertOrder(const QList<const Table *> &tables, const QList<ClosureBuilder::Edge> &edges);

    const QList<Group> &groups() const { return m_groups; }
    QList<const Table *> tables() const;
    /// The parent is written after the child and a column of the key is nullable: the insert (or
    /// the recreate) writes NULL there and a later UPDATE sets it.
    bool setAfterInsert(const ClosureBuilder::Edge &edge) const;

private:
    /// A foreign key between two tables whose columns are all NOT NULL: no NULL lets a row wait for its parent.
    static bool isNotNull(const ClosureBuilder::Edge &edge);

    QList<Group> m_groups;
    QHash<const Table *, int> m_position;
};

} // namespace salvage
