#include "diff/moveranker.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace salvage {

namespace {
QString tagged(const DiffValue &value)
{
    return value ? QStringLiteral("v") + *value : QStringLiteral("n"); // NULL told apart from any text
}

QString targetId(const DiffMove &move)
{
    return move.target + QChar(0x1f) + tagged(move.to);
}
} // namespace

QList<DiffFanIn> MoveRanker::rank(QList<DiffMove> &moves)
{
    QList<DiffFanIn> targets;
    QHash<QString, qsizetype> index; // targetId → position in targets
    QList<QSet<QString>> sources;
    for (const DiffMove &move : std::as_const(moves)) {
        auto it = index.constFind(targetId(move));
        if (it == index.cend()) {
            it = index.insert(targetId(move), targets.size());
            targets.append(DiffFanIn { move.target, move.to, 0, 0, {}, true });
            sources.append(QSet<QString>());
        }
        DiffFanIn &target = targets[*it];
        sources[*it].insert(tagged(move.from)); // the same source moved in two tables counts once
        target.rows += move.rows;
        if (!target.tables.contains(move.table))
            target.tables << move.table;
    }
    for (qsizetype i = 0; i < targets.size(); ++i) {
        targets[i].sources = sources.at(i).size();
        targets[i].incident = isIncident(targets[i].sources, targets[i].rows);
        std::sort(targets[i].tables.begin(), targets[i].tables.end());
    }
    std::stable_sort(targets.begin(), targets.end(), [](const DiffFanIn &a, const DiffFanIn &b) {
        if (a.incident != b.incident)
            return a.incident;
        if (a.sources != b.sources)
            return a.sources > b.sources;
        return a.rows > b.rows;
    });
    QHash<QString, qsizetype> rankOf;
    for (qsizetype i = 0; i < targets.size(); ++i)
        rankOf.insert(targets.at(i).table + QChar(0x1f) + tagged(targets.at(i).target), i);
    for (DiffMove &move : moves) {
        const DiffFanIn &target = targets.at(rankOf.value(targetId(move)));
        move.fanIn = target.sources;
        move.incident = target.incident;
    }
    std::stable_sort(moves.begin(), moves.end(), [&rankOf](const DiffMove &a, const DiffMove &b) {
        const qsizetype x = rankOf.value(targetId(a)), y = rankOf.value(targetId(b));
        return x != y ? x < y : a.rows > b.rows;
    });
    return targets;
}

} // namespace salvage
