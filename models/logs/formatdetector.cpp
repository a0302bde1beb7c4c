#include "formatdetector.h"

#include "eventparser.h"
#include "logfile.h"

namespace salvage {

namespace {
constexpr qint64 sampleBytes = 64 * 1024;
constexpr int sampleLines = 100;
} // namespace

FormatDetector::FormatDetector(const FormatRegistry &registry)
    : m_registry(registry)
{
}

int FormatDetector::best(const QStringList &lines, bool envelopes, int *matched, bool payloads) const
{
    int bestIndex = -1;
    int bestCount = 0;
    const QList<LogFormat> &formats = m_registry.formats();
    for (int i = 0; i < formats.size(); ++i) {
        if (formats.at(i).envelope != envelopes || (formats.at(i).payloadOnly && !payloads))
            continue;
        int count = 0;
        for (const QString &line : lines)
            count += EventParser::matches(formats.at(i), line) ? 1 : 0;
        if (count > bestCount) {
            bestCount = count;
            bestIndex = i;
        }
    }
    *matched = bestCount;
    return bestIndex;
}

int FormatDetector::detectPayload(const QStringList &payloads) const
{
    int matched = 0;
    const int index = best(payloads, false, &matched, true);
    return matched * 2 >= payloads.size() || matched >= 3 ? index : -1;
}

FormatDetector::Result FormatDetector::detectLines(const QStringList &lines) const
{
    Result result;
    result.sampled = int(lines.size());
    int envelopeMatched = 0;
    const int envelope = best(lines, true, &envelopeMatched);
    if (envelope >= 0 && envelopeMatched * 2 >= result.sampled) {
        const LogFormat &format = m_registry.formats().at(envelope);
        QStringList payloads;
        for (const QString &line : lines)
            if (const auto payload = EventParser::payloadOf(format, line))
                payloads.append(*payload);
        int payloadMatched = 0;
        const int payload = best(payloads, false, &payloadMatched, true);
        result.format = envelope;
        result.matched = envelopeMatched;
        // Each program in a syslog file has its own shape: take the payload format only when most lines share it.
        result.payload = payloadMatched * 2 >= payloads.size() && payloadMatched > 0 ? payload : -1;
        // A plain text format that explains as many lines is more specific than a bare envelope.
        int plainMatched = 0;
        const int plain = best(lines, false, &plainMatched);
        if (result.payload < 0 && plain >= 0 && plainMatched > envelopeMatched) {
            result.format = plain;
            result.matched = plainMatched;
        }
        return result;
    }
    result.format = best(lines, false, &result.matched);
    return result;
}

FormatDetector::Result FormatDetector::detect(const LogFile &file) const
{
    const QByteArray head = file.read(0, sampleBytes);
    QStringList lines;
    qsizetype start = 0;
    while (start < head.size() && lines.size() < sampleLines) {
        qsizetype end = head.indexOf('\n', start);
        if (end < 0)
            end = head.size(); // the last line, or the start of a huge one: its prefix still tells

        quint16 flags = 0;
        const QString line = EventParser::decode(QByteArrayView(head).sliced(start, end - start), &flags);
        // Indented lines continue an entry; they say nothing about the format.
        if (!line.trimmed().isEmpty() && !line.startsWith(u' ') && !line.startsWith(u'\t'))
            lines.append(line);
        start = end + 1;
    }
    return detectLines(lines);
}

} // namespace salvage
