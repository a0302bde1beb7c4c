#pragma once

#include "diff/diffresult.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QTemporaryFile>
#include <mutex>

class QIODevice;

namespace salvage {

/// `diff --rows --format json` without keeping the rows: each row's entry is formatted as the diff
/// finds it (sink(), called from the comparing threads) and spooled to a temporary file; write()
/// then gives, once the diff is done, byte for byte the document diffToJson(result, true) gives
/// for the same diff keeping every row (its "fan_in" and "moves" come first, so nothing can be
/// written before the end). Memory holds a few megabytes of entries, whatever the differences.
class DiffJsonStream
{
public:
    /// Opens the spool in the system's temporary directory; throws salvage::Error when it cannot.
    DiffJsonStream();
    DiffJsonStream(const DiffJsonStream &) = delete;
    DiffJsonStream &operator=(const DiffJsonStream &) = delete;

    /// For DiffRunner::run; this object must outlive the diff.
    RowSink sink();
    /// The whole document of `result` (a diff run with sink()); throws salvage::Error when the spool
    /// cannot be read or `out` written.
    void write(const DiffResult &result, QIODevice &out);

private:
    struct Chunk
    {
        qint64 offset = 0;
        qint64 size = 0;
    };
    struct TableEntries
    {
        QList<Chunk> spooled;
        QByteArray pending; ///< formatted, not yet in the spool
        qint64 entries = 0;
    };

    void add(const TableDiff &table, const DiffRow &row);
    void spoolPending(); ///< with m_mutex held
    void copyEntries(const QString &table, QIODevice &out);

    std::mutex m_mutex;
    QTemporaryFile m_spool;
    QHash<QString, TableEntries> m_tables;
    qint64 m_pendingBytes = 0;
};

} // namespace salvage
