#include "secretredactor.h"

#include <QRegularExpression>

namespace salvage {

QString redactSecrets(const QString &text)
{
    static const QRegularExpression uriUserInfo(
        QStringLiteral("(postgres(?:ql)?://[^\\s:/@?]*:)[^\\s]*@"), QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression uriQuery(
        QStringLiteral("([?&](?:ssl)?password=)[^&\\s\"']*"), QRegularExpression::CaseInsensitiveOption);
    // A quoted value runs to its closing quote (backslash escapes one), or to the end when unterminated;
    // an already redacted "***" is left alone, so that redacting twice changes nothing.
    static const QRegularExpression keyValue(
        QStringLiteral("((?<![?&])\\b(?:ssl)?password\\s*=\\s*)(?!\\*\\*\\*(?:[\\s)\"&:]|$))(?:'(?:[^'\\\\]|\\\\.)*(?:'"
                       "|$)|[^\\s'][^\\s]*)"),
        QRegularExpression::CaseInsensitiveOption);
    QString redacted = text;
    redacted.replace(uriUserInfo, QStringLiteral("\\1***@"));
    redacted.replace(uriQuery, QStringLiteral("\\1***"));
    redacted.replace(keyValue, QStringLiteral("\\1***"));
    return redacted;
}

} // namespace salvage
