#include "keytable.h"

using namespace Qt::StringLiterals;

namespace salvage {

QString KeyTable::forKind(const QString &kind, const Schema &schema)
{
    if (kind.isEmpty())
        return {};
    QStringList names { kind, kind + u's', kind + u"es"_s };
    if (kind.endsWith(u'y'))
        names << kind.chopped(1) + u"ies"_s;
    for (const QString &name : names)
        if (const Table *table = schema.findTable(name))
            return table->qualifiedName();
    return {};
}

} // namespace salvage
