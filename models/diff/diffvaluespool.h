#pragma once

#include "diff/tablediff.h"

#include <QSet>
#include <QTemporaryFile>
#include <mutex>

namespace salvage {

/// The values of differing rows on disk instead of in memory (RowRetention::Spooled): the Compare
/// view reads the rows it shows, so that its memory grows with the number of differing rows, not
/// with their width. Each row's values go to one record of a temporary file, written by the
/// comparing threads a table at a time and read by the view while the diff still runs.
class DiffValueSpool
{
public:
    /// Opens the spool in the temporary directory ($TMPDIR); throws salvage::Error when it cannot.
    DiffValueSpool();
    DiffValueSpool(const DiffValueSpool &) = delete;
    DiffValueSpool &operator=(const DiffValueSpool &) = delete;

    /// One table's rows on their way to the spool, gathered into blocks of about a megabyte; each
    /// block is written under the spool's lock and its rows then learn where their records are.
    /// Rows keep in memory only what ParentOrigin still reads: the foreign keys' values of undated
    /// rows only in live; their keys go to TableDiff::keys, their changed columns' lists are shared.
    /// Throws salvage::Error when the file cannot be written (the disk full).
    class TableWriter
    {
    public:
        /// Marks `table` as spooled to `spool`; `table` must stay where it is until flush().
        TableWriter(std::shared_ptr<DiffValueSpool> spool, TableDiff &table);
        /// Spools the values of table.rows[row].
        void add(qsizetype row);
        /// Writes what is gathered: every row added has its DiffRow::spooledAt.
        void flush();

    private:
        std::shared_ptr<DiffValueSpool> m_spool;
        TableDiff &m_table;
        QList<qsizetype> m_parentColumns;
        QByteArray m_block;
        QList<QPair<qsizetype, qsizetype>> m_placed; ///< a row of the block and its record's offset in it
        QSet<QStringList> m_changedColumns; ///< the changed rows' lists of columns, each kept once
    };

    /// Spools every row of `table` not spooled yet (TableWriter).
    static void spool(const std::shared_ptr<DiffValueSpool> &self, TableDiff &table);

    /// The values of the record at `at` (a DiffRow::spooledAt); throws salvage::Error when the
    /// record cannot be read back.
    DiffRowValues read(qint64 at) const;

private:
    /// Writes `records` at the end of the file and returns where they start.
    qint64 append(const QByteArray &records);

    mutable std::mutex m_mutex;
    mutable QTemporaryFile m_file;
    qint64 m_end = 0;
};

} // namespace salvage
