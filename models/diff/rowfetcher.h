#pragma once

#include "db/schema.h"
#include "diff/diffresult.h"

#include <QHash>
#include <QList>
#include <QStringList>
#include <optional>

namespace salvage {

struct DiffSide;

/// Fetches whole rows of one table by primary key, a batch per statement (the keys travel as
/// text arrays and are joined server-side), every value as text with NULL kept apart.
class RowFetcher
{
public:
    struct Row
    {
        QList<DiffValue> values;
        std::optional<double> time; ///< the classifier's time expression, when there is one
    };

    RowFetcher(const Table &table, QStringList columns, QString timeExpression);

    /// The rows of `keys` that exist on `side`, by joinKey(key).
    QHash<QString, Row> fetch(DiffSide &side, const QList<QStringList> &keys) const;

    /// An unambiguous map key for a list of key values.
    static QString joinKey(const QStringList &key);
    /// The key values joinKey() was made from.
    static QStringList splitKey(const QString &joined);
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
    const Table &m_table;
    QStringList m_columns;
    QString m_timeExpression;
};

} // namespace salvage
