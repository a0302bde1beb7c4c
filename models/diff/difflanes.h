#pragma once

#include "diff/sidepair.h"

#include <QList>
#include <memory>

namespace salvage {

class JobControl;
class PgSession;

/// Pairs of sessions on BACKUP and LIVE that compare tables side by side, all inside the first
/// pair's snapshots (pg_export_snapshot), so that every table is read as of the same moment. The
/// first lane is the caller's own pair; the others are new sessions with the same connection
/// parameters. Where a lane cannot be had (a standby cannot export its snapshot, the server
/// refuses more connections) there are fewer lanes, at least the first.
class DiffLanes
{
public:
    /// Lanes wanted: SALVAGE_DIFF_LANES when set (1 turns them off), else kDefaultLanes.
    static int wanted();
    static constexpr int kDefaultLanes = 3;

    DiffLanes(SidePair &first, PgSession &backup, PgSession &live, JobControl &control, int lanes);
    ~DiffLanes();
    DiffLanes(const DiffLanes &) = delete;
    DiffLanes &operator=(const DiffLanes &) = delete;

    int size() const { return int(m_pairs.size()); }
    SidePair &lane(int index) { return *m_pairs.at(index); }
    /// Cancels the statements of every lane (one lane failed: the others stop too).
    void cancelAll() const;

private:
    struct Extra; ///< a lane's own two sessions and its pair
    QList<SidePair *> m_pairs;
    std::vector<std::unique_ptr<Extra>> m_extras;
};

} // namespace salvage
