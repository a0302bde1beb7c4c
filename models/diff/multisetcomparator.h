#pragma once

#include "db/schema.h"
#include "diff/tablediff.h"

namespace salvage {

class JobControl;
class SidePair;

/// Compares a table without a primary key as a multiset of rows: count and hash sum per hash
/// bucket on both servers, then only the rows of mismatching buckets, matched by row hash.
class MultisetComparator
{
public:
    MultisetComparator(
        SidePair &sides, const Table &backup, const Table &live, int serverVersionNum, JobControl &control);
    /// `sink` hears every differing row as it is found (it must outlive compare()).
    void setRowSink(const RowSink *sink) { m_rowSink = sink; }

    TableDiff compare();

private:
    SidePair &m_sides;
    const Table &m_backup;
    const Table &m_live;
    int m_serverVersionNum;
    JobControl &m_control;
    const RowSink *m_rowSink = nullptr;
};

} // namespace salvage
