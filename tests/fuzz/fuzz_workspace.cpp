// Feeds arbitrary bytes to the workspace reader: the JSON document Workspace::load() reads, then
// Workspace::fromJson(). No crash, no UB; and what save() writes (in memory), loaded and saved
// again, is written the same: a saved workspace is stable. (The first save may still change a
// conninfo libpq rejects: it is saved redacted, and the redacted text can be one libpq accepts,
// e.g. `password='x` becomes `password=***`, whose password the next save drops; see docs/safety.md.)
#include "workspace/workspace.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace salvage;

namespace {

[[noreturn]] void broken(const char *what, const QByteArray &first, const QByteArray &second)
{
    std::fprintf(
        stderr, "invariant broken: %s\n  first:  %s\n  second: %s\n", what, first.constData(), second.constData());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return 0;
    const QByteArray first
        = QJsonDocument(Workspace::fromJson(document.object()).toJson()).toJson(QJsonDocument::Indented);
    const auto roundTrip = [&](const QByteArray &file) {
        const QJsonDocument reread = QJsonDocument::fromJson(file, &error);
        if (error.error != QJsonParseError::NoError || !reread.isObject())
            broken("a saved workspace is not JSON", bytes, file);
        return QJsonDocument(Workspace::fromJson(reread.object()).toJson()).toJson(QJsonDocument::Indented);
    };
    const QByteArray second = roundTrip(first);
    const QByteArray third = roundTrip(second);
    if (third != second)
        broken("a saved workspace changed when loaded and saved again", second, third);
    return 0;
}
