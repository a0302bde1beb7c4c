#pragma once

#include "db/schema.h"
#include "restore/undoguard.h"

#include <QHash>
#include <QString>
#include <functional>

namespace salvage {

class PgRaw;
class SafeFileWriter;

/// Records, inside a restore run's transaction, the pre-image of every row the run updates or
/// deletes and the key of every row it inserts (triggers installed for the transaction only,
/// calling functions in pg_temp), and writes them out as an undo script psql can run. The script
/// carries the rows as the run left them and refuses to undo over later changes (UndoGuard).
/// TRUNCATE, and writes to a table whose rows cannot be told apart, fail the run.
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
    /// Writes the undo script to `file` (opened) and commits it: on disk, renamed into place; throws when it cannot.
    qint64 writeScript(SafeFileWriter &file, const QString &title) const;
    /// Drops the triggers again (before COMMIT, so that nothing of them stays behind).
    void remove() const;

private:
    void installWholeRowLog(const Table &table);
    void installRefusals() const;
    /// The rows the run touched, as it leaves them, and the checks against changes since (UndoGuard).
    void writeGuard(const std::function<void(const QByteArray &)> &write) const;
    /// The run's table of the keys it touched in `changed`'s table (`imaged`: it has pre- or
    /// post-images, not only inserts), with statistics.
    QString touchedKeysOfRun(const UndoGuard::Changed &changed, bool imaged) const;
    /// A COPY block's data and its end marker, from a query on the run's session.
    void copyInto(const std::function<void(const QByteArray &)> &write, const QString &query) const;
    QString undoStatement(int statement, const QList<QPair<quint32, QString>> &operations) const;

    const Schema &m_schema;
    const PgRaw &m_session;
    QHash<quint32, const Table *> m_tables;
};

} // namespace salvage
