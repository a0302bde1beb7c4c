#pragma once

#include <QByteArray>
#include <QFile>
#include <QTest>

namespace salvage::test {

/// A file's bytes, or "<unreadable>" (so that a comparison shows it).
inline QByteArray fileContents(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

/// Writes `bytes` to `path` (replacing it), as a test's fixture; fails the test when it cannot.
inline void putFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY2(
        file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size(), qPrintable(path));
}

} // namespace salvage::test
