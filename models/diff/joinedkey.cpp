#include "diff/joinedkey.h"

namespace salvage::JoinedKey {

QString join(const QStringList &key)
{
    QString joined;
    for (const QString &part : key)
        joined += QString::number(part.size()) + u':' + part;
    return joined;
}

QStringList split(const QString &joined)
{
    QStringList key;
    for (qsizetype at = 0; at < joined.size();) {
        const qsizetype colon = joined.indexOf(u':', at);
        const qsizetype length = QStringView(joined).sliced(at, colon - at).toLongLong();
        key << joined.sliced(colon + 1, length);
        at = colon + 1 + length;
    }
    return key;
}

} // namespace salvage::JoinedKey
