#include "lineindex.h"

#include "linescanner.h"
#include "logfile.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace salvage {

namespace {
constexpr qint64 blockSize = 1 << 20;
constexpr qint64 longLine = 1 << 20; // a line with no newline within this many bytes is "long"
constexpr qint64 noInstant = std::numeric_limits<qint64>::min();
} // namespace

qint64 LineIndex::memoryBytes() const
{
    return qint64(m_buildingOffsets.capacity() * 8 + m_buildingInstants.capacity() * 8 + m_lines.capacity() * 4
               + m_lineSteps.capacity() * 16 + m_levels.capacity() + m_flags.capacity())
        + m_offsets.memoryBytes() + m_instants.memoryBytes() + m_fallback.size() * 32;
}

void LineIndex::addLine(qint64 offset, const char *p, const char *end, LineScanner &scanner, quint8 extraFlags)
{
    ++m_lineCount;
    if (end > p && end[-1] == '\r')
        --end; // CRLF
    const LineScanner::Result r = scanner.scan(p, std::min(end, p + prefixBytes), end);
    if (r.joinsPrevious && !m_flags.empty()) {
        m_flags.back() |= quint8(Multiline | extraFlags);
        return;
    }
    m_buildingOffsets.push_back(offset);
    m_buildingInstants.push_back(r.hasTime ? r.instant : noInstant);
    m_levels.push_back(quint8(r.level));
    m_lines.push_back(quint32(std::min<qint64>(m_lineCount, std::numeric_limits<quint32>::max())));
    m_flags.push_back(quint8((r.hasTime ? 0 : NoTimestamp) | (r.fallbackFormat >= 0 ? Fallback : 0) | extraFlags));
    if (r.fallbackFormat >= 0)
        m_fallback.insert(count() - 1, r.fallbackFormat);
    if (r.hasTime)
        ++m_timestamped;
}

void LineIndex::build(const LogFile &file, LineScanner &scanner, const std::atomic_bool *cancel)
{
    *this = LineIndex();
    m_fileSize = file.size();
    // Reserve from a guess of 120 bytes a line, to avoid regrowing the columns many times.
    const size_t guess = size_t(std::min<qint64>(m_fileSize / 120 + 16, 1 << 24));
    m_buildingOffsets.reserve(guess);
    m_buildingInstants.reserve(guess);
    m_levels.reserve(guess);
    m_flags.reserve(guess);
    m_lines.reserve(guess);

    std::vector<char> buffer(size_t(blockSize + longLine));
    qint64 base = 0; // file offset of buffer[0]
    qint64 filled = 0; // bytes valid in buffer
    qint64 pos = 0; // start of the current line in buffer
    bool eof = false;
    while (true) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            break;
        const char *data = buffer.data();
        const void *nl = pos < filled ? std::memchr(data + pos, '\n', size_t(filled - pos)) : nullptr;
        if (nl) {
            const qint64 at = static_cast<const char *>(nl) - data;
            addLine(base + pos, data + pos, data + at, scanner, 0);
            pos = at + 1;
            continue;
        }
        if (eof) {
            if (pos < filled)
                addLine(base + pos, data + pos, data + filled, scanner, Truncated);
            break;
        }
        if (filled - pos >= longLine) {
            // A huge line: index its start, then skip to its end without keeping it.
            addLine(base + pos, data + pos, data + pos + prefixBytes, scanner, LongLine);
            qint64 skip = base + filled;
            while (true) {
                const qint64 n = file.read(skip, buffer.data(), blockSize);
                if (n <= 0) {
                    eof = true;
                    base = skip;
                    filled = pos = 0;
                    break;
                }
                const void *end = std::memchr(buffer.data(), '\n', size_t(n));
                if (end) {
                    base = skip;
                    filled = n;
                    pos = static_cast<const char *>(end) - buffer.data() + 1;
                    break;
                }
                skip += n;
            }
            continue;
        }
        // Keep the partial line, refill behind it.
        std::memmove(buffer.data(), data + pos, size_t(filled - pos));
        base += pos;
        filled -= pos;
        pos = 0;
        const qint64 n = file.read(
            base + filled, buffer.data() + filled, std::min<qint64>(blockSize, qint64(buffer.size()) - filled));
        if (n <= 0)
            eof = true;
        filled += std::max<qint64>(n, 0);
    }
    finish();
}

void LineIndex::finish()
{
    // Entries without a timestamp take the previous entry's instant (leading ones the first found).
    qint64 previous = noInstant;
    std::vector<qint64> &instants = m_buildingInstants;
    for (qint64 &instant : instants) {
        if (instant == noInstant)
            instant = previous;
        else {
            if (previous != noInstant && instant < previous)
                m_sorted = false;
            previous = instant;
        }
    }
    const auto first = std::find_if(instants.begin(), instants.end(), [](qint64 i) { return i != noInstant; });
    const qint64 firstInstant = first == instants.end() ? 0 : *first;
    for (auto it = instants.begin(); it != first; ++it)
        *it = firstInstant;
    // Packed to 4 bytes an entry (plus a base per block): the columns are most of the index.
    m_offsets = DeltaColumn(m_buildingOffsets);
    std::vector<qint64>().swap(m_buildingOffsets);
    m_instants = DeltaColumn(instants);
    std::vector<qint64>().swap(instants);
    m_levels.shrink_to_fit();
    m_flags.shrink_to_fit();

    // Line numbers as steps where they stop following the entries (joined lines, skipped ones),
    // unless there are many: 4 bytes an entry saved on most files.
    std::vector<std::pair<qint64, qint64>> steps;
    for (size_t entry = 0; entry < m_lines.size(); ++entry) {
        const qint64 gap = qint64(m_lines[entry]) - qint64(entry);
        if (!steps.empty() && steps.back().second == gap)
            continue;
        if (steps.size() >= m_lines.size() / 16 + 1)
            return; // dense: keep the column
        steps.push_back({ qint64(entry), gap });
    }
    m_lineSteps = std::move(steps);
    std::vector<quint32>().swap(m_lines);
}

qint64 LineIndex::line(qint64 entry) const
{
    if (m_lineSteps.empty())
        return m_lines[size_t(entry)];
    const auto after = std::upper_bound(m_lineSteps.begin(), m_lineSteps.end(), entry,
        [](qint64 value, const std::pair<qint64, qint64> &step) { return value < step.first; });
    return entry + std::prev(after)->second;
}

} // namespace salvage
