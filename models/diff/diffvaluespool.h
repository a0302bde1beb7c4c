#pragma once

#include "diff/tablediff.h"

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

    /// Writes the values of every row of `table` and keeps in memory only what ParentOrigin still
    /// reads (the foreign keys' values of undated rows only in live); `table.spool` is set to `self`.
    /// Throws salvage::Error when the file cannot be written (the disk full).
    static void spool(const std::shared_ptr<DiffValueSpool> &self, TableDiff &table);

    /// The values of the record at `at` (a DiffRow::spooledAt); throws salvage::Error when the
    /// record cannot be read back.
    DiffRowValues read(qint64 at) const;

private:
    void append(const QByteArray &records); ///< with m_mutex held

    mutable std::mutex m_mutex;
    mutable QTemporaryFile m_file;
    qint64 m_end = 0;
};

} // namespace salvage
