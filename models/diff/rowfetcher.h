#pragma once

#include "db/schema.h"
#include "diff/diffvalue.h"

#include <QHash>
#include <QList>
#include <QStringList>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <pqxx/result>

namespace salvage {

struct DiffSide;

/// Fetches rows of one table by primary key, a batch per statement (the keys travel as text arrays
/// and are joined server-side), every value as text with NULL kept apart. A counts-only diff asks
/// for fewer columns (Need): the others come back as NULL, and a digest stands in for their text.
class RowFetcher
{
public:
    /// What of a column's value a fetch needs.
    enum class Need {
        Value, ///< its text
        Nothing, ///< NULL in its place
        WhenUndated, ///< its text when the time expression is NULL (an undated row), else NULL
    };

    struct Row
    {
        QList<DiffValue> values;
        std::optional<double> time; ///< the classifier's time expression, when there is one
        /// md5 of the text of the digested columns, when there are any: equal digests, equal text
        /// in those columns.
        QByteArray digest;
    };

    /// `needs` (one per column, empty for Need::Value everywhere) narrows the fetch; `digested`
    /// (one per column) names the columns the digest covers.
    RowFetcher(const Table &table, QStringList columns, QString timeExpression, QList<Need> needs = {},
        QList<bool> digested = {});

    /// The rows of `keys` that exist on `side`, by JoinedKey::join(key).
    QHash<QString, Row> fetch(DiffSide &side, const QList<QStringList> &keys) const;
    /// A row with its JoinedKey::join(key).
    using KeyedRow = std::pair<QString, Row>;
    /// Every row on `side` whose `rangeColumn` (the leading key column) lies in one of the ranges
    /// [lows[i], highs[i]] (highs[i] itself only when closed[i]), ascending by JoinedKey::join(key)
    /// as text, so that every run lists them alike: ranges that only this side has rows in are read
    /// whole, with no key hashes read first.
    std::vector<KeyedRow> fetchRanges(DiffSide &side, const Column &rangeColumn, const QStringList &lows,
        const QStringList &highs, const QList<bool> &closed) const;

    /// `s."a"::text, s."b"::text` for the given columns.
    static QString textColumns(const QStringList &columns, const QString &alias);
    /// Reads `count` text columns from `row` starting at `first`.
    template <typename PqRow> static QList<DiffValue> values(const PqRow &row, int first, int count)
    {
        QList<DiffValue> out;
        out.reserve(count);
        for (int i = first; i < first + count; ++i)
            out << (row[i].is_null() ? DiffValue() : DiffValue(QString::fromUtf8(row[i].c_str())));
        return out;
    }

private:
    QString selectList() const; ///< key columns, compared columns, time: all as `read` expects
    QString rowTime() const; ///< the FROM item `salvage_time` whose `v` is the row's time, after `s`
    /// Hands every row of `result` to `take(joinedKey, row)`.
    void read(const pqxx::result &result, const std::function<void(QString &&, Row &&)> &take) const;

    const Table &m_table;
    QStringList m_columns;
    QString m_timeExpression;
    QList<Need> m_needs;
    QList<bool> m_digested;
};

} // namespace salvage
