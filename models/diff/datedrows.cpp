#include "diff/datedrows.h"

namespace salvage {

void DatedRows::add(double time, qint64 multiplicity, const QString &joinedKey)
{
    if (multiplicity != 1 || !m_multiplicity.isEmpty()) {
        // The rows before, while none had another count, had one copy each.
        m_multiplicity.insert(m_multiplicity.size(), m_times.size() - m_multiplicity.size(), 1);
        m_multiplicity << multiplicity;
    }
    m_times << time;
    if (m_keepsKeys) {
        m_keys += joinedKey.toUtf8();
        m_keyEnds << m_keys.size();
    }
}

void DatedRows::squeeze()
{
    m_times.squeeze();
    m_multiplicity.squeeze();
    m_keys.squeeze();
    m_keyEnds.squeeze();
}

qint64 DatedRows::newerThan(std::optional<double> backupTime) const
{
    if (!backupTime)
        return 0;
    qint64 rows = 0;
    for (qsizetype i = 0; i < m_times.size(); ++i) {
        if (m_times.at(i) > *backupTime)
            rows += m_multiplicity.isEmpty() ? 1 : m_multiplicity.at(i);
    }
    return rows;
}

QString DatedRows::key(qsizetype row) const
{
    const qsizetype start = row == 0 ? 0 : m_keyEnds.at(row - 1);
    return QString::fromUtf8(m_keys.constData() + start, m_keyEnds.at(row) - start);
}

} // namespace salvage
