#pragma once

#include <QElapsedTimer>
#include <QString>

namespace salvage {

/// Prints how long each phase of one table's comparison took, on stderr, when the environment
/// variable SALVAGE_DIFF_TIMING is set: measuring where a diff spends its time needs no profiler.
class PhaseClock
{
public:
    explicit PhaseClock(QString table);
    /// Ends the phase that began at the previous lap (or at construction) and names it.
    void lap(const char *phase);

private:
    QString m_table;
    QElapsedTimer m_timer;
    bool m_enabled;
};

} // namespace salvage
