#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace salvage {

/// The keys of a spooled table's differing rows (RowRetention::Spooled), packed into one buffer
/// by the row's place in TableDiff::rows: a key as a QStringList costs a list and a string, about
/// 100 bytes a row, where here it is its UTF-8 and 9 bytes. Rows are stored in any order (those a
/// table still reads come at its end); a row not stored keeps its key in DiffRow::key.
/// Implicitly shared, as the rest of a TableDiff is.
class RowKeys
{
public:
    /// Stores row `row`'s key, join()ed (JoinedKey).
    void set(qsizetype row, const QString &joinedKey);
    /// Releases the lists' spare capacity.
    void squeeze();

    bool has(qsizetype row) const { return row >= 0 && row < m_at.size() && m_at.at(row) >= 0; }
    /// Row `row`'s key, join()ed; has(row) must hold.
    QString joined(qsizetype row) const;

private:
    QByteArray m_bytes; ///< each key as its UTF-8 length (7 bits a byte, LEB128) and its UTF-8
    QList<qint64> m_at; ///< where each row's key starts in m_bytes, -1 for a row not stored
};

} // namespace salvage
