#include "logfile.h"

#include "core/error.h"
#include "core/inputfile.h"

#include <QFileInfo>
#include <QTemporaryFile>

#include <unistd.h>
#include <zlib.h>

using namespace Qt::StringLiterals;

namespace salvage {

LogFile::LogFile(const QString &path)
    : m_path(path)
    , m_file(path)
{
    InputFile::require(path, u"the log file"_s); // a FIFO or /dev/zero would block or never end
    const QFileInfo info(path);
    if (!m_file.open(QIODevice::ReadOnly))
        throw Error(u"Cannot read the log file %1: %2."_s.arg(path, m_file.errorString()));
    m_modified = info.lastModified();
    char magic[2] = { 0, 0 };
    if (m_file.peek(magic, 2) == 2 && uchar(magic[0]) == 0x1f && uchar(magic[1]) == 0x8b) {
        m_compressed = true;
        inflate(m_file);
        m_fd = m_inflated->handle();
        m_size = m_inflated->size();
    } else {
        m_fd = m_file.handle();
        m_size = m_file.size();
    }
}

LogFile::~LogFile() = default;

void LogFile::inflate(QFile &source)
{
    m_inflated = std::make_unique<QTemporaryFile>();
    if (!m_inflated->open())
        throw Error(u"Cannot create a temporary file to decompress %1: %2."_s.arg(m_path, m_inflated->errorString()));
    z_stream stream {};
    if (inflateInit2(&stream, 15 + 32) != Z_OK) // 32: accept gzip headers
        throw Error(u"Cannot start decompressing %1."_s.arg(m_path));
    QByteArray in(1 << 16, Qt::Uninitialized);
    QByteArray out(1 << 18, Qt::Uninitialized);
    bool ended = false; // at the end of a gzip member
    while (m_damage.isEmpty()) {
        const qint64 n = source.read(in.data(), in.size());
        if (n <= 0)
            break;
        stream.next_in = reinterpret_cast<Bytef *>(in.data());
        stream.avail_in = uInt(n);
        do {
            stream.next_out = reinterpret_cast<Bytef *>(out.data());
            stream.avail_out = uInt(out.size());
            const int status = ::inflate(&stream, Z_NO_FLUSH);
            if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
                m_damage = u"The gzip data of %1 is corrupt after %2 bytes; the rest is ignored."_s.arg(
                    m_path, QString::number(stream.total_out));
                break;
            }
            m_inflated->write(out.constData(), out.size() - stream.avail_out);
            ended = status == Z_STREAM_END;
            if (ended) // concatenated members (logrotate appends) start over with a fresh header
                inflateReset(&stream);
            else if (status == Z_BUF_ERROR && stream.avail_out != 0)
                break;
        } while (stream.avail_in > 0 || stream.avail_out == 0);
    }
    if (m_damage.isEmpty() && !ended)
        m_damage = u"The gzip file %1 is truncated; everything readable is shown."_s.arg(m_path);
    inflateEnd(&stream);
    m_inflated->flush();
}

qint64 LogFile::read(qint64 offset, char *buffer, qint64 length) const
{
    qint64 total = 0;
    while (total < length) {
        const ssize_t n = ::pread(m_fd, buffer + total, size_t(length - total), off_t(offset + total));
        if (n <= 0)
            break;
        total += n;
    }
    return total;
}

QByteArray LogFile::read(qint64 offset, qint64 length) const
{
    length = std::max<qint64>(0, std::min(length, m_size - offset));
    QByteArray bytes(length, Qt::Uninitialized);
    bytes.truncate(read(offset, bytes.data(), length));
    return bytes;
}

} // namespace salvage
