#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"
#include "restore/restoreplan.h"

#include <QHash>

namespace salvage {

class MovedKeys;
class PgRaw;

/// Decides, on LIVE and set-wise, what happens to each staged backup row of one table: sets the
/// staging table's "_salvage_action" (present, repoint, insert, recreate, mapped, skipped,
/// keep-newer, cascade, unrestorable, deleted-since, rekey, follows), "_salvage_live" and "_salvage_reason".
class LiveClassifier
{
public:
    /// `staging` maps "schema.table" to the staging table name of every table already staged.
    /// `columns` maps "schema.table" to its staged data columns. `movedKeys`, when given, finds moved
    /// copies of rows whose foreign key is part of their key.
    LiveClassifier(const Schema &live, const PgRaw &session, const QHash<QString, QString> &staging,
                   const QHash<QString, QStringList> &columns, const QList<ClosureBuilder::Edge> &edges,
                   const MovedKeys *movedKeys = nullptr);

    /// `keepDeleted`: look for rows deleted since the backup (markDeletedThroughSetNull, markDeletedSince); `knownDeleted`:
    /// keys an earlier plan found so.
    void classify(const Table &table, RestorePolicy policy, bool keepDeleted, const QStringList &knownDeleted);
    /// Rows a RestoreForeignKey step will update (moved back, or set after a cycle-breaking insert or recreate).
    qint64 foreignKeyUpdates(const ClosureBuilder::Edge &edge, bool backEdge) const;

    QString staged(const Table &table) const { return m_staging.value(table.qualifiedName()); }
    /// SQL condition: the parent of s's edge columns exists in live or is restored by the plan.
    QString parentAvailable(const ClosureBuilder::Edge &edge, const QString &alias, bool pendingCounts) const;

private:
    void markParents(const Table &table, const QString &s);
    qint64 markDeletedSince(const Table &table, const QString &s, const QStringList &knownDeleted);
    qint64 markDeletedThroughSetNull(const Table &table, const QString &s);
    /// SQL condition on alias x: a parent through a key not ON DELETE SET NULL/DEFAULT (but the one
    /// on `exceptColumns`) is gone from live.
    QString parentGone(const Table &table, const QStringList &exceptColumns) const;
    QString movedParents(const Table &table, const ClosureBuilder::Edge &edge, const QString &s) const;
    QString substituted(const Table &table, const ClosureBuilder::Edge &edge, const QString &s) const;
    void keepCopiesOfPresentRows(const Table &table, const QString &s);
    void markCollisions(const Table &table, RestorePolicy policy, const QString &s, const QString &candidates);
    QString projectedLive(const Table &table) const;
    QList<ClosureBuilder::Edge> edgesFrom(const Table &table) const;
    qint64 update(const QString &sql) const;

    const Schema &m_schema;
    const PgRaw &m_session;
    QHash<QString, QString> m_staging;
    QHash<QString, QStringList> m_columns;
    QList<ClosureBuilder::Edge> m_edges;
    const MovedKeys *m_movedKeys = nullptr;
};

} // namespace salvage
