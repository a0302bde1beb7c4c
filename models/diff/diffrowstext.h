#pragma once

#include "diff/diffresult.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace salvage {

/// Text made from some differing rows of one table (`rows` are indexes into table.rows): for the
/// clipboard, and the selection handed from the Compare view to the other views. csv() and
/// insertStatements() throw salvage::Error when a spooled row's values cannot be read back.
namespace DiffRowsText {

/// CSV with a header, one line per row as the rows pane shows it: status, then each column's
/// backup and live value. NULL is a bare NULL, every value is quoted (so "NULL" and "" stay
/// text), and a side the row is missing from is an empty field.
QString csv(const TableDiff &table, const QList<int> &rows);

/// INSERT statements that put back the backup side of the rows (rows only in live have none and
/// are counted in a comment): quoted identifiers, literal-quoted values, NULL as NULL, generated
/// columns left out.
QString insertStatements(const TableDiff &table, const QList<int> &rows);

} // namespace DiffRowsText

/// Rows of one table picked in the Compare view, by primary key: what "select these rows" hands
/// to the Restore and Graph views.
struct DiffRowSelection
{
    QString table; ///< "schema.table"
    QString sqlName; ///< "schema"."table", quoted
    QStringList keyColumns;
    QList<QStringList> keys; ///< one per row, in keyColumns order, as text
    /// The rows' non-NULL values on either side as a log would write them (LogKeyCandidates),
    /// for following them into the timeline.
    QStringList logValues;

    /// The given rows of `table`; empty (no keys) when the table has no primary key.
    static DiffRowSelection of(const TableDiff &table, const QList<int> &rows);
    bool isEmpty() const { return keys.isEmpty(); }
    /// "schema.table WHERE (pk) IN (…)", a root of the Restore view; empty when isEmpty().
    QString restoreRoot() const;
    /// `("a", "b") IN (('1', 'x'), …)`, values as literals; empty when isEmpty().
    QString keyPredicate() const;
    /// "schema.table:k1,k2" for the Graph view: the first selected row.
    QString graphRoot() const;
};

} // namespace salvage

Q_DECLARE_METATYPE(salvage::DiffRowSelection)
