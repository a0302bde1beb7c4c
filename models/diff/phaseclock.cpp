#include "diff/phaseclock.h"

#include <cstdio>

namespace salvage {

PhaseClock::PhaseClock(QString table)
    : m_table(std::move(table))
    , m_enabled(qEnvironmentVariableIsSet("SALVAGE_DIFF_TIMING"))
{
    if (m_enabled)
        m_timer.start();
}

void PhaseClock::lap(const char *phase)
{
    if (!m_enabled)
        return;
    std::fprintf(
        stderr, "diff timing: %s %s %.3f s\n", qPrintable(m_table), phase, double(m_timer.nsecsElapsed()) / 1e9);
    std::fflush(stderr);
    m_timer.restart();
}

} // namespace salvage
