#pragma once

#include <QByteArray>
#include <QString>

class QIODevice;

namespace salvage {

/// Bytes written to a device a block at a time: many small pieces (a row, a line) cost one system
/// call a block instead of one each, and a whole document is never held. Every write is checked:
/// a failed one throws salvage::Error ("Cannot write <what>: <the device's error>.").
class BlockWriter
{
public:
    BlockWriter(QIODevice &device, QString what, qsizetype block = 1 << 20);

    /// Appends `bytes`; a piece of a block or more (megabytes of COPY data) goes out as it is, not copied.
    void write(const QByteArray &bytes);
    void write(const QString &text) { write(text.toUtf8()); }
    /// Writes what is held. Call it at the end: the destructor does not (it must not throw).
    void flush();

private:
    void writeOut(const QByteArray &bytes);

    QIODevice &m_device;
    QString m_what;
    qsizetype m_block;
    QByteArray m_pending;
};

} // namespace salvage
