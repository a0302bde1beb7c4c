#include "inputfile.h"

#include "error.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace salvage::InputFile {

QString problem(const QString &path, Kind kind)
{
    if (path.isEmpty())
        return QStringLiteral("no file name given");
    struct stat status = {};
    if (::stat(QFile::encodeName(path).constData(), &status) != 0) { // follows symlinks
        if (errno == ENOENT)
            return QStringLiteral("it does not exist");
        return QString::fromLocal8Bit(std::strerror(errno));
    }
    if (S_ISREG(status.st_mode) || (kind == Kind::RegularFileOrDirectory && S_ISDIR(status.st_mode)))
        return {};
    if (S_ISDIR(status.st_mode))
        return QStringLiteral("it is a directory, not a regular file");
    if (S_ISFIFO(status.st_mode))
        return QStringLiteral("it is a FIFO, not a regular file");
    if (S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode))
        return QStringLiteral("it is a device, not a regular file");
    if (S_ISSOCK(status.st_mode))
        return QStringLiteral("it is a socket, not a regular file");
    return QStringLiteral("it is not a regular file");
}

void require(const QString &path, const QString &what, Kind kind)
{
    const QString reason = problem(path, kind);
    if (!reason.isEmpty())
        throw Error(QStringLiteral("cannot read %1 %2: %3").arg(what, path, reason));
}

} // namespace salvage::InputFile
