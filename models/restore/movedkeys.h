#pragma once

#include "db/schema.h"
#include "restore/closurebuilder.h"

#include <QHash>

namespace salvage {

class PgRaw;

/// Finds, set-wise, the live rows that are an incident's moved copies of backup rows whose foreign
/// key lies inside the primary key (a join table keyed by its two references): moving such a row
/// gave it a new key. A copy's key is the backup row's key with the foreign key replaced by where
/// the incident re-pointed the other rows of that parent (the pairs the re-point step puts back),
/// at least half of its other columns are the backup row's (life may have edited the rest since; with
/// one other column or none, the key alone decides),
/// and BACKUP does not hold its key (else it was the new owner's own row).
class MovedKeys
{
public:
    /// `staging` and `columns` as LiveClassifier takes them; `closure` lends its BACKUP scratch tables.
    MovedKeys(const PgRaw &live, const PgRaw &backup, const ClosureBuilder &closure,
        const QHash<QString, QString> &staging, const QHash<QString, QStringList> &columns,
        const QList<ClosureBuilder::Edge> &edges);

    /// "_salvage_lk0", …: the staging columns holding the live key of a row's moved copy, one per primary key column.
    static QStringList liveKeyColumns(const QStringList &primaryKey);
    /// SELECT of the backup ("_salvage_p<i>") and live ("_salvage_t<i>") values of `edge` for staged rows
    /// that are in live under their key with that foreign key moved; `condition` narrows the staged rows.
    static QString moves(
        const ClosureBuilder::Edge &edge, const QString &staging, const QString &condition = QStringLiteral("true"));

    /// SELECT of (backup "_salvage_p<i>", live "_salvage_t<i>") pairs: where the incident re-pointed the
    /// rows of each parent of `edge` in the closure's tables (links outside their table's key); empty
    /// when no staged table links to that parent so.
    QString targets(const ClosureBuilder::Edge &edge) const;
    /// Links of `table` to another table whose columns all lie in its primary key.
    QList<ClosureBuilder::Edge> keyEdges(const Table &table) const;
    /// Sets the live key columns of staged rows of `table` that are undecided or present in live to
    /// the key of their moved copy (each copy claimed once, undecided rows first), and marks the
    /// undecided ones 'rekey' ('follows' when a re-keyed parent's ON UPDATE CASCADE brings them
    /// back). Returns the rows given a copy (none: nothing else to check).
    qint64 find(const Table &table) const;
    /// "user_id 2 -> 81; …": what the rows marked 'rekey' in `table` go back from and to.
    QString describe(const Table &table) const;
    /// SQL condition: a row whose foreign key `edge` holds `backup`'s edge columns in BACKUP and
    /// `live`'s `liveColumns` in live references, ON UPDATE CASCADE, the moved copy of its parent,
    /// which the plan re-keys: the cascade puts it back. "false" when the key does not cascade.
    QString cascadesBack(const ClosureBuilder::Edge &edge, const QString &backup, const QString &live,
        const QStringList &liveColumns) const;

private:
    QString staged(const Table &table) const { return m_staging.value(table.qualifiedName()); }
    /// Keys (as text, one list per primary key column) of `table` among `keys` (COPY text) that BACKUP holds.
    QList<QStringList> inBackup(const Table &table, const QByteArray &keys) const;
    void keepReferencedCopies(const Table &table) const;
    /// The parent's live key columns an ON UPDATE CASCADE `edge` references (its staging's), else none.
    QStringList cascadingKey(const ClosureBuilder::Edge &edge) const;

    const PgRaw &m_live;
    const PgRaw &m_backup;
    const ClosureBuilder &m_closure;
    QHash<QString, QString> m_staging;
    QHash<QString, QStringList> m_columns;
    QList<ClosureBuilder::Edge> m_edges;
};

} // namespace salvage
