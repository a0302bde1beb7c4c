#include "restore/scriptparser.h"

#include "core/error.h"

#include <QRegularExpression>

namespace salvage {

namespace {

bool isCopyFromStdin(const QString &sql)
{
    static const QRegularExpression copy(QStringLiteral("^\\s*COPY\\b.*\\bFROM\\s+STDIN\\b"),
                                         QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    return copy.match(sql).hasMatch();
}

} // namespace

QList<ScriptItem> ScriptParser::parse(const QByteArray &script)
{
    QList<ScriptItem> items;
    static const QRegularExpression expected(QStringLiteral("^--\\s*expected rows:\\s*(\\d+)"), QRegularExpression::CaseInsensitiveOption);
    QByteArray current;
    QStringList comments;
    int line = 1;
    int startLine = 0;
    qsizetype i = 0;
    const qsizetype size = script.size();
    auto finish = [&]() {
        ScriptItem item;
        item.sql = QString::fromUtf8(current).trimmed();
        item.line = startLine;
        item.comment = comments.join(QLatin1Char('\n'));
        for (const QString &text : std::as_const(comments))
            if (const auto match = expected.match(text); match.hasMatch())
                item.expectedRows = match.captured(1).toLongLong();
        comments.clear();
        current.clear();
        startLine = 0;
        if (item.sql.isEmpty())
            return;
        item.isCopy = isCopyFromStdin(item.sql);
        if (item.isCopy) {
            // Data starts on the next line and runs to a line that is exactly "\.".
            while (i < size && script.at(i) != '\n')
                ++i;
            if (i < size) {
                ++i;
                ++line;
            }
            const qsizetype dataStart = i;
            for (;;) {
                if (i >= size)
                    throw Error(QStringLiteral("Line %1: the COPY data is not ended by a \\. line.").arg(item.line));
                qsizetype end = script.indexOf('\n', i);
                if (end < 0)
                    end = size;
                const QByteArray text = script.mid(i, end - i);
                if (text == "\\." || text == "\\.\r") {
                    item.copyData = script.mid(dataStart, i - dataStart);
                    i = end < size ? end + 1 : end;
                    ++line;
                    break;
                }
                i = end + 1;
                ++line;
            }
        }
        items.append(item);
    };

    while (i < size) {
        const char c = script.at(i);
        if (c == '\n') {
            ++line;
            if (!current.isEmpty())
                current += c;
            ++i;
            continue;
        }
        if (current.trimmed().isEmpty() && (c == ' ' || c == '\t' || c == '\r')) {
            ++i;
            continue;
        }
        if (c == '-' && i + 1 < size && script.at(i + 1) == '-') {
            qsizetype end = script.indexOf('\n', i);
            if (end < 0)
                end = size;
            if (current.trimmed().isEmpty())
                comments << QString::fromUtf8(script.mid(i, end - i)).trimmed();
            i = end;
            continue;
        }
        if (c == '\\' && current.trimmed().isEmpty())
            throw Error(QStringLiteral("Line %1: psql meta-commands are not supported in a restore script.").arg(line));
        if (startLine == 0)
            startLine = line;
        if (c == '/' && i + 1 < size && script.at(i + 1) == '*') {
            const qsizetype end = script.indexOf("*/", i + 2);
            if (end < 0)
                throw Error(QStringLiteral("Line %1: a /* comment is not closed.").arg(line));
            line += int(script.mid(i, end - i).count('\n'));
            i = end + 2;
            current += ' ';
            continue;
        }
        if (c == '\'' || c == '"') {
            // Quoted text or identifier; a doubled quote stays inside. E'' strings may escape with a backslash.
            const bool escapes = c == '\'' && i > 0 && (script.at(i - 1) == 'E' || script.at(i - 1) == 'e');
            qsizetype j = i + 1;
            for (;; ++j) {
                if (j >= size)
                    throw Error(QStringLiteral("Line %1: a quoted string is not closed.").arg(line));
                if (escapes && script.at(j) == '\\') {
                    ++j;
                    continue;
                }
                if (script.at(j) == c) {
                    if (j + 1 < size && script.at(j + 1) == c) {
                        ++j;
                        continue;
                    }
                    break;
                }
            }
            const QByteArray quoted = script.mid(i, j + 1 - i);
            line += int(quoted.count('\n'));
            current += quoted;
            i = j + 1;
            continue;
        }
        if (c == '$') {
            static const QRegularExpression tag(QStringLiteral("^\\$([A-Za-z_][A-Za-z_0-9]*)?\\$"));
            const auto match = tag.match(QString::fromUtf8(script.mid(i, 64)));
            if (match.hasMatch() && (i == 0 || !(QChar::fromLatin1(script.at(i - 1)).isLetterOrNumber() || script.at(i - 1) == '_'))) {
                const QByteArray delimiter = match.captured(0).toUtf8();
                const qsizetype end = script.indexOf(delimiter, i + delimiter.size());
                if (end < 0)
                    throw Error(QStringLiteral("Line %1: a dollar-quoted string is not closed.").arg(line));
                const QByteArray quoted = script.mid(i, end + delimiter.size() - i);
                line += int(quoted.count('\n'));
                current += quoted;
                i = end + delimiter.size();
                continue;
            }
        }
        if (c == ';') {
            ++i;
            finish();
            continue;
        }
        current += c;
        ++i;
    }
    if (!current.trimmed().isEmpty())
        finish();
    return items;
}

} // namespace salvage
