#include "diff/uniquekeyidentity.h"

#include "db/pqxxcompat.h"
#include "db/sqlident.h"
#include "diff/sidepair.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace salvage {

namespace {
// The same plain key on the other side: same columns in the same order, of the same types.
bool liveHasKey(const Table &backup, const Table &live, const UniqueKey &key)
{
    const bool sameTypes = std::all_of(key.columns.cbegin(), key.columns.cend(), [&](const QString &name) {
        const Column *b = backup.column(name);
        const Column *l = live.column(name);
        return b && l && b->type == l->type;
    });
    return sameTypes && std::any_of(live.uniqueKeys.cbegin(), live.uniqueKeys.cend(), [&key](const UniqueKey &other) {
        return other.onPlainColumns() && other.columns == key.columns;
    });
}
} // namespace

std::optional<UniqueKey> UniqueKeyIdentity::choose(
    SidePair &sides, const Table &backup, const Table &live, QStringList &notes)
{
    for (const UniqueKey &key : backup.uniqueKeys) {
        if (!key.onPlainColumns() || !liveHasKey(backup, live, key))
            continue;
        QStringList nullTests;
        for (const QString &column : key.columns)
            nullTests << sql::quoteIdent(column) + u" IS NULL"_s;
        const std::string query
            = u"SELECT EXISTS (SELECT 1 FROM %1 WHERE %2)"_s.arg(backup.sqlName(), nullTests.join(u" OR "_s))
                  .toStdString();
        bool hasNull[2] = { false, false };
        sides.both(
            [&](DiffSide &side) { hasNull[side.which] = pqxxcompat::execOneRow(side.txn(), query)[0].as<bool>(); });
        if (!hasNull[DiffSide::Backup] && !hasNull[DiffSide::Live])
            return key;
        notes << u"Unique index %1 (%2) not used to tell rows apart: its columns hold NULL in %3."_s.arg(key.name,
            key.columns.join(u", "_s),
            hasNull[DiffSide::Backup] && hasNull[DiffSide::Live] ? u"backup and live"_s
                : hasNull[DiffSide::Backup]                      ? u"backup"_s
                                                                 : u"live"_s);
    }
    return std::nullopt;
}

QString UniqueKeyIdentity::note(const UniqueKey &key)
{
    return u"No primary key: rows told apart by unique index %1 (%2), no NULLs on either side."_s.arg(
        key.name, key.columns.join(u", "_s));
}

} // namespace salvage
