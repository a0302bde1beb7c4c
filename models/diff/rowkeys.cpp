#include "diff/rowkeys.h"

namespace salvage {

void RowKeys::set(qsizetype row, const QString &joinedKey)
{
    if (row >= m_at.size())
        m_at.insert(m_at.size(), row + 1 - m_at.size(), -1);
    m_at[row] = m_bytes.size();
    const QByteArray utf8 = joinedKey.toUtf8();
    for (quint64 length = quint64(utf8.size());; length >>= 7) {
        const char low = char(length & 0x7f);
        if (length < 0x80) {
            m_bytes += low;
            break;
        }
        m_bytes += char(low | 0x80);
    }
    m_bytes += utf8;
}

void RowKeys::squeeze()
{
    m_bytes.squeeze();
    m_at.squeeze();
}

QString RowKeys::joined(qsizetype row) const
{
    qsizetype at = qsizetype(m_at.at(row));
    qsizetype length = 0;
    for (int shift = 0;; shift += 7) {
        const auto byte = quint8(m_bytes.at(at++));
        length |= qsizetype(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            break;
    }
    return QString::fromUtf8(m_bytes.constData() + at, length);
}

} // namespace salvage
