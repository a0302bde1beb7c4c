#pragma once

#include "diff/diffmove.h"

namespace salvage {

/// Ranks moves by fan-in: how many distinct backup values were re-pointed at one row, counted
/// across every table that references it. An incident that merges rows fans many sources into one
/// target (198 accounts into one remote account); life since the backup re-points a row here and
/// there (an item moved to another group). A target with fewer than kIncidentSources sources and at
/// most kOrdinaryEditRows rows is such an ordinary edit: its moves are kept and marked, not ranked.
class MoveRanker
{
public:
    /// A merge of three rows into one is already beyond what ordinary use does to one row at once.
    static constexpr qint64 kIncidentSources = 3;
    /// One to three rows re-pointed at a target with one or two sources: one person's edit.
    static constexpr qint64 kOrdinaryEditRows = 3;

    /// Sets each move's fanIn and incident, orders `moves` by their target's rank, then largest
    /// first, and returns the targets in that rank: incidents first, then by sources and rows.
    static QList<DiffFanIn> rank(QList<DiffMove> &moves);
    static bool isIncident(qint64 sources, qint64 rows)
    {
        return sources >= kIncidentSources || rows > kOrdinaryEditRows;
    }
};

} // namespace salvage
