#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"
#include "restore/restoreplan.h"

#include <QHash>

#include <optional>

namespace salvage {

class MovedKeys;
class PgRaw;

/// Decides, on LIVE and set-wise, what happens to each staged backup row of one table: sets the
/// staging table's "_salvage_action" (a RowAction), "_salvage_live" and "_salvage_reason".
class LiveClassifier
{
public:
    /// `staging` maps "schema.table" to the staging table name of every table already staged.
    /// `columns` maps "schema.table" to its staged data columns. `movedKeys`, when given, finds moved
    /// copies of rows whose foreign key is part of their key.
    LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
        const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges,
        const MovedKeys *movedKeys = nullptr);

    /// `keepDeleted`: a missing row is restored only when the incident deleted it (markByProvenance);
    /// `knownDeleted`: keys an earlier plan found deleted since the backup; `rule`: the conditions
    /// the application checks on every row of the table (declared), AND-ed, or empty.
    /// `policyChosen`: the operator chose `policy` for this table (a live row of another owner may then be taken over).
    void classify(const Table &table, RestorePolicy policy, bool keepDeleted, const QStringList &knownDeleted,
        const QString &rule = QString(), bool policyChosen = false);
    /// Decides the rows of `table` that waited for a parent in a table classified later (a cycle);
    /// returns how many were restored. Call for every table until none is; then keepWaitingDeleted().
    qint64 settle(const Table &table, RestorePolicy policy, const QString &rule = QString(), bool policyChosen = false);
    /// Rows still waiting: no parent turned out restored, they stay deleted.
    /// Restored parents of `table`'s rows that the plan skips: findings ("dependant-skipped") on the parent.
    QList<PlanListing> lostDependants(const Table &table) const;
    void keepWaitingDeleted(const Table &table);
    /// "table.column: N rows … ordinary edits since the backup, kept": what life changed and the plan keeps.
    QStringList lifeNotes() const { return m_lifeNotes; }
    /// Rows a RestoreForeignKey step will update (moved back, or set after a cycle-breaking insert or recreate).
    qint64 foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const;

    QString staged(const Table &table) const { return m_staging.value(table.qualifiedName()); }
    /// SQL condition: the parent of s's edge columns exists in live or is restored by the plan.
    QString parentAvailable(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;

private:
    qint64 markParents(const Table &table, const QString &s);
    void markPutBack(const Table &table, const QString &s);
    qint64 markKnownDeleted(const Table &table, const QString &s, const QStringList &knownDeleted);
    qint64 markWithDeletedParents(const Table &table, const QString &s);
    qint64 markByProvenance(const Table &table, const QString &s, const QString &rule);
    /// Unexplained rows the incident would have skipped when re-pointing `edge` go back to undecided.
    void markSkippedByIncident(
        const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &rule);
    /// SQL condition: the parent of alias's `edge` is a root or a row the plan restores (or, with
    /// `pendingCounts`, not decided yet).
    QString incidentParent(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;
    /// Links whose parent's deletion takes the row along (not ON DELETE SET NULL/DEFAULT), to staged tables.
    QList<ClosureBuilder::Edge> takingEdges(const Table &table) const;
    /// The incident re-pointed `edge` in this table: present rows (or moved copies) of a root or
    /// restored parent point elsewhere in live.
    bool repointedByIncident(const Table &table, const ClosureBuilder::Edge &edge, const QString &s) const;
    /// The table as the incident found it, as far as the plan knows (live and the rows it brings back).
    QString beforeIncident(const Table &table, const QString &s) const;
    QString substituted(
        const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &targets) const;
    void keepCopiesOfPresentRows(const Table &table, const QString &s);
    /// Collisions of the rows with action `decided` (none: the undecided rows) with unique keys of live rows.
    void markCollisions(const Table &table, RestorePolicy policy, const QString &s, std::optional<RowAction> decided,
        bool policyChosen = false);
    /// The rows still undecided become inserts; returns how many.
    qint64 insertUndecided(const QString &s) const;
    QString projectedLive(const Table &table) const;
    QList<ClosureBuilder::Edge> edgesFrom(const Table &table) const;
    qint64 update(const QString &sql) const;

    const Schema &m_schema;
    const PgRaw &m_session;
    QHash<QString, QString> m_staging;
    QHash<QString, QStringList> m_columns;
    QList<ClosureBuilder::Edge> m_edges;
    const MovedKeys *m_movedKeys = nullptr;
    QStringList m_lifeNotes;
};

} // namespace salvage
