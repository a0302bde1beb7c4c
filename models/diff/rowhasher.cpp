#include "diff/rowhasher.h"

#include "db/sqlident.h"

#include <QHash>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
// Types whose hash agrees exactly with equality of their text form and does not depend on the
// database (no OIDs, no collation once forced to "C"), with the call that hashes one value: %1 is
// the column, %2 the seed. Not jsonb: jsonb_hash_extended() hashes 1 like [1] and 1.0 like 1.00.
const QHash<QString, QString> &nativeHashes()
{
    static const QHash<QString, QString> hashes {
        { u"int2"_s, u"hashint2extended(%1, %2)"_s },
        { u"int4"_s, u"hashint4extended(%1, %2)"_s },
        { u"int8"_s, u"hashint8extended(%1, %2)"_s },
        { u"oid"_s, u"hashoidextended(%1, %2)"_s },
        { u"bool"_s, u"hashint4extended(%1::int4, %2)"_s },
        { u"char"_s, u"hashcharextended(%1, %2)"_s },
        { u"text"_s, u"hashtextextended(%1 COLLATE \"C\", %2)"_s },
        { u"varchar"_s, u"hashtextextended(%1 COLLATE \"C\", %2)"_s },
        { u"name"_s, u"hashtextextended(%1::text COLLATE \"C\", %2)"_s },
        { u"bpchar"_s, u"hashbpcharextended(%1 COLLATE \"C\", %2)"_s },
        { u"uuid"_s, u"uuid_hash_extended(%1, %2)"_s },
        { u"date"_s, u"timestamp_hash_extended(%1::timestamp, %2)"_s },
        { u"time"_s, u"time_hash_extended(%1, %2)"_s },
        { u"timestamp"_s, u"timestamp_hash_extended(%1, %2)"_s },
        // The instant itself, whatever the session's time zone.
        { u"timestamptz"_s, u"timestamp_hash_extended(%1 AT TIME ZONE 'UTC', %2)"_s },
        // bytea's hash function is not callable from SQL; an array of one reaches it.
        { u"bytea"_s, u"hash_array_extended(ARRAY[%1], %2)"_s },
    };
    return hashes;
}

bool isCollatable(const QString &baseType)
{
    return baseType == "text"_L1 || baseType == "varchar"_L1 || baseType == "bpchar"_L1 || baseType == "name"_L1;
}

QString baseType(const Column &column)
{
    return column.typeName.startsWith(u'_') ? column.typeName.mid(1) : column.typeName;
}

// A constant that stands for NULL in the given position: far from any small hash value and
// different per position, so NULLs in different columns do not cancel out.
qint64 nullMarker(int position)
{
    quint64 x = 0x9E3779B97F4A7C15ULL * quint64(position + 1);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 29;
    return qint64(x);
}
} // namespace

RowHasher::RowHasher(QList<Column> columns, int serverVersionNum)
    : m_columns(std::move(columns))
    , m_haveExtendedHashes(serverVersionNum >= 110000)
    , m_notNullHoldsNoNull(serverVersionNum < 180000)
{
}

bool RowHasher::hashesNatively(const Column &column)
{
    return nativeHashes().contains(baseType(column));
}

QString RowHasher::columnHash(const Column &column, int position) const
{
    const QString name = sql::quoteIdent(column.name);
    const QString seed = QString::number(position + 1);
    QString hash;
    if (!hashesNatively(column)) {
        hash = u"hashtextextended(%1::text COLLATE \"C\", %2)"_s.arg(name, seed);
    } else if (column.typeName.startsWith(u'_')) {
        // Arrays hash their elements with the element type's function; collatable ones as bytes.
        // That hash ignores the bounds ({1,2}, {{1},{2}} and [0:1]={1,2} alike), hence array_dims;
        // it is NULL for an empty array, which the element hash already tells from NULL.
        hash = u"(hash_array_extended(%1%2, %3) # coalesce(hashtextextended(array_dims(%1) COLLATE \"C\", %3), 0))"_s
                   .arg(name, isCollatable(baseType(column)) ? u" COLLATE \"C\""_s : QString(), seed);
    } else {
        hash = nativeHashes().value(baseType(column)).arg(name, seed);
    }
    // The interpreter's coalesce steps cost about a tenth of the first pass (statuses, 20 columns).
    if (!column.nullable && m_notNullHoldsNoNull)
        return hash;
    return u"coalesce(%1, %2)"_s.arg(hash, QString::number(nullMarker(position)));
}

QString RowHasher::hashExpression() const
{
    if (m_columns.isEmpty())
        return u"0::int8"_s;
    if (!m_haveExtendedHashes) {
        // Before PostgreSQL 11: the row's text form keeps NULL ("") and '' ("\"\"") apart.
        QStringList operands;
        for (const Column &column : m_columns)
            operands << sql::quoteIdent(column.name) + u"::text COLLATE \"C\""_s;
        return u"hashtext(ROW("_s + operands.join(u", "_s) + u")::text)::int8"_s;
    }
    QStringList hashes;
    for (int i = 0; i < m_columns.size(); ++i)
        hashes << columnHash(m_columns.at(i), i);
    return u"("_s + hashes.join(u" # "_s) + u")"_s;
}

} // namespace salvage
