#include "jobcontrol.h"

#include "core/error.h"

namespace salvage {

void JobControl::throwIfCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

void JobControl::setProgress(qint64 done, qint64 total, const QString &status)
{
    if (m_sink)
        m_sink(done, total, status);
}

} // namespace salvage
