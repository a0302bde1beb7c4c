#pragma once

#include <QList>
#include <QStringList>

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include <pqxx/result>

namespace salvage {

/// Key and row hash of every row of some ranges, as the server sent them, in key order (the
/// fields' bytes): matched with the other side's by one merge, not by a map of strings.
struct Leaves
{
    pqxx::result result; ///< key columns as text, then the row hash
    int keyCount = 0;
    std::vector<std::string_view> fields; ///< keyCount key fields per result row, into `result`
    std::vector<std::pair<int, qint64>> rows; ///< result row and its hash, sorted by key

    /// Takes `result` (keyCount text keys, then the hash) and sorts its rows by key, unless
    /// `sorted` says the server did (then inOrder() tells whether it agrees).
    static Leaves read(pqxx::result result, int keyCount, bool sorted);
    /// Orders row `a` of this result against row `b` of `other` by key: <0, 0 or >0. Field by field,
    /// byte by byte, as the server's ORDER BY key::text COLLATE "C" orders them.
    int compare(int a, const Leaves &other, int b) const;
    /// Whether every row's key is above the one before it, and the first above `previous`' last.
    bool inOrder(const Leaves *previous) const;
    QStringList key(int row) const;
};

/// The keys that differ between two sides' leaves, in key order: changed (on both sides, the
/// hashes differ), only in backup, only in live.
struct LeafMatch
{
    QList<QStringList> changed;
    QList<QStringList> onlyBackup;
    QList<QStringList> onlyLive;

    /// Merges backup's rows from `b` with live's from `l` while both sides have rows left.
    void merge(const Leaves &backup, std::size_t &b, const Leaves &live, std::size_t &l);
    /// Every row of `leaves` from `from` on is on one side only.
    void rest(const Leaves &leaves, std::size_t &from, bool backup);
    /// Adds another batch's keys to the end of each list.
    void add(LeafMatch &&other);
    /// Puts each list in key order (Leaves::compare()'s: the fields' bytes), so that every way of
    /// reading a table's ranges, in batches or in one pass, lists its keys alike.
    void sort();
};

} // namespace salvage
