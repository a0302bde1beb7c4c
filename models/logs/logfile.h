#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QFile>
#include <QString>

#include <memory>

class QTemporaryFile;

namespace salvage {

/// A log file opened for random reads with pread: never loaded whole. A gzip file (rotations,
/// `.gz`) is inflated once, streaming, into a temporary file, so memory stays bounded.
class LogFile
{
public:
    /// Throws salvage::Error with one sentence when the file cannot be read.
    explicit LogFile(const QString &path);
    ~LogFile();
    LogFile(const LogFile &) = delete;
    LogFile &operator=(const LogFile &) = delete;

    const QString &path() const { return m_path; }
    qint64 size() const { return m_size; }
    bool isCompressed() const { return m_compressed; }
    /// Non-empty when the gzip stream ended early or was corrupt: what was readable is kept.
    const QString &damage() const { return m_damage; }
    QDateTime lastModified() const { return m_modified; }

    /// Up to `length` bytes at `offset` (fewer at the end); thread-safe.
    QByteArray read(qint64 offset, qint64 length) const;
    /// Reads into `buffer`; returns the count read (0 at end), thread-safe.
    qint64 read(qint64 offset, char *buffer, qint64 length) const;

private:
    void inflate(QFile &source);

    QString m_path;
    QFile m_file;
    std::unique_ptr<QTemporaryFile> m_inflated;
    int m_fd = -1;
    qint64 m_size = 0;
    bool m_compressed = false;
    QString m_damage;
    QDateTime m_modified;
};

} // namespace salvage
