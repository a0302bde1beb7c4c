#include "clicommand.h"

#include "core/error.h"
#include "db/jobcontrol.h"
#include "db/pgsession.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "signalcancel.h"

#include <QFile>

namespace salvage::cli {

namespace {

QByteArray readScript(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UsageError{QStringLiteral("restore: cannot read %1: %2").arg(path, file.errorString())};
    return file.readAll();
}

int plan(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("live"), QStringLiteral("LIVE conninfo"), QStringLiteral("CONN")});
    parser.addOption({QStringLiteral("backup"), QStringLiteral("BACKUP conninfo"), QStringLiteral("CONN")});
    parser.addOption({QStringLiteral("root"), QStringLiteral("\"TABLE WHERE PREDICATE\", \"TABLE:KEY,…\" or \"TABLE MISSING\""),
                      QStringLiteral("ROOT")});
    parser.addOption({QStringLiteral("policy"), QStringLiteral("TABLE=restore|keep-live|skip for unique-key collisions"),
                      QStringLiteral("TABLE=POLICY")});
    parser.addOption({QStringLiteral("restore-deleted"),
                      QStringLiteral("restore TABLE's rows deleted since the backup anyway (the incident does not explain their absence); * for every table"),
                      QStringLiteral("TABLE")});
    parser.addOption({QStringLiteral("relation"), QStringLiteral("declared relation CHILD.COL=PARENT[.COL]"), QStringLiteral("REL")});
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")}, QStringLiteral("write the script to FILE"), QStringLiteral("FILE")});
    parseOrThrow(parser, QStringLiteral("restore plan"), arguments);

    RestoreRequest request;
    for (const QString &root : parser.values(QStringLiteral("root")))
        request.roots << RootSelection::parse(root);
    if (request.roots.isEmpty())
        throw UsageError{QStringLiteral("restore plan: at least one --root is required")};
    for (const QString &policy : parser.values(QStringLiteral("policy"))) {
        const QString table = policy.section(QLatin1Char('='), 0, 0);
        RestorePolicy value;
        if (table.isEmpty() || !parseRestorePolicy(policy.section(QLatin1Char('='), 1), &value))
            throw UsageError{QStringLiteral("restore plan: --policy must be TABLE=restore|keep-live|skip, not %1").arg(policy)};
        request.policies.insert(table, value);
    }
    request.restoreDeleted = parser.values(QStringLiteral("restore-deleted"));
    for (const QString &relation : parser.values(QStringLiteral("relation"))) {
        const QString child = relation.section(QLatin1Char('='), 0, 0);
        const QString parent = relation.section(QLatin1Char('='), 1);
        if (child.count(QLatin1Char('.')) < 1 || parent.isEmpty())
            throw UsageError{QStringLiteral("restore plan: --relation must be CHILD.COLUMN=PARENT[.COLUMN], not %1").arg(relation)};
        const qsizetype childDot = child.lastIndexOf(QLatin1Char('.'));
        RestoreRelation declared{child.left(childDot), {child.mid(childDot + 1)}, parent, {}};
        if (parent.contains(QLatin1Char(':'))) {
            declared.parentTable = parent.section(QLatin1Char(':'), 0, 0);
            declared.parentColumns = {parent.section(QLatin1Char(':'), 1)};
        }
        request.relations << declared;
    }

    PgSession live(required(parser, QStringLiteral("live")), PgSession::Options{true, QStringLiteral("LIVE"), 15});
    PgSession backup(required(parser, QStringLiteral("backup")), PgSession::Options{true, QStringLiteral("BACKUP"), 15});
    const RestorePlan restorePlan = RestorePlanner(live, backup).plan(request);
    const QString output = parser.value(QStringLiteral("output"));
    const QByteArray script = ScriptRenderer::render(restorePlan);
    if (output.isEmpty()) {
        writeOutput(QString(), script);
    } else {
        writeOutput(output, script);
        writeOutput(QString(), restorePlan.summary().toUtf8());
    }
    return int(Success);
}

int execute(const QStringList &arguments, bool run)
{
    const QString name = run ? QStringLiteral("restore run") : QStringLiteral("restore preview");
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("live"), QStringLiteral("LIVE conninfo"), QStringLiteral("CONN")});
    parser.addOption({QStringLiteral("script"), QStringLiteral("the restore script"), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("lock-timeout"), QStringLiteral("seconds to wait for a lock"), QStringLiteral("S"), QStringLiteral("10")});
    if (run) {
        parser.addOption({QStringLiteral("undo"), QStringLiteral("where to write the undo script"), QStringLiteral("FILE")});
        parser.addOption({ QStringLiteral("force-undo"),
            QStringLiteral(
                "run an undo script even over rows changed since its run (overwrites them; deletes cascade)") });
    }
    parseOrThrow(parser, name, arguments);
    const QByteArray script = readScript(required(parser, QStringLiteral("script")));
    const QString undo = run ? required(parser, QStringLiteral("undo")) : QString();
    PgSession live(required(parser, QStringLiteral("live")), PgSession::Options::writable(QStringLiteral("LIVE")));
    RestoreExecutor executor(live, parser.value(QStringLiteral("lock-timeout")).toInt());
    executor.setForceUndo(run && parser.isSet(QStringLiteral("force-undo")));
    JobControl control;
    const SignalCancel interrupt([&] {
        control.requestCancel();
        live.cancel();
    });
    const ExecutionReport report = run ? executor.run(script, undo, &control) : executor.preview(script, &control);
    writeOutput(QString(), report.summary().toUtf8());
    if (interrupt.received() && !report.committed)
        throw Error(
            QStringLiteral("%1 interrupted by signal %2: %3").arg(name).arg(interrupt.received()).arg(report.error));
    if (!report.error.isEmpty())
        throw Error(QStringLiteral("%1 failed at line %2: %3").arg(name).arg(report.errorLine).arg(report.error));
    if (run)
        printLine(QStringLiteral("Undo script: %1 (%2 logged rows)").arg(undo).arg(report.undoRows));
    return int(Success);
}

} // namespace

static const CliCommand restoreCommand(QStringLiteral("restore"),
                                       QStringLiteral("plan, preview and run a selective restore (plan|preview|run)"),
                                       [](const QStringList &arguments) {
    const QString action = arguments.value(0);
    const QStringList rest = arguments.mid(1);
    if (action == QLatin1String("plan"))
        return plan(rest);
    if (action == QLatin1String("preview"))
        return execute(rest, false);
    if (action == QLatin1String("run"))
        return execute(rest, true);
    throw UsageError{QStringLiteral("restore: expected plan, preview or run")};
});

} // namespace salvage::cli
