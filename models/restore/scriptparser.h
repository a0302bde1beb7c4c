#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace salvage {

/// One statement of a restore script, with the COPY data that follows it when it is COPY … FROM STDIN.
struct ScriptItem
{
    QString sql; ///< exactly one statement, without the trailing semicolon
    QString type; ///< PostgreSQL's parse node name: "InsertStmt", "CopyStmt", …
    QByteArray copyData; ///< COPY … FROM STDIN rows up to (not including) the "\." line
    /// The script itself, shared (no copy): copyData is a view into it, not a copy of megabytes.
    QByteArray script;
    bool isCopy = false;
    /// A COPY … FROM STDIN's table as the statement names it: its schema (empty when the name is
    /// unqualified) and its name, both unquoted; empty when it names none.
    QString copySchema;
    QString copyTable;
    /// The columns a COPY … FROM STDIN lists, as named (unquoted); empty when it lists none.
    QStringList copyColumns;
    /// The COPY has no options and no WHERE: its data is text format and goes in row for row.
    bool copyPlainText = false;
    QString comment; ///< the "--" comment lines right before the statement
    qint64 expectedRows = -1; ///< from an "-- expected rows: N" comment
    int line = 0; ///< 1-based line where the statement starts
};

/// Reads a restore script the way psql would for the subset Salvage writes and operators edit:
/// statements split by PostgreSQL's own grammar (SqlGrammar), and COPY FROM STDIN data ended by a
/// "\." line. Refused with the line number, before anything reaches a server: psql meta-commands,
/// transaction control other than a BEGIN that opens the script and a COMMIT that ends it (the
/// renderer's envelope for psql, left out of the items: Salvage runs the script in a transaction of
/// its own), statements that cannot run inside a transaction block, and COPY to or from anything
/// but the script itself.
class ScriptParser
{
public:
    static QList<ScriptItem> parse(const QByteArray &script);
};

} // namespace salvage
