#pragma once

#include <QElapsedTimer>
#include <QString>

namespace salvage {

/// Logs how long each phase of one table's comparison took, when the logging category
/// salvage.diff.timing is on (QT_LOGGING_RULES="salvage.diff.timing.debug=true"): measuring where a
/// diff spends its time needs no profiler. Each line also gives the process's resident size now and
/// at its peak (Linux), to see which phase holds the memory.
class PhaseClock
{
public:
    explicit PhaseClock(QString table);
    /// Ends the phase that began at the previous lap (or at construction) and names it.
    void lap(const char *phase);

private:
    /// " (VmRSS N MB, VmHWM N MB)", or nothing without /proc.
    static QByteArray residentSize();

    QString m_table;
    QElapsedTimer m_timer;
    bool m_enabled;
};

} // namespace salvage
