#include "restore/scriptparser.h"

#include "core/error.h"
#include "restore/sqlgrammar.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <cstring>

namespace salvage {

namespace {

/// 1-based line numbers of byte offsets; questions come in increasing order, so counting goes forward.
class LineCounter
{
public:
    explicit LineCounter(const QByteArray &text)
        : m_text(text)
    {
    }

    int lineAt(qsizetype offset)
    {
        offset = qBound<qsizetype>(0, offset, m_text.size());
        if (offset < m_offset) {
            m_offset = 0;
            m_line = 1;
        }
        for (qsizetype i = m_offset; i < offset; ++i)
            if (m_text.at(i) == '\n')
                ++m_line;
        m_offset = offset;
        return m_line;
    }

private:
    const QByteArray &m_text;
    qsizetype m_offset = 0;
    int m_line = 1;
};

/// The offset of the first token at or after `from`: past white space and comments (nested /* */
/// as PostgreSQL's lexer reads them; "--" ends at a line break). Each "--" comment goes to `comments`.
qsizetype firstToken(const QByteArray &text, qsizetype from, qsizetype to, QStringList *comments)
{
    qsizetype i = from;
    while (i < to) {
        const char c = text.at(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            ++i;
        } else if (c == '-' && i + 1 < to && text.at(i + 1) == '-') {
            qsizetype end = i;
            while (end < to && text.at(end) != '\n' && text.at(end) != '\r')
                ++end;
            if (comments)
                *comments << QString::fromUtf8(text.mid(i, end - i)).trimmed();
            i = end;
        } else if (c == '/' && i + 1 < to && text.at(i + 1) == '*') {
            int depth = 1;
            i += 2;
            while (i < to && depth > 0) {
                if (text.at(i) == '/' && i + 1 < to && text.at(i + 1) == '*') {
                    ++depth;
                    i += 2;
                } else if (text.at(i) == '*' && i + 1 < to && text.at(i + 1) == '/') {
                    --depth;
                    i += 2;
                } else {
                    ++i;
                }
            }
        } else {
            break;
        }
    }
    return i;
}

QString quoted(const QString &sql)
{
    const QString simple = sql.simplified();
    return QLatin1Char('"') + (simple.size() > 60 ? simple.left(60) + QStringLiteral("…") : simple) + QLatin1Char('"');
}

bool isCopyFromStdin(const GrammarStatement &statement)
{
    return statement.type == QLatin1String("CopyStmt") && statement.node.value(QLatin1String("is_from")).toBool()
        && !statement.node.contains(QLatin1String("filename"))
        && !statement.node.value(QLatin1String("is_program")).toBool();
}

/// What a COPY … FROM STDIN writes to and how its data reads, from its parse node.
void readCopyTarget(ScriptItem &item, const QJsonObject &node)
{
    const QJsonObject relation = node.value(QLatin1String("relation")).toObject();
    const QString name = relation.value(QLatin1String("relname")).toString();
    if (name.isEmpty() || relation.contains(QLatin1String("catalogname")))
        return;
    item.copySchema = relation.value(QLatin1String("schemaname")).toString();
    item.copyTable = name;
    for (const QJsonValue &column : node.value(QLatin1String("attlist")).toArray())
        item.copyColumns
            << column.toObject().value(QLatin1String("String")).toObject().value(QLatin1String("sval")).toString();
    item.copyPlainText = !node.contains(QLatin1String("options")) && !node.contains(QLatin1String("whereClause"));
}

bool hasOption(const QJsonObject &node, const QString &field, const QString &name)
{
    for (const QJsonValue &option : node.value(field).toArray())
        if (option.toObject().value(QLatin1String("DefElem")).toObject().value(QLatin1String("defname")).toString()
            == name)
            return true;
    return false;
}

/// Why a statement (other than transaction control) may not be in a restore script; empty when it may.
QString refusal(const GrammarStatement &statement)
{
    const QString &type = statement.type;
    const QJsonObject &node = statement.node;
    static const QString noBlock
        = QStringLiteral("it cannot run inside a transaction block, and a restore script runs in one");
    if (type == QLatin1String("CopyStmt") && !isCopyFromStdin(statement))
        return QStringLiteral(
            "only COPY … FROM STDIN with its data in the script is supported (COPY to a client, or to or from a "
            "file or a program, acts outside the restore's transaction)");
    if (type == QLatin1String("VacuumStmt") && node.value(QLatin1String("is_vacuumcmd")).toBool())
        return noBlock;
    if (type == QLatin1String("CreatedbStmt") || type == QLatin1String("DropdbStmt")
        || type == QLatin1String("CreateTableSpaceStmt") || type == QLatin1String("DropTableSpaceStmt")
        || type == QLatin1String("AlterSystemStmt") || type == QLatin1String("CreateSubscriptionStmt")
        || type == QLatin1String("AlterSubscriptionStmt") || type == QLatin1String("DropSubscriptionStmt"))
        return noBlock;
    if (type == QLatin1String("AlterDatabaseStmt")
        && hasOption(node, QStringLiteral("options"), QStringLiteral("tablespace")))
        return noBlock;
    if ((type == QLatin1String("IndexStmt") || type == QLatin1String("DropStmt"))
        && node.value(QLatin1String("concurrent")).toBool())
        return noBlock;
    if (type == QLatin1String("ReindexStmt")
        && (hasOption(node, QStringLiteral("params"), QStringLiteral("concurrently"))
            || node.value(QLatin1String("kind")).toString() == QLatin1String("REINDEX_OBJECT_SYSTEM")
            || node.value(QLatin1String("kind")).toString() == QLatin1String("REINDEX_OBJECT_DATABASE")))
        return noBlock;
    if (type == QLatin1String("ClusterStmt") && !node.contains(QLatin1String("relation")))
        return noBlock;
    if (type == QLatin1String("DiscardStmt")
        && node.value(QLatin1String("target")).toString() == QLatin1String("DISCARD_ALL"))
        return noBlock;
    return {};
}

/// A statement read from the script, before the transaction envelope is checked.
struct ReadStatement
{
    ScriptItem item;
    QString transactionKind; ///< TRANS_STMT_… for transaction control, else empty
    bool plain = false; ///< a BEGIN without options, a COMMIT without AND CHAIN
};

/// Reads a script line by line as psql does: a statement can only end on a line with a ';', and
/// PostgreSQL's grammar says whether the text so far ends one (or more).
class Reader
{
public:
    explicit Reader(const QByteArray &script)
        : m_script(script)
        , m_lines(script)
    {
    }

    QList<ReadStatement> read()
    {
        if (const qsizetype nul = m_script.indexOf('\0'); nul >= 0)
            throw Error(QStringLiteral("Line %1: the script contains a NUL byte.").arg(m_lines.lineAt(nul)));
        while (m_next < m_script.size()) {
            const qsizetype lineEnd = m_script.indexOf('\n', m_next);
            const qsizetype start = m_next;
            m_next = lineEnd < 0 ? m_script.size() : lineEnd + 1;
            const bool atEnd = m_next >= m_script.size();
            if (m_waitFor && has(m_waitFor, start, m_next))
                m_waitFor = 0;
            if (atEnd || (m_waitFor == 0 && has(';', start, m_next)))
                consume(atEnd);
        }
        return m_statements;
    }

private:
    bool has(char c, qsizetype from, qsizetype to) const
    {
        return std::memchr(m_script.constData() + from, c, size_t(to - from)) != nullptr;
    }

    /// Takes every statement the text since the last one ends; keeps the rest for the next line.
    void consume(bool atEnd)
    {
        const QByteArray text = m_script.mid(m_pending, m_next - m_pending);
        const GrammarResult result = SqlGrammar::parse(text);
        if (!result.error.isEmpty()) {
            if (result.incomplete && !atEnd) {
                m_waitFor = closer(result.error);
                return;
            }
            fail(result, text);
        }
        m_waitFor = 0;
        qsizetype consumed = 0;
        for (const GrammarStatement &statement : result.statements) {
            if (!statement.terminated && !atEnd)
                break; // psql sends a statement at its ';', or at the end of the script
            const qsizetype begin = m_pending + statement.begin;
            const qsizetype end = begin + statement.length;
            consumed = statement.begin + statement.length + (statement.terminated ? 1 : 0);
            QStringList comments;
            const qsizetype first = firstToken(m_script, begin, end, &comments);
            if (first >= end)
                continue;
            ReadStatement read = make(statement, first, end, comments);
            if (read.item.isCopy) {
                m_statements.append(read);
                readCopyData(m_statements.last().item, end);
                return;
            }
            m_statements.append(read);
        }
        m_pending += consumed;
        if (atEnd)
            m_pending = m_script.size();
    }

    ReadStatement make(const GrammarStatement &statement, qsizetype first, qsizetype end, const QStringList &comments)
    {
        static const QRegularExpression expected(
            QStringLiteral("^--\\s*expected rows:\\s*(\\d+)"), QRegularExpression::CaseInsensitiveOption);
        ReadStatement read;
        ScriptItem &item = read.item;
        item.sql = QString::fromUtf8(m_script.mid(first, end - first)).trimmed();
        item.type = statement.type;
        item.line = m_lines.lineAt(first);
        item.comment = comments.join(QLatin1Char('\n'));
        for (const QString &text : comments)
            if (const auto match = expected.match(text); match.hasMatch())
                item.expectedRows = match.captured(1).toLongLong();
        item.isCopy = isCopyFromStdin(statement);
        if (item.isCopy)
            readCopyTarget(item, statement.node);
        // What is sent must be this one statement and nothing else: parsed on its own, it is.
        const GrammarResult alone = SqlGrammar::parse(item.sql.toUtf8());
        if (!alone.error.isEmpty() || alone.statements.size() != 1 || alone.statements.first().type != statement.type)
            throw Error(QStringLiteral("Line %1: the statement %2 does not read as one statement on its own.")
                            .arg(item.line)
                            .arg(quoted(item.sql)));
        if (statement.type == QLatin1String("TransactionStmt")) {
            read.transactionKind = statement.node.value(QLatin1String("kind")).toString();
            read.plain = !statement.node.contains(QLatin1String("options"))
                && !statement.node.value(QLatin1String("chain")).toBool();
        } else if (const QString why = refusal(statement); !why.isEmpty()) {
            throw Error(QStringLiteral("Line %1: %2 cannot be part of a restore script: %3.")
                            .arg(item.line)
                            .arg(quoted(item.sql), why));
        }
        return read;
    }

    /// COPY data starts on the line after the statement's ';' and runs to a line that is exactly "\.".
    void readCopyData(ScriptItem &item, qsizetype semicolon)
    {
        const qsizetype lineEnd = m_script.indexOf('\n', semicolon);
        const qsizetype restEnd = lineEnd < 0 ? m_script.size() : lineEnd;
        if (firstToken(m_script, semicolon + 1, restEnd, nullptr) < restEnd)
            throw Error(
                QStringLiteral("Line %1: a COPY … FROM STDIN must end its line; its data starts on the next one.")
                    .arg(item.line));
        qsizetype i = lineEnd < 0 ? m_script.size() : lineEnd + 1;
        const qsizetype dataStart = i;
        for (;;) {
            if (i >= m_script.size())
                throw Error(QStringLiteral("Line %1: the COPY data is not ended by a \\. line.").arg(item.line));
            qsizetype end = m_script.indexOf('\n', i);
            if (end < 0)
                end = m_script.size();
            const qsizetype length = end - i;
            if ((length == 2 || (length == 3 && m_script.at(i + 2) == '\r')) && m_script.at(i) == '\\'
                && m_script.at(i + 1) == '.') {
                item.script = m_script;
                item.copyData = QByteArray::fromRawData(item.script.constData() + dataStart, i - dataStart);
                m_next = m_pending = end < m_script.size() ? end + 1 : end;
                return;
            }
            i = end + 1;
        }
    }

    [[noreturn]] void fail(const GrammarResult &result, const QByteArray &text)
    {
        const qsizetype at = result.errorOffset >= 0 ? m_pending + result.errorOffset : m_next;
        if (result.errorOffset >= 0 && result.errorOffset < text.size() && text.at(result.errorOffset) == '\\')
            throw Error(QStringLiteral(
                "Line %1: psql meta-commands are not supported in a restore script (only the \\. line that "
                "ends COPY data).")
                            .arg(m_lines.lineAt(at)));
        if (result.incomplete) {
            const int startLine = m_lines.lineAt(firstToken(m_script, m_pending, m_next, nullptr));
            throw Error(QStringLiteral(
                "Line %1: the statement that starts there is not complete at the end of the script (%2).")
                            .arg(startLine)
                            .arg(result.error));
        }
        throw Error(QStringLiteral("Line %1: %2.").arg(m_lines.lineAt(at)).arg(result.error));
    }

    /// The character that can end what an "unterminated …" error says is open; 0 when unknown.
    static char closer(const QString &error)
    {
        if (error.contains(QLatin1String("quoted identifier")))
            return '"';
        if (error.contains(QLatin1String("dollar-quoted")))
            return '$';
        if (error.contains(QLatin1String("comment")))
            return '/';
        if (error.contains(QLatin1String("string")))
            return '\'';
        return 0;
    }

    const QByteArray &m_script;
    LineCounter m_lines;
    QList<ReadStatement> m_statements;
    qsizetype m_pending = 0; ///< where the text not yet taken as statements starts
    qsizetype m_next = 0; ///< where the next line starts
    char m_waitFor = 0; ///< an open quote or comment: no statement ends before this character
};

/// Transaction control is refused, except the psql envelope: a plain BEGIN (or START TRANSACTION)
/// as the first statement with a plain COMMIT (or END) as the last. Both go: Salvage's own
/// transaction takes their place.
QList<ScriptItem> withoutEnvelope(const QList<ReadStatement> &statements)
{
    const qsizetype count = statements.size();
    const bool opens = count > 0 && statements.first().plain
        && (statements.first().transactionKind == QLatin1String("TRANS_STMT_BEGIN")
            || statements.first().transactionKind == QLatin1String("TRANS_STMT_START"));
    const bool closes = count > 1 && statements.last().plain
        && statements.last().transactionKind == QLatin1String("TRANS_STMT_COMMIT");
    QList<ScriptItem> items;
    QString unclosed; // a BEGIN without its COMMIT, reported when nothing else is
    for (qsizetype i = 0; i < count; ++i) {
        const ReadStatement &read = statements.at(i);
        if (read.transactionKind.isEmpty()) {
            items.append(read.item);
            continue;
        }
        if ((i == 0 && opens && closes) || (i == count - 1 && opens && closes))
            continue;
        if (i == 0 && opens) {
            unclosed = QStringLiteral(
                "Line %1: transaction control %2 is refused: the script does not end with COMMIT, so psql "
                "would roll it back while a run would commit it.")
                           .arg(read.item.line)
                           .arg(quoted(read.item.sql));
            continue;
        }
        QString why = QStringLiteral(
            "a restore script runs as one transaction that Salvage opens and ends itself; only a BEGIN "
            "that opens the script together with a COMMIT that ends it is accepted (to restore in stages, "
            "write one script per stage)");
        if (i == count - 1 && read.transactionKind == QLatin1String("TRANS_STMT_COMMIT") && read.plain)
            why = QStringLiteral(
                "the script does not open with BEGIN, so psql would commit each statement on its own while a run "
                "commits them together");
        throw Error(QStringLiteral("Line %1: transaction control %2 is refused: %3.")
                        .arg(read.item.line)
                        .arg(quoted(read.item.sql), why));
    }
    if (!unclosed.isEmpty())
        throw Error(unclosed);
    return items;
}

} // namespace

QList<ScriptItem> ScriptParser::parse(const QByteArray &script)
{
    return withoutEnvelope(Reader(script).read());
}

} // namespace salvage
