#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace salvage {

/// A counts-only diff's rows only in live that carry a time (RowRetention::Counts). Their origin
/// depends on nothing but the backup's point in time, which a table compared later can still raise
/// (DiffResult::classify()), so each keeps its time, and its key only where a table compared in the
/// same diff references this one (ParentOrigin looks up a child's parent among the new rows): 8
/// bytes a row (plus the key's UTF-8), not a DiffRow's 250. Implicitly shared, as the rest of a
/// TableDiff is.
class DatedRows
{
public:
    DatedRows() = default;
    /// `keys`: whether rows keep their key (join()ed, JoinedKey), which add() then expects.
    explicit DatedRows(bool keys)
        : m_keepsKeys(keys)
    {
    }

    /// A row created at `time` (seconds since the epoch), `multiplicity` copies of it.
    void add(double time, qint64 multiplicity = 1, const QString &joinedKey = {});
    /// Releases the lists' spare capacity (rows added in one go leave up to half of it).
    void squeeze();

    bool isEmpty() const { return m_times.isEmpty(); }
    qsizetype size() const { return m_times.size(); }
    bool keepsKeys() const { return m_keepsKeys; }
    /// The rows (copies counted) created after `backupTime`: new since the backup; none without one.
    qint64 newerThan(std::optional<double> backupTime) const;
    /// The join()ed key of each row created after `backupTime` (keepsKeys()).
    template <typename Visit> void forEachKeyNewerThan(std::optional<double> backupTime, Visit visit) const
    {
        if (!backupTime || !m_keepsKeys)
            return;
        for (qsizetype i = 0; i < m_times.size(); ++i) {
            if (m_times.at(i) > *backupTime)
                visit(key(i));
        }
    }
    QString key(qsizetype row) const;

private:
    bool m_keepsKeys = false;
    QList<double> m_times;
    QList<qint64> m_multiplicity; ///< empty while every row has one copy (every keyed table's)
    QByteArray m_keys; ///< keepsKeys(): every row's key in UTF-8, one after the other
    QList<qsizetype> m_keyEnds; ///< where each row's key ends in m_keys
};

} // namespace salvage
