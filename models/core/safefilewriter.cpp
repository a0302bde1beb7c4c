#include "safefilewriter.h"

#include "error.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace salvage {

namespace {

QString systemReason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

QByteArray encoded(const QString &path)
{
    return QFile::encodeName(path);
}

QString specialKind(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("a directory");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return QStringLiteral("a device");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("not a regular file");
}

// Renames without replacing: renameat2(RENAME_NOREPLACE) where the file system has it, else
// link() + unlink(), which also fails when the target exists.
int renameNoReplace(const QByteArray &from, const QByteArray &to)
{
#ifdef RENAME_NOREPLACE
    if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return errno;
#endif
    if (::link(from.constData(), to.constData()) != 0)
        return errno;
    ::unlink(from.constData());
    return 0;
}

} // namespace

SafeFileWriter::SafeFileWriter(QString path, Existing existing)
    : m_path(std::move(path))
    , m_existing(existing)
{
}

SafeFileWriter::~SafeFileWriter()
{
    removeTemporary();
}

bool SafeFileWriter::fail(const QString &reason)
{
    m_failed = true;
    setErrorString(QStringLiteral("cannot write %1: %2").arg(m_path, reason));
    return false;
}

bool SafeFileWriter::open(OpenMode mode)
{
    if (isOpen() || (mode & ReadOnly) || !(mode & WriteOnly))
        return fail(QStringLiteral("it can only be opened once, for writing"));
    if (m_path.isEmpty())
        return fail(QStringLiteral("no file name"));
    m_target = m_path;
    struct stat entry = {};
    if (::lstat(encoded(m_path).constData(), &entry) == 0) {
        struct stat target = {};
        if (S_ISLNK(entry.st_mode)) {
            if (::stat(encoded(m_path).constData(), &target) != 0)
                return fail(QStringLiteral("it is a symbolic link to nothing (%1)").arg(systemReason(errno)));
            m_target = QFileInfo(m_path).canonicalFilePath(); // replace what the link points to, keep the link
        } else {
            target = entry;
        }
        if (!S_ISREG(target.st_mode))
            return fail(QStringLiteral("it is %1, not a regular file").arg(specialKind(target.st_mode)));
        if (m_existing == Existing::Keep) {
            m_refusedExisting = true;
            return fail(QStringLiteral("it already exists and is not replaced unasked"));
        }
    } else if (errno != ENOENT) {
        return fail(systemReason(errno));
    }

    const QFileInfo target(m_target);
    const QString directory = target.absolutePath();
    for (int attempt = 0; attempt < 100 && m_fd < 0; ++attempt) {
        m_temporary
            = QStringLiteral("%1/.%2.%3.salvage-tmp")
                  .arg(directory, target.fileName(),
                      QStringLiteral("%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')));
        // O_EXCL: never an existing file, never through a symlink someone placed there.
        m_fd = ::open(encoded(m_temporary).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (m_fd < 0 && errno != EEXIST) {
            const int error = errno;
            m_temporary.clear();
            return fail(QStringLiteral("cannot create a file in %1: %2").arg(directory, systemReason(error)));
        }
    }
    if (m_fd < 0) {
        m_temporary.clear();
        return fail(QStringLiteral("no free temporary name in %1").arg(directory));
    }
    struct stat replaced = {};
    if (m_existing == Existing::Replace && ::stat(encoded(m_target).constData(), &replaced) == 0)
        ::fchmod(m_fd, replaced.st_mode & 07777); // a replaced file keeps its permissions
    m_failed = false;
    return QIODevice::open(mode | Unbuffered);
}

qint64 SafeFileWriter::writeData(const char *data, qint64 length)
{
    if (m_fd < 0 || m_failed)
        return -1;
    qint64 written = 0;
    while (written < length) {
        const ssize_t n = ::write(m_fd, data + written, size_t(length - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fail(n < 0 ? systemReason(errno) : QStringLiteral("nothing written"));
            return -1;
        }
        written += n;
    }
    return written;
}

bool SafeFileWriter::commit()
{
    if (m_fd < 0)
        return m_failed ? false : fail(QStringLiteral("it was not opened"));
    // QIODevice::close() may clear errorString(): close first, then say why.
    const auto undo = [this](const QString &reason) {
        removeTemporary();
        QIODevice::close();
        return fail(reason);
    };
    if (m_failed) {
        const QString message = errorString();
        removeTemporary();
        QIODevice::close();
        setErrorString(message);
        return false;
    }
    if (::fsync(m_fd) != 0)
        return undo(systemReason(errno));
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(encoded(m_temporary).constData());
        m_temporary.clear();
        return undo(systemReason(error));
    }
    if (m_existing == Existing::Replace) {
        // rename() replaces a directory entry; it never writes into what the entry was.
        if (::rename(encoded(m_temporary).constData(), encoded(m_target).constData()) != 0)
            return undo(systemReason(errno));
    } else if (const int error = renameNoReplace(encoded(m_temporary), encoded(m_target)); error != 0) {
        m_refusedExisting = error == EEXIST;
        return undo(error == EEXIST ? QStringLiteral("it was created by someone else meanwhile; not replaced")
                                    : systemReason(error));
    }
    m_temporary.clear();
    m_committed = true;
    QIODevice::close();
    // The rename is durable only once the directory is on disk too.
    const int directory
        = ::open(encoded(QFileInfo(m_target).absolutePath()).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0)
        return fail(QStringLiteral("cannot open its directory to flush it: %1").arg(systemReason(errno)));
    const bool synced = ::fsync(directory) == 0 || errno == EINVAL; // EINVAL: the file system has no directory fsync
    const int error = errno;
    ::close(directory);
    if (!synced)
        return fail(QStringLiteral("cannot flush its directory: %1").arg(systemReason(error)));
    return true;
}

void SafeFileWriter::cancel()
{
    removeTemporary();
    QIODevice::close();
}

void SafeFileWriter::removeTemporary()
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    if (!m_temporary.isEmpty()) {
        ::unlink(encoded(m_temporary).constData());
        m_temporary.clear();
    }
}

void SafeFileWriter::save(const QString &path, const QByteArray &data, Existing existing)
{
    SafeFileWriter file(path, existing);
    if (!file.open(WriteOnly) || file.write(data) != data.size() || !file.commit())
        throw Error(file.errorString());
}

} // namespace salvage
