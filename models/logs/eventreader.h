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

private:
    /// The entry's bytes (cut as the parser reads them), from the block, which is refilled from
    /// the entry's start when it does not hold them; valid until the next call.
    QByteArray bytes(qint64 entry);

    const IndexedLog &m_log;
    const EventParser m_parser;
    QByteArray m_block;
    qint64 m_blockStart = 0;
};

} // namespace salvage
