#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"
#include "restore/provenancerules.h"
#include "restore/restoreplan.h"

#include <QHash>

#include <optional>

namespace salvage {

class MovedKeys;
class PgRaw;

/// Decides, on LIVE and set-wise, what happens to each staged backup row of one table: sets the
/// staging table's "_salvage_action" (a RowAction), "_salvage_live" and "_salvage_reason". Present
/// rows, foreign keys put back, ON DELETE rules for gone parents, unique-key collisions and
/// exclusion-constraint conflicts are its own; which missing rows the incident took is ProvenanceRules'.
class LiveClassifier
{
public:
    /// `staging` maps "schema.table" to the staging table name of every table already staged.
    /// `columns` maps "schema.table" to its staged data columns. `movedKeys`, when given, finds moved
    /// copies of rows whose foreign key is part of their key.
    LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
        const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges,
        const MovedKeys *movedKeys = nullptr);

    /// `keepDeleted`: a missing row is restored only when the incident deleted it (ProvenanceRules);
    /// `knownDeleted`: keys an earlier plan found deleted since the backup; `rule`: the conditions
    /// the application checks on every row of the table (declared), AND-ed, or empty.
    /// `policyChosen`: the operator chose `policy` for this table (a live row of another owner may then be taken over).
    void classify(const Table &table, RestorePolicy policy, bool keepDeleted, const QStringList &knownDeleted,
        const QString &rule = QString(), bool policyChosen = false);
    /// Decides the rows of `table` that waited for a parent in a table classified later (a cycle);
    /// returns how many were restored. Call for every table until none is; then keepWaitingDeleted().
    qint64 settle(const Table &table, RestorePolicy policy, const QString &rule = QString(), bool policyChosen = false);
    /// Restored parents of `table`'s rows that the plan skips: findings ("dependant-skipped") on the parent.
    QList<PlanListing> lostDependants(const Table &table) const;
    /// Rows still waiting: no parent turned out restored, they stay deleted.
    void keepWaitingDeleted(const Table &table);
    /// "table.column: N rows … ordinary edits since the backup, kept": what life changed and the plan keeps.
    QStringList lifeNotes() const { return m_lifeNotes; }
    /// Rows a RestoreForeignKey step will update (moved back, or set after a cycle-breaking insert or recreate).
    qint64 foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const;

    QString staged(const Table &table) const { return m_staging.value(table.qualifiedName()); }
    /// SQL condition: the parent of s's edge columns exists in live or is restored by the plan.
    QString parentAvailable(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;
    /// SQL condition: NOT parentAvailable(), spelled so that PostgreSQL can take it set-wise.
    QString parentMissing(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;

private:
    /// The EXISTS conditions parentAvailable() ORs: the parent in live, or restored (or pending) in its staging.
    QStringList parentSources(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;
    /// SQL condition on a staged parent row `m`: restored by the plan (or, with `pendingCounts`, not decided yet).
    QString stagedParentCounts(bool pendingCounts) const;
    /// Whether `edge` is a self-reference to its staging table's primary key (one row per parent key).
    bool probesOwnStaging(const ClosureBuilder::Edge &edge) const;
    qint64 markParents(const Table &table, const QString &s);
    void markPutBack(const Table &table, const QString &s);
    void keepCopiesOfPresentRows(const Table &table, const QString &s);
    /// Collisions of the rows with action `decided` (none: the undecided rows) with unique keys of live rows,
    /// and for the undecided rows with live rows under an exclusion constraint (ExclusionConflicts).
    void markCollisions(const Table &table, RestorePolicy policy, const QString &s, std::optional<RowAction> decided,
        bool policyChosen = false);
    /// The rows still undecided become inserts; returns how many.
    qint64 insertUndecided(const QString &s) const;
    QString projectedLive(const Table &table) const;
    qint64 update(const QString &sql) const;
    /// Fresh statistics of a staging table whose rows were just decided.
    void analyze(const QString &s) const;

    const Schema &m_schema;
    const PgRaw &m_session;
    QHash<QString, QString> m_staging;
    QHash<QString, QStringList> m_columns;
    QList<ClosureBuilder::Edge> m_edges;
    const MovedKeys *m_movedKeys = nullptr;
    QStringList m_lifeNotes;
    ProvenanceRules m_provenance; ///< which missing rows the incident took
};

} // namespace salvage
