#include "restore/restoreexecutor.h"

#include "core/error.h"
#include "db/jobcontrol.h"
#include "db/pgsession.h"
#include "db/schemareader.h"
#include "db/pgraw.h"
#include "db/sqlident.h"
#include "restore/ownedtransaction.h"
#include "restore/restoresql.h"
#include "restore/rowidentity.h"
#include "restore/scriptparser.h"
#include "restore/sequencesnapshot.h"
#include "restore/undorecorder.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <exception>
#include <optional>

namespace salvage {

namespace {

/// The table a statement writes: the last top-level INSERT INTO / UPDATE / DELETE FROM target.
QString targetTable(const QString &statement)
{
    static const QRegularExpression target(
        QStringLiteral("(?:^|\\)\\s*)(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(%1)").arg(sql::qualifiedNamePattern()),
        QRegularExpression::CaseInsensitiveOption);
    QString found;
    auto matches = target.globalMatch(statement.trimmed());
    while (matches.hasNext())
        found = matches.next().captured(1);
    if (found.startsWith(QLatin1String("\"_salvage")) || found.startsWith(QLatin1String("_salvage")))
        return {};
    return sql::splitQualifiedName(found).join(QLatin1Char('.')); // as Table::qualifiedName() spells it
}

/// The line of the script's last text (its COMMIT, which the parser leaves out), for what fails at its end.
int lastLine(const QByteArray &script)
{
    qsizetype end = script.size();
    while (end > 0 && QChar::isSpace(uchar(script.at(end - 1))))
        --end;
    return int(script.left(end).count('\n')) + 1;
}

/// Runs one statement; returns the rows it affected. An INSERT … ON CONFLICT DO NOTHING first runs
/// as a plain INSERT under a savepoint: a speculative insertion per row costs a sixth of a
/// million-row insert, and when nothing conflicts both insert the same rows. On any error the
/// statement runs again as written, so the outcome is the statement's own.
qint64 runStatement(const PgRaw &live, const QString &sql, const JobControl *control)
{
    static const QRegularExpression doNothing(QStringLiteral("^\\s*INSERT\\s+INTO\\b.*\\s+ON\\s+CONFLICT\\s+DO\\s+NOTHING\\s*$"),
                                              QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    if (!doNothing.match(sql).hasMatch())
        return PgRaw::affected(live.exec(sql));
    static const QRegularExpression suffix(QStringLiteral("\\s+ON\\s+CONFLICT\\s+DO\\s+NOTHING\\s*$"), QRegularExpression::CaseInsensitiveOption);
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
        lines << QStringLiteral("  %1: %2").arg(it.key()).arg(it.value());
    if (!sequencesPutBack.isEmpty())
        lines << QStringLiteral("Sequences put back as they were: %1").arg(sequencesPutBack.join(QStringLiteral(", ")));
    if (!error.isEmpty())
        lines << (errorLine > 0 ? QStringLiteral("Error at line %1: %2").arg(errorLine).arg(error)
                                : QStringLiteral("Error: %1").arg(error));
    if (committed)
        lines << QStringLiteral("Committed.");
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
    return QStringLiteral("%1 committed on %2: %L3 rows in %4 table(s); undo script %5")
        .arg(what, where)
        .arg(rows)
        .arg(rowsPerTable.size())
        .arg(undoPath);
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

ExecutionReport RestoreExecutor::execute(const QByteArray &script, const QString &undoPath, bool commit, JobControl *control)
{
    if (m_live.isReadOnly())
        throw Error(QStringLiteral("%1: a restore needs the run's own writable session.").arg(m_live.where()));
    const QList<ScriptItem> items = ScriptParser::parse(script);
    // Refuse early, before touching LIVE, when the undo script cannot be created there.
    if (commit) {
        QFile probe(undoPath);
        if (!probe.open(QIODevice::WriteOnly | QIODevice::Truncate))
            throw Error(QStringLiteral("Cannot write the undo script %1: %2.").arg(undoPath, probe.errorString()));
    }
    Schema schema = commit ? SchemaReader::read(m_live, control) : Schema{};
    RowIdentity::adopt(schema); // undo tells rows apart as the plan did
    const PgRaw live(m_live.handle(), m_live.where());
    ExecutionReport report;
    OwnedTransaction transaction(live);
    std::optional<SequenceSnapshot> sequences;
    int current = 0;
    try {
        RestoreSql::widenTempBuffers(live); // the staging tables and the undo log are temporary tables
        transaction.begin();
        live.exec(QStringLiteral("SET LOCAL lock_timeout = '%1s'").arg(m_lockTimeoutSeconds));
        if (!commit) {
            // nextval and setval outlast a rollback: a preview puts every sequence back, also after
            // a failed statement (rolled back to this savepoint first).
            sequences = SequenceSnapshot::take(live);
            live.exec(QStringLiteral("SAVEPOINT \"_salvage_preview\""));
        }
        // Phases after the statements report as done = all of them, so progress never runs backwards.
        const auto phase = [&](qint64 done, const QString &status) {
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
            const QString description = item.comment.isEmpty() ? item.sql.left(80) : item.comment.section(QLatin1Char('\n'), 0, 0).mid(3);
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
            outcome.table = item.isCopy ? QString() : targetTable(item.sql);
            outcome.rows = item.isCopy ? live.copyIn(item.sql, item.copyData) : runStatement(live, item.sql, control);
            transaction.checkOpen();
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
            throw Error(QStringLiteral("a deferred foreign key fails at the end of the script (SET CONSTRAINTS ALL IMMEDIATE): %1")
                            .arg(error.message()));
        }
        report.errorLine = 0;
        transaction.verify();
        if (commit) {
            phase(items.size(), QStringLiteral("writing the undo script"));
            report.undoRows = undo->writeScript(undoPath, QStringLiteral("run on %1 at %2")
                                                              .arg(m_live.where(), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
            phase(items.size(), QStringLiteral("removing the undo log"));
            undo->remove();
            if (control)
                control->throwIfCancelled();
            phase(items.size(), QStringLiteral("committing"));
            live.exec(QStringLiteral("COMMIT"));
            report.committed = true;
        } else {
            report.sequencesPutBack = sequences->restore(live);
            live.exec(QStringLiteral("ROLLBACK"));
        }
    } catch (const std::exception &error) {
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
        }
        if (commit && !report.committed)
            QFile::remove(undoPath);
        report.error = dynamic_cast<const Cancelled *>(&error) ? QStringLiteral("Cancelled.") : QString::fromUtf8(error.what());
        if (!sequenceError.isEmpty())
            report.error += QStringLiteral(" Sequences were not put back: %1").arg(sequenceError);
    }
    return report;
}

} // namespace salvage
