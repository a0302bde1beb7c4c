#include "diff/movesummarizer.h"

#include <QHash>
#include <algorithm>

namespace salvage {

namespace {
// NULL in one column of a composite key makes the whole reference NULL (MATCH SIMPLE).
DiffValue referenceValue(const QList<DiffValue> &values, const QList<int> &indexes)
{
    QStringList parts;
    for (int index : indexes) {
        if (!values.at(index))
            return std::nullopt;
        parts << *values.at(index);
    }
    return parts.join(QLatin1Char(','));
}
} // namespace

QList<DiffMove> MoveSummarizer::summarize(const QString &table, const QStringList &columns,
                                          const QList<ForeignKey> &foreignKeys, const QList<DiffRow> &rows)
{
    QList<DiffMove> moves;
    QHash<QString, qsizetype> index; // column \x1f from \x1f to → position in moves
    for (const ForeignKey &key : foreignKeys) {
        QList<int> positions;
        for (const QString &column : key.columns)
            positions << int(columns.indexOf(column));
        if (positions.contains(-1))
            continue; // a key column not compared on both sides
        const QString column = key.columns.join(QLatin1Char(','));
        for (const DiffRow &row : rows) {
            if (row.status != DiffRow::Status::Changed)
                continue;
            const DiffValue from = referenceValue(row.backupValues, positions);
            const DiffValue to = referenceValue(row.liveValues, positions);
            if (from == to)
                continue;
            const QString id = column + QChar(0x1f) + (from ? QStringLiteral("v") + *from : QStringLiteral("n"))
                               + QChar(0x1f) + (to ? QStringLiteral("v") + *to : QStringLiteral("n"));
            auto it = index.constFind(id);
            if (it == index.cend()) {
                it = index.insert(id, moves.size());
                moves.append(DiffMove{table, column, from, to, 0});
            }
            moves[*it].rows += 1;
        }
    }
    std::stable_sort(moves.begin(), moves.end(), [](const DiffMove &a, const DiffMove &b) { return a.rows > b.rows; });
    return moves;
}

} // namespace salvage
