#pragma once

#include "logs/logevent.h"

#include <QStringList>

namespace salvage {

/// One row of a postmortem: an event (or a manual note) with the operator's marks.
struct ReportEntry
{
    qint64 instantMs = 0;
    QString originalTime;
    QString source;
    LogLevel level = LogLevel::Unknown;
    QString message;
    QList<LogKey> keys;
    QString timestampDesc;
    bool starred = false;
    bool manual = false;
    QStringList tags;
    QString comment;
};

} // namespace salvage
