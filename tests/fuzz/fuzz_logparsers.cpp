// Feeds arbitrary bytes to every built-in format: the index's line scanner, the event parser
// (regex, JSON, CSV, envelopes with payloads) and the timestamp parser must never crash.
#include "core/error.h"
#include "logs/eventparser.h"
#include "logs/linescanner.h"

#include <QDir>
#include <QFile>

#include <cstddef>
#include <cstdint>

using namespace salvage;

static const QList<LogFormat> &formats()
{
    static const QList<LogFormat> all = [] {
        QList<LogFormat> loaded;
        const QDir dir(QStringLiteral(SALVAGE_FORMATS_DIR));
        for (const QString &name : dir.entryList({ QStringLiteral("*.json") })) {
            QFile file(dir.filePath(name));
            if (file.open(QIODevice::ReadOnly))
                loaded += LogFormat::fromJson(file.readAll(), name);
        }
        if (loaded.isEmpty())
            qFatal("no formats in %s", SALVAGE_FORMATS_DIR);
        return loaded;
    }();
    return all;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<LogFormat> &all = formats();
    const char *begin = reinterpret_cast<const char *>(data);
    const char *end = begin + size;
    // The first byte picks the format and its payload, so the fuzzer explores each.
    const LogFormat *format = &all.at(size > 0 ? data[0] % all.size() : 0);
    const LogFormat *payload = format->envelope && size > 1 ? &all.at(data[1] % all.size()) : nullptr;
    if (payload && payload->envelope)
        payload = nullptr;
    // The same for every input: built once, so the fuzzer's time goes to the parsers.
    static const QList<const LogFormat *> fallbacks = [&all] {
        QList<const LogFormat *> textFormats;
        for (const LogFormat &f : all)
            if (!f.envelope && f.kind == LogFormat::Kind::Text)
                textFormats.append(&f);
        return textFormats;
    }();
    static const SourceClock clock(QTimeZone("Europe/Berlin"), 0);
    LineScanner scanner(format, payload, fallbacks, clock);
    for (const char *line = begin; line < end;) {
        const char *nl = static_cast<const char *>(memchr(line, '\n', size_t(end - line)));
        const char *stop = nl ? nl : end;
        scanner.scan(line, stop);
        line = stop + 1;
    }
    const EventParser parser(format, payload);
    const LogEvent event = parser.parse(QByteArray(begin, qsizetype(size)));
    (void)event;
    const LogEvent keys
        = parser.parse(QByteArray(begin, qsizetype(size)), nullptr, EventParser::Detail::Keys); // the parse pass
    (void)keys;
    TimestampFields fields;
    format->timestamps.scan(begin, end, 256, fields);
    return 0;
}
