#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace salvage {

/// One statement of a restore script, with the COPY data that follows it when it is COPY … FROM STDIN.
struct ScriptItem
{
    QString sql;         ///< without the trailing semicolon
    QByteArray copyData; ///< COPY … FROM STDIN rows up to (not including) the "\." line
    bool isCopy = false;
    QString comment;     ///< the "--" comment lines right before the statement
    qint64 expectedRows = -1; ///< from an "-- expected rows: N" comment
    int line = 0;        ///< 1-based line where the statement starts
};

/// Splits a script the way psql does for the subset Salvage writes and operators edit: statements
/// ended by ';' outside quotes, comments and dollar quotes, and COPY FROM STDIN data ended by "\.".
/// Other psql meta-commands are refused.
class ScriptParser
{
public:
    static QList<ScriptItem> parse(const QByteArray &script);
};

} // namespace salvage
