#include "diff/phaseclock.h"

#include "diff/logcategory.h"

#include <QFile>

namespace salvage {

PhaseClock::PhaseClock(QString table)
    : m_table(std::move(table))
    , m_enabled(lcDiffTiming().isDebugEnabled())
{
    if (m_enabled)
        m_timer.start();
}

void PhaseClock::lap(const char *phase)
{
    if (!m_enabled)
        return;
    qCDebug(lcDiffTiming, "%s %s %.3f s%s", qPrintable(m_table), phase, double(m_timer.nsecsElapsed()) / 1e9,
        residentSize().constData());
    m_timer.restart();
}

QByteArray PhaseClock::residentSize()
{
    // The whole process's, where /proc has it: with lanes, other tables' phases share it.
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return {};
    QByteArray sizes;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:"))
            sizes += ", " + line.left(5) + ' '
                + QByteArray::number(line.mid(6).trimmed().split(' ').value(0).toLongLong() / 1024) + " MB";
    }
    return sizes.isEmpty() ? sizes : " (" + sizes.mid(2) + ')';
}

} // namespace salvage
