#pragma once

#include <QIODevice>
#include <QString>

namespace salvage {

/// Writes a file so that it is whole or absent: the bytes go to a new temporary file in the
/// target's directory, every write, the fsync and the close are checked, and commit() renames it
/// into place and fsyncs the directory. An existing file is replaced only when asked; a device,
/// FIFO, socket or directory (or a symlink to one) is never opened. On failure, or when destroyed
/// without commit(), only its own temporary file is removed.
class SafeFileWriter : public QIODevice
{
public:
    enum class Existing { Keep, Replace };

    explicit SafeFileWriter(QString path, Existing existing = Existing::Keep);
    ~SafeFileWriter() override;

    /// Creates the temporary file (mode must be WriteOnly); false with errorString() when the
    /// target is not a regular file, exists and may not be replaced, or the directory refuses.
    bool open(OpenMode mode) override;
    /// Flushes, fsyncs, closes and renames into place; false with errorString() on any failure
    /// (also of an earlier write), and then nothing is left behind.
    bool commit();
    /// Drops what was written: removes the temporary file.
    void cancel();

    bool isSequential() const override { return true; }
    QString path() const { return m_path; }
    /// Where commit() puts the file: path(), or the regular file a symlink there points to.
    QString targetPath() const { return m_target; }
    bool isCommitted() const { return m_committed; }
    /// True when open() or commit() refused because the target exists and Existing::Keep.
    bool refusedExisting() const { return m_refusedExisting; }

    /// Writes `data` to `path` in one go; throws salvage::Error (path and the system's reason).
    static void save(const QString &path, const QByteArray &data, Existing existing = Existing::Keep);

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 length) override;

private:
    bool fail(const QString &reason);
    void removeTemporary();

    QString m_path; ///< as given (messages name it)
    QString m_target; ///< where the file lands (a symlink to a regular file resolved)
    QString m_temporary;
    Existing m_existing;
    int m_fd = -1;
    bool m_failed = false;
    bool m_refusedExisting = false;
    bool m_committed = false;
};

} // namespace salvage
