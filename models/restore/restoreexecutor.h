#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace salvage {

class JobControl;
class PgSession;

/// What one statement of a script did.
struct StatementOutcome
{
    int line = 0;
    QString description; ///< its comment, or the start of its SQL
    QString table; ///< the table it writes, "" for staging and settings
    qint64 expectedRows = -1;
    qint64 rows = -1;
};

/// What a preview or a run did: per statement and per table, or the statement that failed.
struct ExecutionReport
{
    QList<StatementOutcome> statements;
    QMap<QString, qint64> rowsPerTable;
    bool committed = false;
    bool commitUnknown = false; ///< the connection was lost during COMMIT: LIVE may hold the run
    QString error; ///< empty on success
    int errorLine = 0; ///< line of the failing statement
    qint64 undoRows = 0;
    QStringList sequencesPutBack; ///< a preview's sequences that moved and were set back
    bool sequencesAdvanced = false; ///< a preview could not put its sequences back
    bool transactionLost = false; ///< the script ended Salvage's transaction: LIVE may have changed

    QString summary() const;
    /// One sentence for the incident's timeline: "Restore committed on WHERE: 17,600 rows in 12
    /// tables; undo script PATH" (`what` names the run: "Restore", "Undo of the last restore").
    QString timelineNote(const QString &what, const QString &where, const QString &undoPath) const;
};

/// Runs a restore script on LIVE in one transaction, the way psql would for the subset the
/// renderer writes (statements and COPY FROM STDIN blocks), edited scripts included. Preview
/// rolls back; run writes and flushes an undo script before COMMIT and rolls back when it cannot.
/// Salvage owns the transaction: the script's transaction control is refused (ScriptParser), each
/// statement is sent on its own, and the transaction is proven to be the one it opened before it
/// ends. A preview puts back every sequence the script moved.
/// A failure, a cancel or a lost connection leaves LIVE as it was. The session must be writable:
/// it is the run's own.
class RestoreExecutor
{
public:
    explicit RestoreExecutor(PgSession &live, int lockTimeoutSeconds = 10)
        : m_live(live)
        , m_lockTimeoutSeconds(lockTimeoutSeconds)
    {
    }

    /// Runs an undo script even over rows changed since its run (they are overwritten, and
    /// deletes cascade); without it such a script stops and lists them.
    void setForceUndo(bool force) { m_forceUndo = force; }

    ExecutionReport preview(const QByteArray &script, JobControl *control = nullptr);
    ExecutionReport run(const QByteArray &script, const QString &undoPath, JobControl *control = nullptr);
    /// Lets run() replace an existing file at the undo path (asked for: --force, a confirmed dialog).
    void setReplaceExistingUndo(bool replace) { m_replaceUndo = replace; }

private:
    ExecutionReport execute(const QByteArray &script, const QString &undoPath, bool commit, JobControl *control);

    PgSession &m_live;
    int m_lockTimeoutSeconds;
    bool m_replaceUndo = false;
    bool m_forceUndo = false;
};

} // namespace salvage
