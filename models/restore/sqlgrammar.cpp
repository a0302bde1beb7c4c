#include "restore/sqlgrammar.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <pg_query.h>

namespace salvage {

GrammarResult SqlGrammar::parse(const QByteArray &sql)
{
    GrammarResult result;
    const PgQueryParseResult parsed = pg_query_parse(sql.constData());
    if (parsed.error) {
        result.error = QString::fromUtf8(parsed.error->message);
        // cursorpos is 1-based; 0 names no position.
        if (parsed.error->cursorpos > 0)
            result.errorOffset = qMin<qsizetype>(parsed.error->cursorpos - 1, sql.size());
        result.incomplete = result.error.startsWith(QLatin1String("unterminated"))
            || result.error.contains(QLatin1String("at end of input"));
        pg_query_free_parse_result(parsed);
        return result;
    }
    const QJsonDocument tree = QJsonDocument::fromJson(QByteArray(parsed.parse_tree));
    pg_query_free_parse_result(parsed);
    for (const QJsonValue &value : tree.object().value(QLatin1String("stmts")).toArray()) {
        const QJsonObject raw = value.toObject();
        GrammarStatement statement;
        statement.begin = raw.value(QLatin1String("stmt_location")).toInteger();
        // A length of 0 (absent) means "to the end of the text": the last statement, with no ';'.
        const qsizetype length = raw.value(QLatin1String("stmt_len")).toInteger();
        statement.length = length > 0 ? length : sql.size() - statement.begin;
        const qsizetype end = statement.begin + statement.length;
        statement.terminated = length > 0 && end < sql.size() && sql.at(end) == ';';
        const QJsonObject stmt = raw.value(QLatin1String("stmt")).toObject();
        if (!stmt.isEmpty()) {
            statement.type = stmt.constBegin().key();
            statement.node = stmt.constBegin().value().toObject();
        }
        result.statements.append(statement);
    }
    return result;
}

} // namespace salvage
