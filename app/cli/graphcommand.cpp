#include "clicommand.h"

#include "db/pgsession.h"
#include "db/schemareader.h"
#include "graph/graphbuilder.h"
#include "graph/graphlayout.h"
#include "graph/graphoverlay.h"

#include <QJsonDocument>

namespace salvage::cli {

static const CliCommand graphCommand(QStringLiteral("graph"),
    QStringLiteral("relationships around a row; with --compare, BACKUP overlaid (lost, new, moved)"),
    [](const QStringList &arguments) {
        QCommandLineParser parser;
        parser.addOption(
            { QStringLiteral("db"), QStringLiteral("the database (LIVE when comparing)"), QStringLiteral("CONN") });
        parser.addOption(
            { QStringLiteral("compare"), QStringLiteral("overlay this database (BACKUP)"), QStringLiteral("CONN") });
        parser.addOption({ QStringLiteral("root"),
            QStringLiteral("the root row, TABLE:KEY (TABLE:A,B for a composite key)"), QStringLiteral("ROOT") });
        parser.addOption({ QStringLiteral("depth"), QStringLiteral("steps from the root (default 1)"),
            QStringLiteral("N"), QStringLiteral("1") });
        parser.addOption({ QStringLiteral("fanout"),
            QStringLiteral("far-side rows per link table and moved owners shown (default 25)"), QStringLiteral("N"),
            QStringLiteral("25") });
        parser.addOption({ QStringLiteral("moves-only"),
            QStringLiteral("keep only the root, the moves and the rows at their ends") });
        parser.addOption({ QStringLiteral("format"), QStringLiteral("json, dot, graphml or svg"),
            QStringLiteral("FORMAT"), QStringLiteral("json") });
        addOutputOptions(parser);
        parseOrThrow(parser, QStringLiteral("graph"), arguments);
        const QString format = parser.value(QStringLiteral("format"));
        if (!QStringList {
                QStringLiteral("json"), QStringLiteral("dot"), QStringLiteral("graphml"), QStringLiteral("svg") }
                 .contains(format))
            throw UsageError { QStringLiteral("graph: --format must be json, dot, graphml or svg") };
        GraphBuilder::Options options;
        options.depth = int(numberOption(parser, QStringLiteral("graph"), QStringLiteral("depth"), 0, 6));
        options.fanout = int(numberOption(parser, QStringLiteral("graph"), QStringLiteral("fanout"), 1, 100000));
        const auto [table, key] = GraphBuilder::parseRoot(required(parser, QStringLiteral("root")));

        PgSession primary(
            required(parser, QStringLiteral("db")), PgSession::Options { true, QStringLiteral("LIVE"), 15 });
        const Schema schema = SchemaReader::read(primary);
        RelationGraph graph = GraphBuilder(primary, schema, options).build(table, key);
        if (parser.isSet(QStringLiteral("compare"))) {
            PgSession other(
                parser.value(QStringLiteral("compare")), PgSession::Options { true, QStringLiteral("BACKUP"), 15 });
            const Schema otherSchema = SchemaReader::read(other);
            const RelationGraph backup = GraphBuilder(other, otherSchema, options).build(table, key);
            if (graph.nodes.isEmpty() && backup.nodes.isEmpty())
                throw UsageError {
                    QStringLiteral("graph: %1 exists in neither database").arg(parser.value(QStringLiteral("root")))
                };
            graph = GraphOverlay::merge(backup, graph);
            GraphOverlay::addMoves(graph, other, primary, schema, table, key, options.fanout * 10);
        } else if (graph.nodes.isEmpty()) {
            throw UsageError { QStringLiteral("graph: no row %1").arg(parser.value(QStringLiteral("root"))) };
        }

        if (parser.isSet(QStringLiteral("moves-only")))
            graph = graph.movesOnly();
        QByteArray out;
        if (format == QLatin1String("json"))
            out = QJsonDocument(graph.toJson()).toJson(QJsonDocument::Indented);
        else if (format == QLatin1String("dot"))
            out = graph.toDot().toUtf8();
        else if (format == QLatin1String("graphml"))
            out = graph.toGraphml().toUtf8();
        else
            out = GraphLayout::renderSvg(graph);
        writeOutput(parser, out);
        return int(Success);
    });

} // namespace salvage::cli
