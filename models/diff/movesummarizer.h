#pragma once

#include "db/schema.h"
#include "diff/diffmove.h"
#include "diff/diffrow.h"

#include <QHash>

namespace salvage {

/// Sums up changed rows whose foreign-key columns point elsewhere in live than in backup, per
/// (table, column, backup value, live value): the fingerprint of a merge. A foreign key inside the
/// primary key (a join table keyed by its two references) changes the row's key when it moves: such
/// a row is a lost row and a new row equal in every other column, and is summed up as a move too
/// (a restore gives such a moved copy its key back: MovedKeys).
/// Changed rows are counted as they come (add()), so a counts-only diff need not keep them; lost
/// and new rows are paired at the end (finish()), and only a table with such a key needs them kept.
class MoveSummarizer
{
public:
    /// `columns` names the entries of each row's value lists; `keyColumns` is the primary key.
    MoveSummarizer(
        const QString &table, const QStringList &columns, const QStringList &keyColumns, QList<ForeignKey> foreignKeys);

    /// Whether finish() pairs lost and new rows (a foreign key inside the key): they must be kept.
    bool pairsLostAndNew() const;
    /// Counts a differing row (changed rows only; the others wait for finish()).
    void add(const DiffRow &row);
    /// Every move, largest first; `rows` are the table's lost and new rows when pairsLostAndNew().
    QList<DiffMove> finish(const QList<DiffRow> &rows);

    /// All of it at once over a table's differing rows.
    static QList<DiffMove> summarize(const QString &table, const QStringList &columns, const QStringList &keyColumns,
        const QList<ForeignKey> &foreignKeys, const QList<DiffRow> &rows);

private:
    /// One foreign key's moves, in the order they were first seen.
    struct KeyMoves
    {
        ForeignKey key;
        QList<int> positions; ///< of its columns in `columns`; empty when one is not compared
        QString column; ///< its columns joined with ','
        bool inKey = false;
        QList<DiffMove> moves;
    };

    void count(qsizetype key, const DiffValue &from, const DiffValue &to);

    QString m_table;
    QList<KeyMoves> m_keys;
    /// column \x1f from \x1f to → the key whose list holds it, and its position there (two keys on
    /// the same columns share their moves)
    QHash<QString, QPair<qsizetype, qsizetype>> m_index;
};

} // namespace salvage
