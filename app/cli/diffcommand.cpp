#include "clicommand.h"

#include "db/pgsession.h"
#include "diff/diffformat.h"
#include "diff/diffjsonstream.h"
#include "diff/diffrunner.h"
#include "jobs/jobcontrol.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace salvage::cli {

static const CliCommand diffCommand(
    u"diff"_s, u"compare every table of a backup and a live database, row by row"_s, [](const QStringList &arguments) {
        QCommandLineParser parser;
        parser.addOption({ u"live"_s, u"libpq conninfo or URI of the live database"_s, u"CONN"_s });
        parser.addOption({ u"backup"_s, u"libpq conninfo or URI of the backup database"_s, u"CONN"_s });
        parser.addOption({ u"table"_s, u"compare only this table (schema.table or name); repeatable"_s, u"TABLE"_s });
        parser.addOption({ u"rows"_s, u"list every differing row"_s });
        parser.addOption({ u"format"_s, u"json or text"_s, u"FORMAT"_s, u"text"_s });
        parser.addOption({ u"exit-code"_s, u"exit 1 when there are differences"_s });
        addOutputOptions(parser);
        parseOrThrow(parser, u"diff"_s, arguments);
        const QString format = parser.value(u"format"_s);
        if (format != "json"_L1 && format != "text"_L1)
            throw UsageError { u"diff: --format must be json or text"_s };
        const QString liveConninfo = required(parser, u"live"_s);
        const QString backupConninfo = required(parser, u"backup"_s);

        PgSession backup(backupConninfo, PgSession::Options { true, u"BACKUP"_s, 15 });
        PgSession live(liveConninfo, PgSession::Options { true, u"LIVE"_s, 15 });
        JobControl control;
        const bool rows = parser.isSet(u"rows"_s);
        if (rows && format == "json"_L1) {
            // Listed as they are found and spooled to a temporary file, not kept: memory stays flat.
            DiffJsonStream stream;
            const DiffResult result = DiffRunner::run(
                backup, live, control, parser.values(u"table"_s), {}, RowRetention::Counts, stream.sink());
            const std::unique_ptr<QIODevice> output = openOutput(parser);
            stream.write(result, *output);
            finishOutput(*output);
            return int(parser.isSet(u"exit-code"_s) && result.hasDifferences() ? Finding : Success);
        }
        // Without --rows only counts are printed: the rows are not kept (memory stays flat). The text
        // lists keys, not values: those go to the spool, off memory.
        const DiffResult result = DiffRunner::run(
            backup, live, control, parser.values(u"table"_s), {}, rows ? RowRetention::Spooled : RowRetention::Counts);
        if (format == "json"_L1) {
            writeOutput(parser, QJsonDocument(diffToJson(result, rows)).toJson(QJsonDocument::Indented));
        } else {
            // Written as it is formatted: the listing of every row is never held whole.
            const std::unique_ptr<QIODevice> output = openOutput(parser);
            writeDiffText(result, rows, *output);
            finishOutput(*output);
        }
        return int(parser.isSet(u"exit-code"_s) && result.hasDifferences() ? Finding : Success);
    });

} // namespace salvage::cli
