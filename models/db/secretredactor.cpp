#include "secretredactor.h"

#include <QRegularExpression>

namespace salvage {

QString redactSecrets(const QString &text)
{
    static const QRegularExpression uriUserInfo(
        QStringLiteral("(postgres(?:ql)?://[^\\s:/@?]*:)[^\\s]*@"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression uriQuery(
        QStringLiteral("([?&](?:ssl)?password=)[^&\\s\"']*"), QRegularExpression::CaseInsensitiveOption);
    // The value runs to white space outside quotes: a quoted part runs to its closing quote (backslash
    // escapes one, line breaks included), or to the end when unterminated, and text glued after it (`'a'b`) is part of
    // the value too. An already redacted "***" is left alone, so that redacting twice changes nothing. Possessive
    // quantifiers: no backtracking, so a long value cannot exhaust the matcher's stack.
    static const QRegularExpression keyValue(
        QStringLiteral("((?<![?&])\\b(?:ssl)?password\\s*=\\s*)(?!\\*\\*\\*(?:[\\s)\"&:]|$))"
                       "(?:'(?:[^'\\\\]++|\\\\[\\s\\S]?)*+(?:'|$)|[^\\s']++)++"),
        QRegularExpression::CaseInsensitiveOption);
    QString redacted = text;
    redacted.replace(uriUserInfo, QStringLiteral("\\1***@"));
    redacted.replace(uriQuery, QStringLiteral("\\1***"));
    redacted.replace(keyValue, QStringLiteral("\\1***"));
    return redacted;
}

} // namespace salvage
