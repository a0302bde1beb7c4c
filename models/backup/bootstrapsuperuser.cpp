#include "bootstrapsuperuser.h"

#include "core/error.h"

#include <QFile>
#include <QtEndian>

namespace salvage {

namespace {

constexpr quint32 kAuthIdRelation = 1260; // pg_authid
constexpr quint32 kBootstrapSuperuser = 10; // BOOTSTRAP_SUPERUSERID
constexpr quint32 kRelMapMagic = 0x592717;
constexpr qsizetype kPageSize = 8192; // BLCKSZ as Debian builds it
constexpr qsizetype kNameLength = 64; // NAMEDATALEN

QByteArray readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("Cannot read %1 to find the recovered cluster's superuser: %2.")
                        .arg(path, file.errorString()));
    return file.readAll();
}

quint32 u32(const QByteArray &bytes, qsizetype at)
{
    return qFromLittleEndian<quint32>(bytes.constData() + at);
}

quint16 u16(const QByteArray &bytes, qsizetype at)
{
    return qFromLittleEndian<quint16>(bytes.constData() + at);
}

/// pg_authid is a mapped catalog: its file number is in global/pg_filenode.map (VACUUM FULL moves it).
quint32 authIdFileNumber(const QString &dataDir)
{
    const QByteArray map = readFile(dataDir + QStringLiteral("/global/pg_filenode.map"));
    if (map.size() < 8 || u32(map, 0) != kRelMapMagic)
        throw Error(QStringLiteral("global/pg_filenode.map is not a relation map this Salvage can read."));
    const quint32 count = u32(map, 4);
    for (quint32 i = 0; i < count && 8 + 8 * qsizetype(i) + 8 <= map.size(); ++i)
        if (u32(map, 8 + 8 * i) == kAuthIdRelation)
            return u32(map, 8 + 8 * i + 4);
    return kAuthIdRelation;
}

} // namespace

QString bootstrapSuperuser(const QString &dataDir)
{
    const QByteArray heap = readFile(dataDir + QStringLiteral("/global/") + QString::number(authIdFileNumber(dataDir)));
    QString dead; // a version a later transaction replaced (a rename): used only when no live one is found
    for (qsizetype page = 0; page + kPageSize <= heap.size(); page += kPageSize) {
        const quint16 lower = u16(heap, page + 12); // pd_lower: the end of the line pointers
        for (qsizetype item = page + 24; item + 4 <= page + lower; item += 4) {
            const quint32 pointer = u32(heap, item);
            const quint32 offset = pointer & 0x7fff, flags = (pointer >> 15) & 3, length = pointer >> 17;
            if (flags != 1 || offset + length > kPageSize) // LP_NORMAL only
                continue;
            const qsizetype tuple = page + offset;
            const quint8 dataOffset = quint8(heap.at(tuple + 22)); // t_hoff
            if (length < dataOffset + 4 + kNameLength || u32(heap, tuple + dataOffset) != kBootstrapSuperuser)
                continue;
            const char *bytes = heap.constData() + tuple + dataOffset + 4;
            const QString name = QString::fromUtf8(bytes, qsizetype(qstrnlen(bytes, kNameLength)));
            // Not replaced by a later version: no xmax, or HEAP_XMAX_INVALID.
            if (u32(heap, tuple + 4) == 0 || (u16(heap, tuple + 20) & 0x0800))
                return name;
            dead = name;
        }
    }
    if (dead.isEmpty())
        throw Error(QStringLiteral("The recovered cluster's pg_authid holds no bootstrap superuser."));
    return dead;
}

} // namespace salvage
