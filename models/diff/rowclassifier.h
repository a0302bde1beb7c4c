#pragma once

#include "db/schema.h"

#include <QString>
#include <optional>

namespace salvage {

/// Finds, by introspection, what tells when a table's row was created: a creation-like timestamp
/// column (found by type and name pattern), else a time-carrying bigint key (Snowflake-style ids
/// that hold milliseconds in their upper 48 bits), else a serial integer key (newer rows have
/// larger keys). Rows only in live are then "new since the backup" or "unexplained".
class RowClassifier
{
public:
    explicit RowClassifier(const Table &table);

    /// A float8 SQL expression (seconds since the epoch) over the table's columns, empty when the
    /// table has no creation-like column.
    QString timeExpression() const;
    /// An aggregate over the table's rows with the value of timeExpression() for its newest row
    /// created no later than now, empty like timeExpression(). The column is aggregated in its own
    /// type and converted once at the end: converting every row costs more than hashing it.
    QString newestTimeAggregate() const;
    const Column *creationColumn() const { return m_creation; }
    /// Whether the single integer key orders rows by creation (serial or time-carrying id).
    bool hasIntegerKey() const { return m_integerKey; }

    /// Decides from the backup's largest key whether keys carry time; call once before keyTime().
    void observeBackupMaxKey(const QString &maxKey);
    bool keyCarriesTime() const { return m_keyCarriesTime; }
    /// The creation time a time-carrying key holds.
    std::optional<double> keyTime(const QString &key) const;
    /// Serial-key rule: a key beyond the backup's largest was allocated after the backup.
    bool keyBeyondBackup(const QString &key) const;

private:
    const Column *m_creation = nullptr;
    bool m_integerKey = false;
    bool m_keyCarriesTime = false;
    std::optional<qint64> m_backupMaxKey;
};

} // namespace salvage
