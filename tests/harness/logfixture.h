#pragma once

#include <QByteArray>
#include <QFile>
#include <QTemporaryDir>

#include <zlib.h>

namespace salvage::test {

/// Log files written into a temporary directory that lives as long as the test object.
class LogFixture
{
public:
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QString write(const QString &name, const QByteArray &bytes) const
    {
        QFile file(path(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            qFatal("cannot write the fixture %s", qPrintable(name));
        return file.fileName();
    }

    /// Gzip-compressed, as logrotate leaves rotated logs (link ZLIB::ZLIB to use it).
    QString writeGzip(const QString &name, const QByteArray &bytes) const
    {
        const QString file = path(name);
        gzFile gz = gzopen(file.toLocal8Bit().constData(), "wb");
        gzwrite(gz, bytes.constData(), unsigned(bytes.size()));
        gzclose(gz);
        return file;
    }

    /// A Rails request (Berlin local time) and an error, 20:30:54 and 20:31:00 UTC.
    static QByteArray railsLines()
    {
        return "I, [2024-12-26T21:30:54.071002 #1514]  INFO -- : [b2f7c3a1-4d5e] method=POST path=/inbox status=202 "
               "duration=1.0\n"
               "E, [2024-12-26T21:31:00.000001 #1514] ERROR -- : [0f1e2d3c-4b5a] boom\n";
    }

private:
    QTemporaryDir m_dir;
};

} // namespace salvage::test
