#pragma once

#include "db/schema.h"
#include "restore/undoguard.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace salvage {

class BlockWriter;
class PgRaw;
class SafeFileWriter;
struct ScriptItem;

/// Records, inside a restore run's transaction, the pre-image of every row the run updates or
/// deletes and the key of every row it inserts (triggers installed for the transaction only,
/// calling functions in pg_temp), and writes them out as an undo script psql can run. The script
/// carries the rows as the run left them and refuses to undo over later changes (UndoGuard).
/// TRUNCATE, and writes to a table whose rows cannot be told apart, fail the run.
/// Rows a COPY statement of a run copied in, as the script gave them (text format, columns listed).
struct CopiedRows
{
    int statement = 0;
    QStringList columns;
    QByteArray data; ///< a view into `script`
    QByteArray script; ///< keeps `data` alive
    qint64 rows = 0;
};

class UndoRecorder
{
public:
    UndoRecorder(const Schema &live, const PgRaw &session)
        : m_schema(live)
        , m_session(session)
    {
    }

    /// Creates the log and the triggers; the tables get a SHARE ROW EXCLUSIVE lock until commit.
    void install();
    /// Tags what the following statement logs, so that undo can reverse it as one statement.
    void beginStatement(int number) const;
    /// Statement `number`, a COPY … FROM STDIN, copied `rows` rows in from `item`'s data. When those
    /// are all the rows the run left in their table, the undo script carries that data as their
    /// after-image instead of reading every row back from the table.
    void copied(int number, const ScriptItem &item, qint64 rows);
    /// Writes the undo script to `file` (opened) and commits it: on disk, renamed into place; throws when it cannot.
    qint64 writeScript(SafeFileWriter &file, const QString &title) const;
    /// Drops the triggers again (before COMMIT, so that nothing of them stays behind).
    void remove() const;

private:
    void installWholeRowLog(const Table &table);
    void installRefusals() const;
    /// The rows the run touched, as it leaves them, and the checks against changes since (UndoGuard).
    void writeGuard(BlockWriter &out) const;
    /// The run's table of the keys it touched in `changed`'s table (`imaged`: it has pre- or
    /// post-images, not only inserts), with statistics.
    QString touchedKeysOfRun(const UndoGuard::Changed &changed, bool imaged) const;
    /// The COPY statements whose data is exactly the rows the run left in `table`, inserted by
    /// `inserting` (the statements the log says inserted there); empty when the rows must be read back.
    QList<CopiedRows> afterImageInScript(const Table &table, const QSet<int> &inserting) const;
    /// A COPY block's data and its end marker, from a query on the run's session; returns its rows.
    qint64 copyInto(BlockWriter &out, const QString &query) const;
    QString undoStatement(int statement, const QList<QPair<quint32, QString>> &operations) const;

    const Schema &m_schema;
    const PgRaw &m_session;
    QHash<quint32, const Table *> m_tables;
    QHash<quint32, QList<CopiedRows>> m_copied; ///< by the oid of the table each COPY filled
};

} // namespace salvage
