#include "diff/movesummarizer.h"

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

MoveSummarizer::MoveSummarizer(
    const QString &table, const QStringList &columns, const QStringList &keyColumns, QList<ForeignKey> foreignKeys)
    : m_table(table)
{
    for (ForeignKey &key : foreignKeys) {
        KeyMoves entry;
        for (const QString &column : std::as_const(key.columns))
            entry.positions << int(columns.indexOf(column));
        if (entry.positions.contains(-1))
            continue; // a key column not compared on both sides
        entry.column = key.columns.join(QLatin1Char(','));
        entry.inKey = std::any_of(key.columns.cbegin(), key.columns.cend(),
            [&keyColumns](const QString &c) { return keyColumns.contains(c); });
        entry.key = std::move(key);
        m_keys << std::move(entry);
    }
}

bool MoveSummarizer::pairsLostAndNew() const
{
    return std::any_of(m_keys.cbegin(), m_keys.cend(), [](const KeyMoves &key) { return key.inKey; });
}

void MoveSummarizer::add(const DiffRow &row)
{
    if (row.status != DiffRow::Status::Changed)
        return;
    for (qsizetype key = 0; key < m_keys.size(); ++key) {
        const QList<int> &positions = m_keys.at(key).positions;
        if (!m_keys.at(key).inKey)
            count(key, referenceValue(row.backupValues, positions), referenceValue(row.liveValues, positions));
    }
}

void MoveSummarizer::count(qsizetype key, const DiffValue &from, const DiffValue &to)
{
    if (from == to)
        return;
    KeyMoves &entry = m_keys[key];
    const QString id = entry.column + QChar(0x1f) + (from ? QStringLiteral("v") + *from : QStringLiteral("n"))
        + QChar(0x1f) + (to ? QStringLiteral("v") + *to : QStringLiteral("n"));
    auto it = m_index.constFind(id);
    if (it == m_index.cend()) {
        it = m_index.insert(id, { key, entry.moves.size() });
        entry.moves.append(DiffMove { m_table, entry.column, from, to, 0, entry.inKey, entry.key.refQualifiedName() });
    }
    m_keys[it->first].moves[it->second].rows += 1;
}

QList<DiffMove> MoveSummarizer::finish(const QList<DiffRow> &rows)
{
    QList<DiffMove> moves;
    for (qsizetype key = 0; key < m_keys.size(); ++key) {
        if (m_keys.at(key).inKey) {
            for (const auto &[from, to] : rekeyedPairs(rows, m_keys.at(key).positions))
                count(key, from, to);
        }
    }
    for (const KeyMoves &key : std::as_const(m_keys))
        moves += key.moves;
    std::stable_sort(moves.begin(), moves.end(), [](const DiffMove &a, const DiffMove &b) { return a.rows > b.rows; });
    return moves;
}

QList<DiffMove> MoveSummarizer::summarize(const QString &table, const QStringList &columns,
    const QStringList &keyColumns, const QList<ForeignKey> &foreignKeys, const QList<DiffRow> &rows)
{
    MoveSummarizer summarizer(table, columns, keyColumns, foreignKeys);
    for (const DiffRow &row : rows)
        summarizer.add(row);
    return summarizer.finish(rows);
}

} // namespace salvage
