#pragma once

#include <QList>
#include <QString>

namespace salvage {

/// What a plan does with one backup row of the closure (its staging row's "_salvage_action"), or,
/// for a listing, what it says about a row. Declared in the alphabetical order of the labels: plans
/// list their counts per action in this order.
enum class RowAction {
    Cascade, ///< missing, its parent is gone and ON DELETE CASCADE would have deleted it: kept deleted
    DeletedSince, ///< missing by life since the backup: kept deleted
    DependantSkipped, ///< listing only: a restored parent whose backup dependant the plan skips
    Follows, ///< a key ON UPDATE CASCADE to a re-keyed moved copy brings it back: no statement of its own
    Insert, ///< missing and the incident's doing: inserted
    KeptLive, ///< its foreign key or key cannot be put back without breaking a newer live row: LIVE's stays
    Mapped, ///< keep-live: mapped onto the live row holding its unique key; its children point there
    Present, ///< in LIVE as it is, or with edits life made (kept)
    Recreate, ///< a recreated entity: the live row holding its unique key gets the original id back
    Rekey, ///< its moved copy (a new key) gets the backup key back
    Repoint, ///< in LIVE, a foreign key the incident moved is put back
    Skipped, ///< its unique key is taken by a newer live row, which stays
    Unexplained, ///< only while deciding: re-pointed by the incident, skipped or already gone
    UnknownOwner, ///< listing only: a live row created after the backup under a merge target
    Unrestorable, ///< its ON DELETE rule forbids it without a parent gone from everywhere
    Waiting, ///< only while deciding: waits for a parent in a table decided later (a cycle)
};

/// "cascade", "deleted-since", "dependant-skipped", "follows", "insert", "kept-live", "mapped",
/// "present", "recreate", "rekey", "repoint", "skipped", "unexplained", "unknown-owner",
/// "unrestorable", "waiting": the staging column's values, the plan's counts and listings.
QString rowActionName(RowAction action);
/// Reads a label back (a staging row's action as PostgreSQL returns it); false for any other text.
bool parseRowAction(const QString &name, RowAction *action);
/// The staging tables' column that holds each row's action, quoted: "_salvage_action".
QString rowActionColumn();
/// The label as a SQL literal, `'insert'`, for the statements over staging tables.
QString rowActionSql(RowAction action);
/// `alias."_salvage_action" = 'insert'`, or without an alias the bare column (also an assignment).
QString rowActionIs(const QString &alias, RowAction action);
/// `alias."_salvage_action" IN ('insert', 'recreate')`.
QString rowActionIn(const QString &alias, const QList<RowAction> &actions);
/// `'insert', 'recreate'`: the labels as a list of literals, for `IN (…)`.
QString rowActionsSql(const QList<RowAction> &actions);
/// insert, recreate, rekey, follows: the row is in LIVE under its backup key once the script ran.
QList<RowAction> restoredRowActions();
/// insert, recreate, repoint, rekey: the rows a statement of the script writes (its data carries them).
QList<RowAction> writtenRowActions();

} // namespace salvage
