#pragma once

#include <QStringList>

namespace salvage {

struct RestorePlan;
struct Schema;

/// Spots derived data a restore leaves stale: counter columns or *_stats tables kept 1:1 with a
/// table that receives rows (account_stats.statuses_count next to accounts, say).
class DerivedCounters
{
public:
    static QStringList warnings(const Schema &live, const RestorePlan &plan);
};

} // namespace salvage
