#include "eventreader.h"

#include "indexedlog.h"

namespace salvage {

EventReader::EventReader(const IndexedLog &log)
    : m_log(log)
    , m_parser(log.format(), log.payload())
{
}

QByteArray EventReader::bytes(qint64 entry)
{
    const LineIndex &index = m_log.index();
    const qint64 start = index.offset(entry);
    const qint64 length = std::min<qint64>(index.end(entry) - start, IndexedLog::entryLimit);
    const qint64 blockEnd = m_blockStart + m_block.size();
    if (start < m_blockStart || start + length > blockEnd) {
        // A large block when reading on from the last one; the entry alone after a jump (a time
        // window's first event, an unsorted source read in time order), so jumps stay cheap.
        const bool onwards = start >= blockEnd && start - blockEnd < IndexedLog::blockBytes / 16;
        m_block = m_log.file().read(start, onwards ? std::max(IndexedLog::blockBytes, length) : length);
        m_blockStart = start;
    }
    const qint64 at = start - m_blockStart;
    return QByteArray::fromRawData(m_block.constData() + at, std::min<qint64>(length, m_block.size() - at));
}

LogEvent EventReader::event(qint64 entry, EventParser::Detail detail)
{
    return m_log.parsed(entry, m_parser, bytes(entry), detail);
}

const EventKeys &EventReader::keys(qint64 entry, bool wholeEvent, const QString &methodField, const QString &pathField,
    const QString &statusField, const LogEvent **event)
{
    const QByteArray entryBytes = bytes(entry);
    m_keys.clear();
    if (!wholeEvent
        && m_parser.keysOf(entryBytes, m_log.lineFormat(entry), methodField, pathField, statusField, m_keys)) {
        m_keys.instantMs = m_log.index().instant(entry);
        if (m_keys.level == LogLevel::Unknown)
            m_keys.level = m_log.index().level(entry);
        *event = nullptr;
        return m_keys;
    }
    m_event = m_log.parsed(entry, m_parser, entryBytes, EventParser::Detail::Keys);
    m_keys.assign(m_event, methodField, pathField, statusField);
    *event = &m_event;
    return m_keys;
}

} // namespace salvage
