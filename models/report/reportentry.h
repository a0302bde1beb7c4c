#pragma once

#include "logs/logevent.h"

#include <QStringList>

namespace salvage {

/// Another event a row is linked to without a shared key (an nginx line and its Rails request).
struct ReportLink
{
    QString source;
    qint64 line = 0;
    qint64 instantMs = 0;
    QString reason;
};

/// One row of a postmortem: an event (or a manual note) with the operator's marks.
struct ReportEntry
{
    qint64 instantMs = 0;
    QString originalTime;
    QString source;
    LogLevel level = LogLevel::Unknown;
    QString message;
    QList<LogKey> keys;
    QList<ReportLink> inferredLinks;
    bool inferred = false; ///< selected only through an inferred link, not by a key of its own
    QString timestampDesc;
    bool starred = false;
    bool manual = false;
    QStringList tags;
    QString comment;
};

} // namespace salvage
