#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace salvage {

/// One statement PostgreSQL's grammar found, as byte offsets into the text it was given.
struct GrammarStatement
{
    qsizetype begin = 0; ///< just after the previous ';' (leading comments included)
    qsizetype length = 0; ///< up to, not including, its ';'
    bool terminated = false; ///< a ';' follows it
    QString type; ///< the parse node's name: "InsertStmt", "TransactionStmt", …
    QJsonObject node; ///< the node's fields, as libpg_query's JSON gives them
};

/// What the grammar made of a text: its statements, or the error that stopped it.
struct GrammarResult
{
    QList<GrammarStatement> statements;
    QString error; ///< empty when the text parsed
    qsizetype errorOffset = -1; ///< byte offset the error points at, -1 when it names none
    bool incomplete = false; ///< the text ends inside a statement (open quote, comment, parenthesis, …)
};

/// PostgreSQL's own grammar (libpg_query, the server's parser as a library): statement boundaries
/// and each statement's kind are the server's, not guessed. The text must not contain a NUL byte.
class SqlGrammar
{
public:
    static GrammarResult parse(const QByteArray &sql);
};

} // namespace salvage
