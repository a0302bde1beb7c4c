#pragma once

#include "eventparser.h"

#include <QByteArray>

namespace salvage {

class IndexedLog;

/// Parses the events of one source in (mostly) increasing order, as an export or the parse pass
/// reads them: the file in large blocks rather than one read per event, one parser (and its
/// caches) for all. Not shared between threads.
class EventReader
{
public:
    explicit EventReader(const IndexedLog &log);

    LogEvent event(qint64 entry, EventParser::Detail detail = EventParser::Detail::Full);
    /// What the parse pass keeps of `entry`: EventParser::keysOf() where it applies and `wholeEvent`
    /// is false, else from a Keys parse, whose event `event` then points to (else nullptr). Both
    /// valid until the next call. `methodField` empty: no request shape.
    const EventKeys &keys(qint64 entry, bool wholeEvent, const QString &methodField, const QString &pathField,
        const QString &statusField, const LogEvent **event);

private:
    /// The entry's bytes (cut as the parser reads them), from the block, which is refilled from
    /// the entry's start when it does not hold them; valid until the next call.
    QByteArray bytes(qint64 entry);

    const IndexedLog &m_log;
    const EventParser m_parser;
    QByteArray m_block;
    qint64 m_blockStart = 0;
    EventKeys m_keys;
    LogEvent m_event;
};

} // namespace salvage
