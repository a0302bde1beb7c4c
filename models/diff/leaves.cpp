#include "diff/leaves.h"

#include <algorithm>

namespace salvage {

Leaves Leaves::read(pqxx::result result, int keyCount, bool sorted)
{
    Leaves leaves;
    leaves.result = std::move(result);
    leaves.keyCount = keyCount;
    leaves.rows.reserve(leaves.result.size());
    leaves.fields.reserve(leaves.result.size() * std::size_t(keyCount));
    for (int row = 0; row < int(leaves.result.size()); ++row) {
        const pqxx::row fields = leaves.result[row];
        for (int i = 0; i < keyCount; ++i)
            leaves.fields.emplace_back(fields[i].c_str(), fields[i].size());
        leaves.rows.emplace_back(row, fields[keyCount].as<qint64>());
    }
    if (!sorted) {
        std::sort(leaves.rows.begin(), leaves.rows.end(),
            [&leaves](const auto &a, const auto &b) { return leaves.compare(a.first, leaves, b.first) < 0; });
    }
    return leaves;
}

int Leaves::compare(int a, const Leaves &other, int b) const
{
    for (int i = 0; i < keyCount; ++i) {
        if (const int order
            = fields[std::size_t(a * keyCount + i)].compare(other.fields[std::size_t(b * keyCount + i)]))
            return order;
    }
    return 0;
}

bool Leaves::inOrder(const Leaves *previous) const
{
    if (rows.empty())
        return true;
    if (previous && !previous->rows.empty()
        && previous->compare(previous->rows.back().first, *this, rows.front().first) >= 0)
        return false;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (compare(rows[i - 1].first, *this, rows[i].first) >= 0)
            return false;
    }
    return true;
}

QStringList Leaves::key(int row) const
{
    QStringList parts;
    for (int i = 0; i < keyCount; ++i) {
        const std::string_view field = fields[std::size_t(row * keyCount + i)];
        parts << QString::fromUtf8(field.data(), qsizetype(field.size()));
    }
    return parts;
}

void LeafMatch::merge(const Leaves &backup, std::size_t &b, const Leaves &live, std::size_t &l)
{
    while (b < backup.rows.size() && l < live.rows.size()) {
        const auto &[backupRow, backupHash] = backup.rows[b];
        const auto &[liveRow, liveHash] = live.rows[l];
        const int order = backup.compare(backupRow, live, liveRow);
        if (order < 0) {
            onlyBackup << backup.key(backupRow);
            ++b;
        } else if (order > 0) {
            onlyLive << live.key(liveRow);
            ++l;
        } else {
            if (backupHash != liveHash)
                changed << backup.key(backupRow);
            ++b, ++l;
        }
    }
}

namespace {
// A key's fields as UTF-8, each ended by a NUL (which text cannot hold): these compare as
// Leaves::compare() does, field by field and byte by byte, a shorter field first.
QByteArray sortKey(const QStringList &key)
{
    QByteArray bytes;
    for (const QString &field : key) {
        bytes += field.toUtf8();
        bytes += '\0';
    }
    return bytes;
}

void sortByKey(QList<QStringList> &keys)
{
    std::vector<std::pair<QByteArray, qsizetype>> order;
    order.reserve(std::size_t(keys.size()));
    for (qsizetype i = 0; i < keys.size(); ++i)
        order.emplace_back(sortKey(keys.at(i)), i);
    if (std::is_sorted(order.cbegin(), order.cend()))
        return;
    std::sort(order.begin(), order.end());
    QList<QStringList> sorted;
    sorted.reserve(keys.size());
    for (const auto &entry : order)
        sorted << std::move(keys[entry.second]);
    keys = std::move(sorted);
}
} // namespace

void LeafMatch::add(LeafMatch &&other)
{
    changed += std::move(other.changed);
    onlyBackup += std::move(other.onlyBackup);
    onlyLive += std::move(other.onlyLive);
}

void LeafMatch::sort()
{
    sortByKey(changed);
    sortByKey(onlyBackup);
    sortByKey(onlyLive);
}

void LeafMatch::rest(const Leaves &leaves, std::size_t &from, bool backup)
{
    for (; from < leaves.rows.size(); ++from)
        (backup ? onlyBackup : onlyLive) << leaves.key(leaves.rows[from].first);
}

} // namespace salvage
