#pragma once

#include "db/pgsession.h"
#include "livesnapshot.h"
#include "restore/restoreexecutor.h"

#include <QFile>
#include <QTest>
#include <functional>

namespace salvage::test {

/// A new undo path in `directory` for each run: Salvage never replaces an existing undo file.
inline QString freshUndoPath(const QString &directory)
{
    static int runs = 0;
    return directory + QStringLiteral("/undo-%1.sql").arg(++runs);
}

/// Every statement wrote the rows its "-- expected rows" comment announced, and nothing failed.
inline void checkCounts(const ExecutionReport &report)
{
    QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
    for (const StatementOutcome &outcome : report.statements)
        if (outcome.expectedRows >= 0)
            QCOMPARE(outcome.rows, outcome.expectedRows);
}

/// Preview (LIVE unchanged), run with the undo script written to `undo`, `checkRestored`, then the
/// undo script by psql gives LIVE back exactly. `preview` receives the preview's report.
inline void previewRunUndo(const QString &live, const QByteArray &script, const QString &undo,
    const std::function<void()> &checkRestored, ExecutionReport *preview = nullptr)
{
    const auto before = tableDigests(live);
    PgSession session(live, PgSession::Options::writable(QStringLiteral("LIVE")));
    RestoreExecutor executor(session);
    const ExecutionReport previewed = executor.preview(script);
    if (preview)
        *preview = previewed;
    checkCounts(previewed);
    QCOMPARE(tableDigests(live), before);

    const ExecutionReport run = executor.run(script, undo);
    QVERIFY2(run.committed, qPrintable(run.error));
    checkCounts(run);
    checkRestored();

    const ProcessResult undone = runWithPsql(live, undo);
    QVERIFY2(undone.exitCode == 0, qPrintable(undone.output));
    QCOMPARE(tableDigests(live), before);
}

/// Writes `script` to `path` and runs it with psql, as an operator would.
inline void runScriptWithPsql(const QString &live, const QByteArray &script, const QString &path)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(script);
    file.close();
    const ProcessResult ran = runWithPsql(live, path);
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.output));
}

} // namespace salvage::test
