#pragma once

#include "diff/diffresult.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace salvage {

/// One thing the Overview lists about an incident, with what each view needs to open it.
struct IncidentFinding
{
    QString title; ///< "public.accounts" or "198 accounts' rows → accounts 9001"
    QString detail; ///< one line more: counts, tables reached
    qint64 lost = 0; ///< rows only in backup (a table finding)
    qint64 fresh = 0; ///< rows only in live
    qint64 changed = 0;
    QString table; ///< Compare: the table to show
    QString graphRoot; ///< Graph: "schema.table:key"; empty when there is no row to centre on
    QString restoreRoot; ///< Restore: a root line ("schema.table MISSING", "schema.table:k1,k2"); may be empty
    QString logName; ///< Timeline: the rows' name for people
    QStringList logValues; ///< Timeline: their values that a log may carry as keys
};

/// The incident at a glance from a comparison (partial while it runs): totals, the tables that
/// lost or changed most, and the largest fan-in moves (MoveRanker's incident targets), each a
/// finding the Overview opens in Compare, Graph, Timeline or Restore.
struct IncidentSummary
{
    qint64 lost = 0;
    qint64 fresh = 0;
    qint64 changed = 0;
    qint64 moved = 0; ///< rows whose foreign key points elsewhere in live
    int tablesCompared = 0;
    int tablesDiffering = 0;
    QList<IncidentFinding> tables; ///< most rows lost first, then changed, then new
    QList<IncidentFinding> fanIns; ///< largest incident fan-in first
    /// Per listed table ("schema.table"), the key values of its lost rows: what "an event touching a
    /// lost row" carries (single-column keys only).
    QMap<QString, QStringList> lostKeys;

    /// Rows handed to the Timeline per finding, and lost keys kept for the log window.
    static constexpr int kLogRows = 200;
    static constexpr int kLostKeys = 5000;

    static IncidentSummary of(const DiffResult &result, int top = 6);
};

} // namespace salvage
