#include "clicommand.h"

#include "core/error.h"
#include "core/inputfile.h"
#include "db/pgsession.h"
#include "jobs/jobcontrol.h"
#include "restore/declarationcandidates.h"
#include "restore/declarations.h"
#include "restore/restoreexecutor.h"
#include "restore/restoreplanner.h"
#include "restore/scriptrenderer.h"
#include "signalcancel.h"
#include "workspace/workspace.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace salvage::cli {

namespace {

QByteArray readScript(const QString &path)
{
    InputFile::require(path, QStringLiteral("the script"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw UsageError { QStringLiteral("restore: cannot read %1: %2").arg(path, file.errorString()) };
    return file.readAll();
}

/// The declarations of --workspace, then those of --relation, --unique and --rule; a malformed one is a usage error.
Declarations declarations(const QCommandLineParser &parser)
{
    try {
        Declarations declared;
        if (parser.isSet(QStringLiteral("workspace")))
            declared = Declarations::loadFrom(Workspace::load(parser.value(QStringLiteral("workspace"))));
        for (const QString &relation : parser.values(QStringLiteral("relation")))
            declared.relations << Declarations::parseRelation(relation);
        for (const QString &unique : parser.values(QStringLiteral("unique")))
            declared.uniques << Declarations::parseUnique(unique);
        for (const QString &rule : parser.values(QStringLiteral("rule")))
            declared.rules << Declarations::parseRule(rule);
        return declared;
    } catch (const Error &error) {
        throw UsageError { QStringLiteral("restore plan: ") + error.message() };
    }
}

int candidates(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("backup"), QStringLiteral("BACKUP conninfo"), QStringLiteral("CONN") });
    parser.addOption(
        { QStringLiteral("format"), QStringLiteral("json or text"), QStringLiteral("FORMAT"), QStringLiteral("text") });
    parseOrThrow(parser, QStringLiteral("restore candidates"), arguments);
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("json") && format != QLatin1String("text"))
        throw UsageError { QStringLiteral("restore candidates: --format must be json or text, not %1").arg(format) };
    PgSession backup(
        required(parser, QStringLiteral("backup")), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
    const QList<DeclarationCandidate> found = DeclarationCandidates::find(backup);
    if (format == QLatin1String("json")) {
        writeOutput(QString(),
            QJsonDocument(QJsonObject { { QStringLiteral("candidates"), DeclarationCandidates::toJson(found) } })
                .toJson(QJsonDocument::Indented));
        return int(Success);
    }
    for (const DeclarationCandidate &candidate : found)
        printLine(QStringLiteral("%1 %2  -- %3")
                      .arg(DeclarationCandidates::kindName(candidate.kind).leftJustified(8), candidate.declaration,
                          candidate.evidence));
    return int(Success);
}

int plan(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("live"), QStringLiteral("LIVE conninfo"), QStringLiteral("CONN") });
    parser.addOption({ QStringLiteral("backup"), QStringLiteral("BACKUP conninfo"), QStringLiteral("CONN") });
    parser.addOption({ QStringLiteral("root"),
        QStringLiteral("\"TABLE WHERE PREDICATE\", \"TABLE:KEY,…\" or \"TABLE MISSING\""), QStringLiteral("ROOT") });
    parser.addOption({ QStringLiteral("policy"),
        QStringLiteral("TABLE=restore|keep-live|skip for unique-key collisions"), QStringLiteral("TABLE=POLICY") });
    parser.addOption({ QStringLiteral("restore-deleted"),
        QStringLiteral("restore TABLE's rows deleted since the backup anyway (the incident does not explain their "
                       "absence); * for every table"),
        QStringLiteral("TABLE") });
    parser.addOption({ QStringLiteral("relation"), QStringLiteral("declared relation CHILD.COL=PARENT[:COL]"),
        QStringLiteral("REL") });
    parser.addOption({ QStringLiteral("unique"),
        QStringLiteral("declared uniqueness \"TABLE (expr, …)\" the application enforces"), QStringLiteral("DECL") });
    parser.addOption({ QStringLiteral("rule"), QStringLiteral("declared rule \"TABLE: CONDITION\" every row satisfies"),
        QStringLiteral("DECL") });
    parser.addOption({ QStringLiteral("workspace"),
        QStringLiteral("a workspace: its declared relations, uniqueness and rules too"), QStringLiteral("FILE") });
    parser.addOption({ QStringLiteral("no-recompute-counters"),
        QStringLiteral("leave counter caches (columns equal to a count of referencing rows) as they are") });
    addOutputOptions(parser);
    parseOrThrow(parser, QStringLiteral("restore plan"), arguments);

    RestoreRequest request;
    for (const QString &root : parser.values(QStringLiteral("root")))
        request.roots << RootSelection::parse(root);
    if (request.roots.isEmpty())
        throw UsageError { QStringLiteral("restore plan: at least one --root is required") };
    for (const QString &policy : parser.values(QStringLiteral("policy"))) {
        const QString table = policy.section(QLatin1Char('='), 0, 0);
        RestorePolicy value;
        if (table.isEmpty() || !parseRestorePolicy(policy.section(QLatin1Char('='), 1), &value))
            throw UsageError {
                QStringLiteral("restore plan: --policy must be TABLE=restore|keep-live|skip, not %1").arg(policy)
            };
        request.policies.insert(table, value);
    }
    request.restoreDeleted = parser.values(QStringLiteral("restore-deleted"));
    request.recomputeCounters = !parser.isSet(QStringLiteral("no-recompute-counters"));
    declarations(parser).addTo(request);

    PgSession live(required(parser, QStringLiteral("live")), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
    PgSession backup(
        required(parser, QStringLiteral("backup")), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
    const RestorePlan restorePlan = RestorePlanner(live, backup).plan(request);
    const QString output = parser.value(QStringLiteral("output"));
    const QByteArray script = ScriptRenderer::render(restorePlan);
    if (output.isEmpty()) {
        writeOutput(QString(), script);
    } else {
        writeOutput(parser, script);
        writeOutput(QString(), restorePlan.summary().toUtf8());
    }
    return int(Success);
}

int execute(const QStringList &arguments, bool run)
{
    const QString name = run ? QStringLiteral("restore run") : QStringLiteral("restore preview");
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("live"), QStringLiteral("LIVE conninfo"), QStringLiteral("CONN") });
    parser.addOption({ QStringLiteral("script"), QStringLiteral("the restore script"), QStringLiteral("FILE") });
    parser.addOption({ QStringLiteral("lock-timeout"), QStringLiteral("seconds to wait for a lock"),
        QStringLiteral("S"), QStringLiteral("10") });
    if (run) {
        parser.addOption({ QStringLiteral("undo"),
            QStringLiteral("where to write the undo script (a new file; see --force)"), QStringLiteral("FILE") });
        parser.addOption({ QStringLiteral("force"), QStringLiteral("replace the undo file when it exists") });
        parser.addOption({ QStringLiteral("force-undo"),
            QStringLiteral(
                "run an undo script even over rows changed since its run (overwrites them; deletes cascade)") });
    }
    parseOrThrow(parser, name, arguments);
    const int lockTimeout = int(numberOption(parser, name, QStringLiteral("lock-timeout"), 1, 86400));
    const QByteArray script = readScript(required(parser, QStringLiteral("script")));
    const QString undo = run ? required(parser, QStringLiteral("undo")) : QString();
    PgSession live(required(parser, QStringLiteral("live")), PgSession::Options::writable(QStringLiteral("LIVE")));
    RestoreExecutor executor(live, lockTimeout);
    executor.setReplaceExistingUndo(run && parser.isSet(QStringLiteral("force")));
    executor.setForceUndo(run && parser.isSet(QStringLiteral("force-undo")));
    JobControl control;
    const SignalCancel interrupt([&] {
        control.requestCancel();
        live.cancel();
    });
    const ExecutionReport report = run ? executor.run(script, undo, &control) : executor.preview(script, &control);
    writeOutput(QString(), report.summary().toUtf8());
    if (interrupt.received() && !report.committed)
        throw Error(QStringLiteral("%1 interrupted by signal %2: %3")
                        .arg(name, QString::number(interrupt.received()), report.error));
    if (!report.error.isEmpty())
        throw Error(report.errorLine > 0
                ? QStringLiteral("%1 failed at line %2: %3").arg(name, QString::number(report.errorLine), report.error)
                : QStringLiteral("%1 failed: %2").arg(name, report.error)); // never "line 0"
    if (run)
        printLine(QStringLiteral("Undo script: %1 (%2 logged rows)").arg(undo, QString::number(report.undoRows)));
    return int(Success);
}

} // namespace

static const CliCommand restoreCommand(QStringLiteral("restore"),
    QStringLiteral("plan, preview and run a selective restore (plan|candidates|preview|run)"),
    [](const QStringList &arguments) {
        const QString action = arguments.value(0);
        const QStringList rest = arguments.mid(1);
        if (action == QLatin1String("plan"))
            return plan(rest);
        if (action == QLatin1String("candidates"))
            return candidates(rest);
        if (action == QLatin1String("preview"))
            return execute(rest, false);
        if (action == QLatin1String("run"))
            return execute(rest, true);
        throw UsageError { QStringLiteral("restore: expected plan, candidates, preview or run") };
    });

} // namespace salvage::cli
