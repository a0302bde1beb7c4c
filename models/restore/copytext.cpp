#include "restore/copytext.h"

namespace salvage {

QByteArray CopyText::escape(const QString &value)
{
    if (value.isNull())
        return QByteArrayLiteral("\\N");
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace salvage
