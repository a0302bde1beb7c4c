#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"
#include "restore/rowaction.h"

#include <QHash>
#include <QSet>

namespace salvage {

class MovedKeys;
class PgRaw;

/// The provenance rules for missing rows that are not roots (docs/restore.md, "Provenance: only
/// what the incident did"): a row comes back only when the incident took it; otherwise life deleted
/// it and it stays deleted ("deleted-since", the rule in its reason), or it waits for a parent in a
/// table decided later (a cycle). Set-wise in SQL on LiveClassifier's staging tables: rows it leaves
/// undecided are the incident's doing.
class ProvenanceRules
{
public:
    /// As LiveClassifier takes them.
    ProvenanceRules(const PgRaw &session, const QHash<QString, QString> &staging,
        const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges,
        const MovedKeys *movedKeys);

    /// Keys an earlier plan found deleted since the backup stay deleted.
    qint64 markKnownDeleted(const Table &table, const QString &s, const QStringList &knownDeleted) const;
    /// Rule 1: a parent life deleted (kept deleted by this plan) took the row along.
    qint64 markWithDeletedParents(const Table &table, const QString &s) const;
    /// Rules 3 to 6, for the undecided rows of `table` (staging `s`); `rule` is the table's declared
    /// rules, AND-ed, or empty. Returns the rows kept deleted.
    qint64 markByProvenance(const Table &table, const QString &s, const QString &rule);
    /// Rows that waited for a parent decided later: undecided again when that parent is the
    /// incident's; returns how many.
    qint64 wakeWaiting(const Table &table, const QString &s) const;
    /// Rows still waiting at the end: no parent turned out restored, they stay deleted.
    void keepWaitingDeleted(const Table &table, const QString &s) const;
    /// Decisions of other tables changed (a table classified or settled): what the incident
    /// re-pointed is asked again.
    void forgetRepointing() { m_repointed.clear(); }

    /// SQL condition: the parent of alias's `edge` is a root or a row the plan restores (or, with
    /// `pendingCounts`, not decided yet).
    QString incidentParent(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;
    /// SQL condition: no link of `edges` has such a parent (NOT of their incidentParent()s, OR-ed),
    /// spelled so that PostgreSQL can take it set-wise.
    QString noIncidentParent(const QList<ClosureBuilder::Edge> &edges, const QString &alias, bool pendingCounts) const;

private:
    /// A decision for rows no parent took, tried in order: the first whose condition holds.
    struct Decision
    {
        QString condition; ///< over alias x
        RowAction action;
        QString reason; ///< SQL over x, "{n}" for its n-th parameter; empty: the reason stays
        QStringList parameters;
    };
    /// Rules 3 and 4 and the rows that wait for a cycle, for rows no parent took, in order.
    QList<Decision> untakenDecisions(const Table &table, const QList<ClosureBuilder::Edge> &edges) const;
    /// Decides the rows matching `untaken` (undecided, no parent of `edges` the incident's);
    /// returns the rows kept deleted.
    qint64 decideUntaken(
        const Table &table, const QString &s, const QList<ClosureBuilder::Edge> &edges, const QString &untaken);
    /// The EXISTS conditions incidentParent() ORs (none when the parent is not staged).
    QStringList incidentSources(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;
    /// Unexplained rows the incident would have skipped when re-pointing `edge` go back to undecided.
    void markSkippedByIncident(
        const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &rule) const;
    /// Links whose parent's deletion takes the row along (not ON DELETE SET NULL/DEFAULT), to staged tables.
    QList<ClosureBuilder::Edge> takingEdges(const Table &table) const;
    /// The incident re-pointed `edge` in this table: present rows (or moved copies) of a root or
    /// restored parent point elsewhere in live. Asked once per decision of the table, not per pass:
    /// the passes change no row it looks at.
    bool repointedByIncident(const Table &table, const ClosureBuilder::Edge &edge, const QString &s);
    /// The table as the incident found it, as far as the plan knows (live and the rows it brings back).
    QString beforeIncident(const Table &table, const QString &s) const;
    QString substituted(
        const Table &table, const ClosureBuilder::Edge &edge, const QString &s, const QString &targets) const;
    QString staged(const Table &table) const { return m_staging.value(table.qualifiedName()); }
    qint64 update(const QString &sql) const;

    const PgRaw &m_session;
    QHash<QString, QString> m_staging;
    QHash<QString, QStringList> m_columns;
    QList<ClosureBuilder::Edge> m_edges;
    const MovedKeys *m_movedKeys = nullptr;
    QHash<QString, bool> m_repointed; ///< by table and link, for the decision under way
    QSet<QString> m_waited; ///< staging tables some row of which was set waiting
};

} // namespace salvage
