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

// Every value but those at `skipped`, NULL told apart from any text.
QString otherValues(const QList<DiffValue> &values, const QList<int> &skipped)
{
    QString signature;
    for (int i = 0; i < values.size(); ++i) {
        if (skipped.contains(i))
            continue;
        signature += values.at(i) ? QStringLiteral("v") + *values.at(i) : QStringLiteral("n");
        signature += QChar(0x1f);
    }
    return signature;
}

// Lost and new rows that differ only in `positions`: one (from, to) per pair, each row paired once.
QList<QPair<DiffValue, DiffValue>> rekeyedPairs(const QList<DiffRow> &rows, const QList<int> &positions)
{
    QHash<QString, QList<const DiffRow *>> lost;
    for (const DiffRow &row : rows)
        if (row.status == DiffRow::Status::OnlyInBackup && !row.backupValues.isEmpty())
            lost[otherValues(row.backupValues, positions)].append(&row);
    QList<QPair<DiffValue, DiffValue>> pairs;
    for (const DiffRow &row : rows) {
        if (row.status != DiffRow::Status::OnlyInLive || row.liveValues.isEmpty())
            continue;
        const auto it = lost.find(otherValues(row.liveValues, positions));
        if (it == lost.end() || it->isEmpty())
            continue;
        const DiffRow *before = it->takeFirst();
        pairs.append({ referenceValue(before->backupValues, positions), referenceValue(row.liveValues, positions) });
    }
    return pairs;
}
} // namespace

QList<DiffMove> MoveSummarizer::summarize(const QString &table, const QStringList &columns,
    const QStringList &keyColumns, const QList<ForeignKey> &foreignKeys, const QList<DiffRow> &rows)
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
        const bool inKey = std::any_of(key.columns.cbegin(), key.columns.cend(),
            [&keyColumns](const QString &c) { return keyColumns.contains(c); });
        QList<QPair<DiffValue, DiffValue>> changes;
        if (inKey) {
            changes = rekeyedPairs(rows, positions);
        } else {
            for (const DiffRow &row : rows)
                if (row.status == DiffRow::Status::Changed)
                    changes.append(
                        { referenceValue(row.backupValues, positions), referenceValue(row.liveValues, positions) });
        }
        for (const auto &[from, to] : std::as_const(changes)) {
            if (from == to)
                continue;
            const QString id = column + QChar(0x1f) + (from ? QStringLiteral("v") + *from : QStringLiteral("n"))
                + QChar(0x1f) + (to ? QStringLiteral("v") + *to : QStringLiteral("n"));
            auto it = index.constFind(id);
            if (it == index.cend()) {
                it = index.insert(id, moves.size());
                moves.append(DiffMove { table, column, from, to, 0, inKey, key.refQualifiedName() });
            }
            moves[*it].rows += 1;
        }
    }
    std::stable_sort(moves.begin(), moves.end(), [](const DiffMove &a, const DiffMove &b) { return a.rows > b.rows; });
    return moves;
}

} // namespace salvage
