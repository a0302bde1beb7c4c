#include "restore/restoreexecutor.h"

#include "core/error.h"
#include "core/safefilewriter.h"
#include "db/pgraw.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "db/sqlident.h"
#include "jobs/jobcontrol.h"
#include "restore/commitoutcome.h"
#include "restore/logcategory.h"
#include "restore/ownedtransaction.h"
#include "restore/restoresql.h"
#include "restore/rowidentity.h"
#include "restore/scriptparser.h"
#include "restore/scriptrenderer.h"
#include "restore/sequencesnapshot.h"
#include "restore/undorecorder.h"

#include <QDateTime>
#include <QFile>
#include <QLocale>
#include <QRegularExpression>
#include <algorithm>
#include <exception>
#include <optional>

namespace salvage {

namespace {

/// `name` (as a statement spells it) as Table::qualifiedName() spells it, or empty when it is one of
/// Salvage's own tables (staging, undo log: "_salvage…", unqualified or in pg_temp) and not LIVE's.
QString liveTable(const QString &name)
{
    const QStringList parts = sql::splitQualifiedName(name);
    if (parts.isEmpty() || parts.last().startsWith(QLatin1String("_salvage"))
        || (parts.size() == 2 && parts.first() == QLatin1String("pg_temp")))
        return {};
    return parts.join(QLatin1Char('.'));
}

/// The table a statement writes: the last top-level INSERT INTO / UPDATE / DELETE FROM target.
QString targetTable(const QString &statement)
{
    static const QRegularExpression target(
        QStringLiteral("(?:^|\\)\\s*)(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(%1)")
            .arg(sql::qualifiedNamePattern()),
        QRegularExpression::CaseInsensitiveOption);
    QString found;
    auto matches = target.globalMatch(statement.trimmed());
    while (matches.hasNext())
        found = matches.next().captured(1);
    return liveTable(found);
}

/// The table a COPY … FROM STDIN fills.
QString copyTarget(const QString &statement)
{
    static const QRegularExpression target(
        QStringLiteral("^COPY\\s+(%1)").arg(sql::qualifiedNamePattern()), QRegularExpression::CaseInsensitiveOption);
    return liveTable(target.match(statement.trimmed()).captured(1));
}

/// Copies the item's data; a COPY into one of LIVE's tables that fails says which table and why
/// that may be (a plan's rows carried straight in: a key LIVE gained since the plan was made).
qint64 copyIn(const PgRaw &live, const ScriptItem &item, const QString &table)
{
    if (table.isEmpty())
        return live.copyIn(item.sql, item.copyData);
    try {
        return live.copyIn(item.sql, item.copyData);
    } catch (const Error &error) {
        throw Error(QStringLiteral("the rows of %1 could not go in (if LIVE gained one of their keys since the plan "
                                   "was made, plan again): %2")
                        .arg(table, error.message()));
    }
}

/// The line of the script's last text (its COMMIT, which the parser leaves out), for what fails at its end.
int lastLine(const QByteArray &script)
{
    qsizetype end = script.size();
    while (end > 0 && QChar::isSpace(uchar(script.at(end - 1))))
        --end;
    return int(std::count(script.constData(), script.constData() + end, '\n')) + 1;
}

/// TRUNCATE is refused before LIVE is touched, in a preview too: no trigger sees the rows it
/// removes, so undo could not put them back (a run also refuses it by trigger, in any form).
void refuseTruncate(const QList<ScriptItem> &items)
{
    static const QRegularExpression truncate(QStringLiteral("^TRUNCATE\\b"), QRegularExpression::CaseInsensitiveOption);
    for (const ScriptItem &item : items)
        if (truncate.match(item.sql).hasMatch())
            throw Error(QStringLiteral(
                "Line %1: a restore script may not TRUNCATE: the undo script could not put the rows back "
                "(delete them instead).")
                            .arg(item.line));
}

/// Runs one statement; returns the rows it affected. An INSERT … ON CONFLICT DO NOTHING first runs
/// as a plain INSERT under a savepoint: a speculative insertion per row costs a sixth of a
/// million-row insert, and when nothing conflicts both insert the same rows. On any error the
/// statement runs again as written, so the outcome is the statement's own.
qint64 runStatement(const PgRaw &live, const QString &sql, const JobControl *control)
{
    static const QRegularExpression doNothing(
        QStringLiteral("^\\s*INSERT\\s+INTO\\b.*\\s+ON\\s+CONFLICT\\s+DO\\s+NOTHING\\s*$"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    if (!doNothing.match(sql).hasMatch())
        return PgRaw::affected(live.exec(sql));
    static const QRegularExpression suffix(
        QStringLiteral("\\s+ON\\s+CONFLICT\\s+DO\\s+NOTHING\\s*$"), QRegularExpression::CaseInsensitiveOption);
    QString plain = sql;
    plain.remove(suffix);
    live.exec(QStringLiteral("SAVEPOINT \"_salvage_insert\""));
    try {
        const qint64 rows = PgRaw::affected(live.exec(plain));
        live.exec(QStringLiteral("RELEASE SAVEPOINT \"_salvage_insert\""));
        return rows;
    } catch (const Error &) {
        // A cancel is no conflict: it ends the run. A lost connection cannot roll back to the
        // savepoint: the first error says what happened.
        if (control && control->isCancelled())
            throw;
        const std::exception_ptr first = std::current_exception();
        try {
            live.exec(QStringLiteral("ROLLBACK TO SAVEPOINT \"_salvage_insert\""));
        } catch (const Error &) {
            std::rethrow_exception(first);
        }
    }
    return PgRaw::affected(live.exec(sql));
}

/// Tables the plan told apart by columns that are no primary key (a declared unique key): the
/// script's header names them ("-- identity: TABLE (COLUMNS)"), and the undo does the same.
void adoptDeclaredIdentities(Schema &schema, const QByteArray &script)
{
    // Line by line up to the BEGIN, each read as text only when it is one: splitting the whole
    // script first cost a copy of every data line (50-80 ms per 100,000 rows).
    const QByteArray mark = ScriptRenderer::identityMark().toUtf8();
    for (qsizetype start = 0, end = 0; start < script.size(); start = end + 1) {
        end = script.indexOf('\n', start);
        if (end < 0)
            end = script.size();
        const QByteArrayView raw(script.constData() + start, end - start);
        if (raw.startsWith("BEGIN"))
            break;
        if (!raw.startsWith(mark))
            continue;
        const QString line = QString::fromUtf8(raw);
        const QString rest = line.mid(ScriptRenderer::identityMark().size()).trimmed();
        const qsizetype open = rest.lastIndexOf(QStringLiteral(" ("));
        if (open < 0 || !rest.endsWith(QLatin1Char(')')))
            continue;
        const QStringList name = sql::splitQualifiedName(rest.left(open));
        const QStringList columns = sql::splitIdentifierList(rest.mid(open + 2, rest.size() - open - 3));
        if (name.size() != 2 || columns.isEmpty())
            continue;
        for (Table &table : schema.tables)
            if (table.schema == name.first() && table.name == name.last() && table.primaryKey.isEmpty()
                && std::all_of(
                    columns.cbegin(), columns.cend(), [&table](const QString &column) { return table.column(column); }))
                table.primaryKey = columns;
    }
}

} // namespace

QString ExecutionReport::summary() const
{
    QStringList lines;
    for (const StatementOutcome &outcome : statements) {
        if (outcome.table.isEmpty() && outcome.expectedRows < 0)
            continue;
        QString line = QStringLiteral("line %1: %2 rows").arg(outcome.line).arg(outcome.rows);
        if (outcome.expectedRows >= 0)
            line += QStringLiteral(" (expected %1)").arg(outcome.expectedRows);
        line += QStringLiteral(" - ") + outcome.description;
        lines << line;
    }
    lines << QStringLiteral("Rows touched per table:");
    for (auto it = rowsPerTable.constBegin(); it != rowsPerTable.constEnd(); ++it)
        lines << QStringLiteral("  %1: %2").arg(it.key(), QString::number(it.value()));
    if (!sequencesPutBack.isEmpty())
        lines << QStringLiteral("Sequences put back as they were: %1").arg(sequencesPutBack.join(QStringLiteral(", ")));
    if (!error.isEmpty())
        lines << (errorLine > 0 ? QStringLiteral("Error at line %1: %2").arg(errorLine).arg(error)
                                : QStringLiteral("Error: %1").arg(error));
    if (committed)
        lines << QStringLiteral("Committed.");
    else if (commitUnknown)
        lines << QStringLiteral(
            "The connection was lost during COMMIT: LIVE may hold the run; the undo script is kept.");
    else if (transactionLost)
        lines << QStringLiteral(
            "LIVE MAY HAVE CHANGED: the transaction Salvage opened did not last to the end of the script; "
            "compare LIVE with BACKUP before anything else.");
    else if (sequencesAdvanced)
        lines << QStringLiteral("Rolled back; LIVE's rows are unchanged, but its sequences may be left advanced.");
    else
        lines << QStringLiteral("Rolled back; LIVE is unchanged.");
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

QString ExecutionReport::timelineNote(const QString &what, const QString &where, const QString &undoPath) const
{
    qint64 rows = 0;
    for (qint64 count : rowsPerTable)
        rows += count;
    return QStringLiteral("%1 committed on %2: %3 rows in %4 table(s); undo script %5")
        .arg(what, where, QLocale().toString(rows), QString::number(rowsPerTable.size()), undoPath);
}

ExecutionReport RestoreExecutor::preview(const QByteArray &script, JobControl *control)
{
    return execute(script, QString(), false, control);
}

ExecutionReport RestoreExecutor::run(const QByteArray &script, const QString &undoPath, JobControl *control)
{
    if (undoPath.isEmpty())
        throw Error(QStringLiteral("A restore run needs a path for its undo script."));
    return execute(script, undoPath, true, control);
}

ExecutionReport RestoreExecutor::execute(
    const QByteArray &script, const QString &undoPath, bool commit, JobControl *control)
{
    if (m_live.isReadOnly())
        throw Error(QStringLiteral("%1: a restore needs the run's own writable session.").arg(m_live.where()));
    const QList<ScriptItem> items = ScriptParser::parse(script);
    refuseTruncate(items);
    // Refuse early, before touching LIVE, when the undo script cannot be created there (or would
    // replace a file unasked): its temporary file is created now and renamed into place before COMMIT.
    std::optional<SafeFileWriter> undoFile;
    if (commit) {
        undoFile.emplace(undoPath, m_replaceUndo ? SafeFileWriter::Existing::Replace : SafeFileWriter::Existing::Keep);
        if (!undoFile->open(QIODevice::WriteOnly))
            throw Error(QStringLiteral("Cannot write the undo script: %1.").arg(undoFile->errorString()));
    }
    Schema schema = commit ? SchemaReader::read(m_live, control) : Schema {};
    adoptDeclaredIdentities(schema, script);
    RowIdentity::adopt(schema); // undo tells rows apart as the plan did
    const PgRaw live(m_live.handle(), m_live.where());
    ExecutionReport report;
    OwnedTransaction transaction(live);
    std::optional<SequenceSnapshot> sequences;
    int current = 0;
    bool commitSent = false;
    QString xid; // the run's transaction, to ask about when the answer to COMMIT is lost
    try {
        RestoreSql::widenTempBuffers(live); // the staging tables and the undo log are temporary tables
        transaction.begin();
        live.exec(QStringLiteral("SET LOCAL lock_timeout = '%1s'").arg(m_lockTimeoutSeconds));
        live.exec(QStringLiteral("SET LOCAL jit = off")); // each statement runs once: compiling it costs more
        if (m_forceUndo) // read by an undo script's check (UndoGuard)
            live.exec(QStringLiteral("SET LOCAL salvage.force_undo = 'on'"));
        if (!commit) {
            // nextval and setval outlast a rollback: a preview puts every sequence back, also after
            // a failed statement (rolled back to this savepoint first).
            sequences = SequenceSnapshot::take(live);
            live.exec(QStringLiteral("SAVEPOINT \"_salvage_preview\""));
        }
        // Phases after the statements report as done = all of them, so progress never runs backwards.
        const auto phase = [&](qint64 done, const QString &status) {
            qCDebug(lcRestore).noquote() << status;
            if (control)
                control->setProgress(done, items.size(), status);
        };
        std::optional<UndoRecorder> undo;
        if (commit) {
            phase(0, QStringLiteral("preparing the undo log"));
            undo.emplace(schema, live);
            undo->install();
        }
        for (const ScriptItem &item : items) {
            ++current;
            const QString description
                = item.comment.isEmpty() ? item.sql.left(80) : item.comment.section(QLatin1Char('\n'), 0, 0).mid(3);
            if (control)
                control->throwIfCancelled();
            phase(current - 1, description);
            report.errorLine = item.line;
            if (undo)
                undo->beginStatement(current);
            StatementOutcome outcome;
            outcome.line = item.line;
            outcome.expectedRows = item.expectedRows;
            outcome.description = description;
            outcome.table = item.isCopy ? copyTarget(item.sql) : targetTable(item.sql);
            outcome.rows = item.isCopy ? copyIn(live, item, outcome.table) : runStatement(live, item.sql, control);
            transaction.checkOpen();
            if (undo && item.isCopy)
                undo->copied(current, item, outcome.rows);
            if (!outcome.table.isEmpty())
                report.rowsPerTable[outcome.table] += qMax<qint64>(outcome.rows, 0);
            report.statements.append(outcome);
        }
        if (control)
            control->throwIfCancelled();
        // Deferred foreign keys are checked now rather than at COMMIT or never (a preview rolls
        // back): a violation is reported, at the script's end, before any undo is written.
        report.errorLine = lastLine(script);
        try {
            live.exec(QStringLiteral("SET CONSTRAINTS ALL IMMEDIATE"));
        } catch (const Error &error) {
            throw Error(QStringLiteral(
                "a deferred foreign key fails at the end of the script (SET CONSTRAINTS ALL IMMEDIATE): %1")
                            .arg(error.message()));
        }
        report.errorLine = 0;
        transaction.verify();
        if (commit) {
            phase(items.size(), QStringLiteral("writing the undo script"));
            report.undoRows = undo->writeScript(*undoFile,
                QStringLiteral("run on %1 at %2")
                    .arg(m_live.where(), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
            phase(items.size(), QStringLiteral("removing the undo log"));
            undo->remove();
            if (control)
                control->throwIfCancelled();
            phase(items.size(), QStringLiteral("committing"));
            xid = PgRaw::value(live.exec(QStringLiteral("SELECT txid_current()::text")), 0, 0);
            commitSent = true;
            live.exec(QStringLiteral("COMMIT"));
            report.committed = true;
        } else {
            report.sequencesPutBack = sequences->restore(live);
            live.exec(QStringLiteral("ROLLBACK"));
        }
    } catch (const std::exception &error) {
        bool connected = true;
        report.transactionLost = dynamic_cast<const TransactionLost *>(&error) != nullptr;
        QString sequenceError;
        if (sequences && !report.transactionLost) {
            try {
                live.exec(QStringLiteral("ROLLBACK TO SAVEPOINT \"_salvage_preview\""));
                report.sequencesPutBack = sequences->restore(live);
            } catch (const std::exception &failed) {
                report.sequencesAdvanced = true;
                sequenceError = QString::fromUtf8(failed.what());
            }
        }
        try {
            live.exec(QStringLiteral("ROLLBACK"));
        } catch (...) {
            connected = false;
        }
        // A COMMIT whose answer was lost may have committed: the server is asked on a new connection.
        // While that cannot be known, the undo script stays (it refuses to run, changing nothing, if
        // LIVE does not hold the run).
        if (commitSent && !connected) {
            const CommitOutcome::Outcome outcome = CommitOutcome::ask(m_live.handle(), xid);
            if (outcome == CommitOutcome::Outcome::Committed) {
                report.committed = true;
                return report;
            }
            report.commitUnknown = outcome == CommitOutcome::Outcome::Unknown;
        }
        // An uncommitted run leaves no undo script: its temporary file goes with undoFile, and a
        // script already renamed into place is removed (it is ours: nothing was there, or --force).
        if (undoFile && undoFile->isCommitted() && !report.committed && !report.commitUnknown)
            QFile::remove(undoFile->targetPath());
        report.error
            = dynamic_cast<const Cancelled *>(&error) ? QStringLiteral("Cancelled.") : QString::fromUtf8(error.what());
        if (report.commitUnknown)
            report.error += QStringLiteral(
                " The connection was lost during COMMIT: LIVE may hold the run. The undo script %1 is kept: it "
                "undoes the run if it committed and refuses, changing nothing, if it did not.")
                                .arg(undoPath);
        if (!sequenceError.isEmpty())
            report.error += QStringLiteral(" Sequences were not put back: %1").arg(sequenceError);
    }
    return report;
}

} // namespace salvage
