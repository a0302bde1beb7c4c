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

    /// The message as Timesketch lists it, alone: what happened and to what. The worker (class)
    /// leads when the message does not name it, and the keys it does not mention follow
    /// ("AccountMergingWorker done (job=j1, account=44)" rather than a bare "done").
    QString standaloneMessage() const;
};

} // namespace salvage
