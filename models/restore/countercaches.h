#pragma once

#include "restore/closurebuilder.h"
#include "restore/restoreplan.h"

#include <QHash>

namespace salvage {

class PgRaw;

/// Counter caches (a Rails `documents.revisions_count`, a 1:1 `account_stats.statuses_count`):
/// integer columns that hold the number of rows referencing their row. Found empirically in
/// BACKUP — equal to that count for at least 95 % of the rows — rather than guessed from names;
/// a plan that changes which rows reference a parent recomputes them for the parents it touches.
class CounterCaches
{
public:
    /// `staging`: the planner's staging table of each table, by qualified name, on `live`.
    CounterCaches(const Schema &live, const Schema &backup, const QList<ClosureBuilder::Edge> &edges,
        const PgRaw &liveSession, const PgRaw &backupSession, const QHash<QString, QString> &staging)
        : m_live(live)
        , m_backup(backup)
        , m_edges(edges)
        , m_liveSession(liveSession)
        , m_backupSession(backupSession)
        , m_staging(staging)
    {
    }

    /// A counter: `column` of `holder` (the parent, or a table 1:1 with it by `holderKey`) counts the
    /// rows of `counted` whose `countedColumn` holds its key.
    struct Counter
    {
        const Table *holder = nullptr;
        QString column;
        QString holderKey;
        const Table *counted = nullptr;
        QString countedColumn;
        const Table *parent = nullptr;
        QString parentKey;
        qint64 matching = 0; ///< BACKUP rows of `holder` whose counter equals the count
        qint64 rows = 0;

        QString name() const { return holder->qualifiedName() + QLatin1Char('.') + column; }
    };

    /// Appends to `plan` one step per counter of the parents it touches; when `recompute` is off, a
    /// warning per counter instead.
    void addTo(RestorePlan &plan, bool recompute);

    static constexpr int kMinimumPercent = 95;

private:
    /// Counters the rows of `edge` keep, on the parent or on a table 1:1 with it.
    QList<Counter> detect(const ClosureBuilder::Edge &edge);
    /// Counter columns of `holder`, its rows keyed by `holderKey`, for `edge`'s counted rows.
    QList<Counter> detectOn(const ClosureBuilder::Edge &edge, const Table &holder, const QString &holderKey);
    /// Keys the plan's staged rows touch, and parents its re-pointed/re-keyed rows leave, as a step.
    PlanStep recomputeStep(const RestorePlan &plan, const Counter &counter, qint64 *parents) const;

    const Schema &m_live;
    const Schema &m_backup;
    const QList<ClosureBuilder::Edge> &m_edges;
    const PgRaw &m_liveSession;
    const PgRaw &m_backupSession;
    const QHash<QString, QString> &m_staging;
    QStringList m_notes; ///< what detection could not measure, for the plan's warnings
};

} // namespace salvage
