#include "core/blockwriter.h"

#include "core/error.h"

#include <QIODevice>

namespace salvage {

BlockWriter::BlockWriter(QIODevice &device, QString what, qsizetype block)
    : m_device(device)
    , m_what(std::move(what))
    , m_block(block)
{
    m_pending.reserve(m_block);
}

void BlockWriter::write(const QByteArray &bytes)
{
    if (bytes.size() >= m_block) {
        flush();
        writeOut(bytes);
        return;
    }
    m_pending.append(bytes);
    if (m_pending.size() >= m_block)
        flush();
}

void BlockWriter::flush()
{
    if (m_pending.isEmpty())
        return;
    writeOut(m_pending);
    m_pending.resize(0); // keeps the block allocated
}

void BlockWriter::writeOut(const QByteArray &bytes)
{
    if (m_device.write(bytes) != bytes.size())
        throw Error(QStringLiteral("Cannot write %1: %2.").arg(m_what, m_device.errorString()));
}

} // namespace salvage
