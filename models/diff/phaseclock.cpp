#include "diff/phaseclock.h"

#include "diff/logcategory.h"

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
    qCDebug(lcDiffTiming, "%s %s %.3f s", qPrintable(m_table), phase, double(m_timer.nsecsElapsed()) / 1e9);
    m_timer.restart();
}

} // namespace salvage
