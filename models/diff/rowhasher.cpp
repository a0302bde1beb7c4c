#include "diff/rowhasher.h"

#include "db/sqlident.h"

#include <QSet>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
// Types whose hash function agrees exactly with equality of their text form and does not depend
// on the database (no OIDs, no collation once forced to "C").
const QSet<QString> &nativeTypes()
{
    static const QSet<QString> types{u"int2"_s, u"int4"_s, u"int8"_s, u"bool"_s, u"text"_s, u"varchar"_s,
                                     u"bpchar"_s, u"name"_s, u"char"_s, u"uuid"_s, u"date"_s, u"time"_s,
                                     u"timestamp"_s, u"timestamptz"_s, u"bytea"_s, u"jsonb"_s, u"oid"_s};
    return types;
}

bool isCollatable(const QString &typeName)
{
    const QString base = typeName.startsWith(u'_') ? typeName.mid(1) : typeName;
    return base == "text"_L1 || base == "varchar"_L1 || base == "bpchar"_L1 || base == "name"_L1;
}
} // namespace

RowHasher::RowHasher(QList<Column> columns, int serverVersionNum)
    : m_columns(std::move(columns)), m_haveHashRecord(serverVersionNum >= 140000)
{
}

bool RowHasher::hashesNatively(const Column &column)
{
    const QString base = column.typeName.startsWith(u'_') ? column.typeName.mid(1) : column.typeName;
    return nativeTypes().contains(base);
}

QString RowHasher::operand(const Column &column) const
{
    const QString name = sql::quoteIdent(column.name);
    if (!m_haveHashRecord || !hashesNatively(column))
        return name + u"::text COLLATE \"C\""_s;
    // A non-deterministic column collation would hash 'A' and 'a' alike: compare bytes instead.
    return isCollatable(column.typeName) ? name + u" COLLATE \"C\""_s : name;
}

QString RowHasher::hashExpression() const
{
    QStringList operands;
    for (const Column &column : m_columns)
        operands << operand(column);
    if (m_haveHashRecord)
        return u"hash_record_extended(ROW("_s + operands.join(u", "_s) + u"), 0)"_s;
    // Before PostgreSQL 14: the row's text form keeps NULL ("") and '' ("\"\"") apart.
    return u"hashtextextended(ROW("_s + operands.join(u", "_s) + u")::text, 0)"_s;
}

} // namespace salvage
