#include "clicommand.h"

#include "db/pgsession.h"
#include "db/schemaformat.h"
#include "db/schemareader.h"

#include <QJsonDocument>

namespace salvage::cli {

static const CliCommand schemaCommand(QStringLiteral("schema"),
    QStringLiteral("introspect a database's tables, keys and foreign keys"), [](const QStringList &arguments) {
        QCommandLineParser parser;
        parser.addOption({ QStringLiteral("db"), QStringLiteral("libpq conninfo or URI"), QStringLiteral("CONN") });
        parser.addOption({ QStringLiteral("format"), QStringLiteral("json or text"), QStringLiteral("FORMAT"),
            QStringLiteral("text") });
        addOutputOptions(parser);
        parseOrThrow(parser, QStringLiteral("schema"), arguments);
        const QString format = parser.value(QStringLiteral("format"));
        if (format != QLatin1String("json") && format != QLatin1String("text"))
            throw UsageError { QStringLiteral("schema: --format must be json or text") };

        PgSession session(
            required(parser, QStringLiteral("db")), PgSession::Options { true, QStringLiteral("Database"), 15 });
        const Schema schema = SchemaReader::read(session);
        const QByteArray out = format == QLatin1String("json")
            ? QJsonDocument(schemaToJson(schema)).toJson(QJsonDocument::Indented)
            : schemaToText(schema).toUtf8();
        writeOutput(parser, out);
        return int(Success);
    });

} // namespace salvage::cli
