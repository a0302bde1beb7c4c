#pragma once

#include <QString>
#include <QStringList>

namespace salvage {

/// Collects a database row's values in the form a log line would carry them, to look them up
/// among a timeline's keys ("show this row in the timeline"): distinct, non-empty, short enough
/// to be a key, and an address without the "/32" or "/128" that inet's text form adds. A row's
/// ids (its key, the keys it references) go in with their table ("accounts:44", Timeline::keyLinks):
/// a bare 44 is any table's row 44.
class LogKeyCandidates
{
public:
    static constexpr int maxLength = 256;
    static constexpr int maxValues = 500;

    void add(const QString &value);
    /// `value` as an id of `table` ("schema.table" or "table"): "table:value".
    void addRowId(const QString &table, const QString &value);
    const QStringList &values() const { return m_values; }

private:
    QStringList m_values;
};

} // namespace salvage
