// Feeds arbitrary bytes to every built-in format: the index's line scanner, the event parser
// (regex, JSON, CSV, envelopes with payloads) and the timestamp parser must never crash, and the
// parse pass's reading of a line from its bytes (keysOf) must find what a Keys parse finds.
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
    EventKeys read, parsed;
    const QByteArray bytes(begin, qsizetype(size));
    if (parser.keysOf(
            bytes, nullptr, format->requestMethodField, format->requestPathField, format->requestStatusField, read)) {
        parsed.assign(keys, format->requestMethodField, format->requestPathField, format->requestStatusField);
        bool same = read.level == parsed.level && read.lane == parsed.lane && read.method == parsed.method
            && read.path == parsed.path && read.status == parsed.status && read.keys.size() == parsed.keys.size();
        for (qsizetype k = 0; same && k < read.keys.size(); ++k)
            same = read.keys[k].kind == parsed.keys[k].kind && read.keys[k].value == parsed.keys[k].value
                && read.keys[k].table == parsed.keys[k].table;
        if (!same)
            qFatal("keysOf differs from a Keys parse");
    }
    TimestampFields fields;
    format->timestamps.scan(begin, end, 256, fields);
    return 0;
}
